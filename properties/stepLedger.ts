/**
 * Facts only visible at the step they happen, kept per kernel for the
 * properties and goals that need them: each value object's contents when it
 * was allocated, and per value slot the base value and the increments applied
 * since (for `atomic-add`, `zeroed-or-initial` and `lost-update`); and whether a
 * cgroup was freed while an actor that looked it up was still running.
 *
 * The model records the increments ('value-update' observations) but neither an
 * element's initial value nor the value a plain store wrote; both are read from
 * memory at the step they appear, which is exact because a step runs one program
 * memory instruction. Synced from checkStep after every step; a kernel never
 * synced at step time leaves those values unknown (never a false violation).
 */
import { type BpfCgroupStorage, isCgroupStorageMap } from '../model/cgroupStorage/cgroupStorage.js';
import { BPF_LOCAL_STORAGE_GET_F_CREATE } from '../model/cgrpStorage/cgrpStorage.js';
import { EBUSY, EDEADLK } from '../model/core/errno.js';
import type { ActorId, CgroupId, MapId, ObjId } from '../model/core/ids.js';
import type { Kernel } from '../model/kernel/kernel.js';
import { BPF_F_LOCK } from '../model/localStorage/localStorage.js';

/** The expectation for one 8-byte slot of a value object. */
export interface SlotLedger {
  /** Its value at allocation, after a plain store, or after an in-place userspace copy; undefined if unknown. */
  base: number | undefined;
  /** Where `base` came from. */
  baseKind: 'start' | 'store' | 'copy';
  /** Increments ('value-update' with delta) since `base`. */
  increments: number;
  /** Their sum. */
  total: number;
  /** Non-atomic increments: who stored and the value it had loaded (stored value − delta). */
  readonly loads: { readonly actor: ActorId; readonly loaded: number }[];
}

/** One value object: its contents when first seen and its incremented slots. */
export interface ObjLedger {
  /** Contents at allocation (or at the last in-place copy); undefined if unknown. */
  start: readonly number[] | undefined;
  /** The sync that took `start`; stores observed in that same sync are already in it. */
  snapshotAt: number;
  readonly slots: Map<number, SlotLedger>;
}

/** Per-kernel step facts. */
export class StepLedger {
  readonly objects = new Map<ObjId, ObjLedger>();
  /** Objects in the order their allocation was seen at step time. */
  readonly allocated: ObjId[] = [];
  /**
   * The syncs (ObjLedger.snapshotAt) that saw a struct bpf_cgroup_storage
   * allocated: the buffers allocated with one are attach's, zeroed by
   * bpf_cgroup_storage_alloc. The struct has no data, so it is not in `allocated`.
   */
  readonly storageAllocSyncs = new Set<number>();
  /** A cgroup was freed while another actor that had looked it up was in a program or RCU section. */
  isFreedWhileRunning = false;
  /** A helper failed (NULL, -EBUSY, -EDEADLK) while its CPU's storage code was already busy or locked. */
  isNestedHelperFailed = false;
  /** A get(F_CREATE) found no element and returned NULL because its cgroup was dying. */
  isCreateRefusedDying = false;
  private memSeen = 0;
  private obsSeen = 0;
  private syncNo = 0;
  /** The cgroup each actor's last helper or syscall named, by actor id. */
  private readonly lastCgroup: (CgroupId | null)[] = [];

  /** Takes in what happened since the last sync; `isAtStep` when called right after a step. */
  sync(k: Kernel, isAtStep: boolean): void {
    const isNewMem = k.memory.objects.size !== this.memSeen;
    const isNewObs = k.observations.length !== this.obsSeen;
    if (!isNewMem && !isNewObs) return;
    this.syncNo++;
    if (isNewMem) this.snapshotNew(k, isAtStep);
    for (let i = this.obsSeen; i < k.observations.length; i++) this.apply(k, i, isAtStep);
    this.obsSeen = k.observations.length;
  }

  private snapshotNew(k: Kernel, isAtStep: boolean): void {
    let i = 0;
    for (const o of k.memory.objects.values()) {
      if (i++ < this.memSeen || !isAtStep) continue;
      if (o.kind === 'cgroup_storage') this.storageAllocSyncs.add(this.syncNo);
      if (o.data === undefined) continue;
      this.objects.set(o.id, { start: [...o.data], snapshotAt: this.syncNo, slots: new Map() });
      this.allocated.push(o.id);
    }
    this.memSeen = k.memory.objects.size;
  }

  private apply(k: Kernel, i: number, isAtStep: boolean): void {
    const o = k.observations[i]!;
    if (o.kind === 'value-update') this.applyUpdate(k, o.obj, o.slot, o.actor, o.atomic, o.delta, isAtStep);
    else if (o.kind === 'syscall' && o.cmd === 'BPF_MAP_UPDATE_ELEM' && o.ret === 0 && o.cgroup !== null)
      this.applyUserCopy(k, o.map, o.cgroup, o.flags, isAtStep);
    if ((o.kind === 'helper' || o.kind === 'syscall') && o.cgroup !== null)
      this.lastCgroup[o.actor] = o.cgroup;
    if (o.kind === 'cgroup-free' && isAtStep && this.isLookedUpByRunner(k, o.cgroup, o.actor))
      this.isFreedWhileRunning = true;
    if (o.kind === 'helper' && isAtStep) this.noteHelper(k, i);
  }

  private noteHelper(k: Kernel, i: number): void {
    const o = k.observations[i]!;
    if (o.kind !== 'helper') return;
    const prev = k.observations[i - 1];
    const isLockFail = prev?.kind === 'lock-fail' && prev.actor === o.actor;
    const isBusy = (k.cpus[k.actors[o.actor]?.cpu ?? 0]?.busy ?? 0) > 0;
    const isFailed = o.ret === null || o.ret === -EBUSY || o.ret === -EDEADLK;
    if (isFailed && (isBusy || (isLockFail && prev.errno === EDEADLK))) this.isNestedHelperFailed = true;
    const isCreate = o.helper === 'bpf_cgrp_storage_get' && (o.flags & BPF_LOCAL_STORAGE_GET_F_CREATE) !== 0;
    if (!isCreate || o.ret !== null || o.existedBefore || o.cgroup === null || isBusy || isLockFail) return;
    if (k.cgroups.get(o.cgroup).isDying && !k.options.isAllocFailurePossible)
      this.isCreateRefusedDying = true;
  }

  private applyUpdate(
    k: Kernel,
    obj: ObjId,
    slot: number,
    actor: ActorId,
    isAtomic: boolean,
    delta: number | undefined,
    isAtStep: boolean,
  ): void {
    const ol = this.objLedger(obj);
    const now = k.memory.objects.get(obj)?.data?.[slot];
    const sl = slotLedger(ol, slot);
    if (delta === undefined) {
      resetSlot(sl, isAtStep ? now : undefined, 'store');
      return;
    }
    // A snapshot taken in this sync already holds this increment.
    if (ol.snapshotAt === this.syncNo && sl.base !== undefined && sl.baseKind !== 'store') sl.base -= delta;
    sl.increments++;
    sl.total += delta;
    if (!isAtomic && isAtStep && now !== undefined) sl.loads.push({ actor, loaded: now - delta });
  }

  /** An update that succeeded in place (F_LOCK, or a per-CPU copy) resets the values it may have written. */
  private applyUserCopy(k: Kernel, map: MapId, cg: CgroupId, flags: number, isAtStep: boolean): void {
    const m = k.maps.get(map);
    if (m === undefined) return;
    const reset = (obj: ObjId): void => {
      const data = k.memory.objects.get(obj)?.data;
      const ol = this.objLedger(obj);
      ol.start = isAtStep && data !== undefined ? [...data] : undefined;
      ol.snapshotAt = this.syncNo;
      ol.slots.clear();
      if (ol.start !== undefined)
        for (let s = 0; s < ol.start.length; s++) resetSlot(slotLedger(ol, s), ol.start[s], 'copy');
    };
    if (m.type === 'cgrp_storage') {
      if ((flags & BPF_F_LOCK) === 0) return; // a new element replaced the old one
      for (const sel of k.localStorages.selems.values())
        if (sel.map === map && sel.cgroup === cg) reset(sel.obj);
      return;
    }
    for (const s of deprecatedStoragesOf(k, map, cg)) {
      if (m.type === 'percpu_cgroup_storage') for (const b of s.percpuBufs) reset(b);
      else if ((flags & BPF_F_LOCK) !== 0 && s.buf !== null) reset(s.buf);
    }
  }

  private isLookedUpByRunner(k: Kernel, cg: CgroupId, freer: ActorId): boolean {
    for (const a of k.actors) {
      if (a.id === freer || this.lastCgroup[a.id] !== cg) continue;
      if (a.progDepth > 0 || k.rcu.isReading(a.id) || k.rcu.isReading(a.id, true)) return true;
    }
    return false;
  }

  private objLedger(obj: ObjId): ObjLedger {
    let ol = this.objects.get(obj);
    if (ol === undefined) {
      ol = { start: undefined, snapshotAt: -1, slots: new Map() };
      this.objects.set(obj, ol);
    }
    return ol;
  }
}

function slotLedger(ol: ObjLedger, slot: number): SlotLedger {
  let sl = ol.slots.get(slot);
  if (sl === undefined) {
    sl = { base: ol.start?.[slot], baseKind: 'start', increments: 0, total: 0, loads: [] };
    ol.slots.set(slot, sl);
  }
  return sl;
}

function resetSlot(sl: SlotLedger, base: number | undefined, kind: SlotLedger['baseKind']): void {
  sl.base = base;
  sl.baseKind = kind;
  sl.increments = 0;
  sl.total = 0;
  sl.loads.length = 0;
}

/** The deprecated storages of `map` keyed to cgroup `cg` (any attach type: observations do not name it). */
function deprecatedStoragesOf(k: Kernel, map: MapId, cg: CgroupId): readonly BpfCgroupStorage[] {
  const m = k.maps.get(map);
  return isCgroupStorageMap(m) ? m.list.filter((s) => s.key?.cgroupInodeId === cg) : [];
}

const ledgers = new WeakMap<Kernel, StepLedger>();
/** The last kernel asked about and its ledger (a WeakMap lookup is the slow part). */
let lastKernel: Kernel | undefined;
let lastLedger: StepLedger | undefined;

/** The kernel's ledger, created on first use; one per kernel, so never shared across executions. */
export function ledgerOf(k: Kernel): StepLedger {
  // Several properties ask after every step, always about the execution running.
  if (k === lastKernel) return lastLedger!;
  let l = ledgers.get(k);
  if (l === undefined) {
    l = new StepLedger();
    ledgers.set(k, l);
  }
  lastKernel = k;
  lastLedger = l;
  return l;
}

/** Syncs the kernel's ledger right after a step; call from checkStep. */
export function syncLedgerAtStep(k: Kernel): void {
  ledgerOf(k).sync(k, true);
}

/** Syncs what is left at the end of an execution; values first seen now stay unknown. */
export function syncLedgerAtEnd(k: Kernel): StepLedger {
  const l = ledgerOf(k);
  l.sync(k, false);
  return l;
}
