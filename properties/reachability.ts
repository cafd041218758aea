/**
 * Reachability ("sometimes") goals: situations a scenario claims to reach in at
 * least one execution; a passing verdict whose goals were never reached is
 * vacuous. Goals that depend on step-time facts read the kernel's step ledger,
 * which per-step properties (the always-on `zeroed-or-initial`) keep in sync.
 */
import { isCgroupStorageMap } from '../model/cgroupStorage/cgroupStorage.js';
import { EBUSY, EDEADLK } from '../model/core/errno.js';
import type { ActorId, CgroupId, MapId } from '../model/core/ids.js';
import type { Kernel } from '../model/kernel/kernel.js';
import { BPF_F_LOCK } from '../model/localStorage/localStorage.js';
import { findLostIncrements } from './atomicAdd.js';
import { DELETE, GET } from './evidence.js';
import type { Reachability } from './property.js';
import { syncLedgerAtEnd, syncLedgerAtStep } from './stepLedger.js';

export const CGROUP_FREED_WHILE_RUNNING = 'cgroup-freed-while-running';
export const GET_RETURNED_NULL = 'get-returned-null';
export const ELEMENT_REPLACED_WHILE_HELD = 'element-replaced-while-held';
export const RACING_DELETES = 'racing-deletes';
export const LOST_UPDATE = 'lost-update';
export const NESTED_HELPER_FAILED = 'nested-helper-failed';
export const CREATE_REFUSED_DYING = 'create-refused-dying';

/** A goal from its id, description and test. */
function goal(id: string, description: string, isReached: (k: Kernel) => boolean): Reachability {
  return { id, description, isReached, observeStep: syncLedgerAtStep };
}

/**
 * The cgroup-free came while another actor whose last helper or syscall named that cgroup
 * was in a program or RCU section (seen at step time), or a program wrote to one of the
 * cgroup's elements after it was freed.
 */
function isFreedWhileRunning(k: Kernel): boolean {
  if (syncLedgerAtEnd(k).isFreedWhileRunning) return true;
  const obs = k.observations;
  for (let i = 0; i < obs.length; i++) {
    const f = obs[i]!;
    if (f.kind !== 'cgroup-free') continue;
    for (let j = i + 1; j < obs.length; j++) {
      const o = obs[j]!;
      if (
        o.kind === 'value-update' &&
        o.actor !== f.actor &&
        k.localStorages.selems.get(o.obj)?.cgroup === f.cgroup
      )
        return true;
    }
  }
  return false;
}

/**
 * A NEW-map element unlinked by a userspace update (the updater's next syscall after the
 * unlink is a successful BPF_MAP_UPDATE_ELEM of that map and cgroup) was written afterwards;
 * or a deprecated buffer was written after a userspace update swapped it out.
 */
function isReplacedWhileHeld(k: Kernel): boolean {
  const obs = k.observations;
  for (let i = 0; i < obs.length; i++) {
    const u = obs[i]!;
    if (u.kind === 'selem-unlink' && isUnlinkedByUpdate(k, i, u.actor, u.map, u.cgroup)) {
      if (obs.some((o, j) => j > i && o.kind === 'value-update' && o.obj === u.obj)) return true;
    }
    if (
      u.kind === 'syscall' &&
      u.cmd === 'BPF_MAP_UPDATE_ELEM' &&
      u.ret === 0 &&
      (u.flags & BPF_F_LOCK) === 0
    ) {
      if (isCgroupStorageMap(k.maps.get(u.map)) && isStaleBufWrittenAfter(k, i)) return true;
    }
  }
  return false;
}

function isUnlinkedByUpdate(k: Kernel, i: number, actor: ActorId, map: MapId, cg: CgroupId): boolean {
  for (let j = i + 1; j < k.observations.length; j++) {
    const o = k.observations[j]!;
    if (o.actor !== actor || o.kind !== 'syscall') continue;
    return o.cmd === 'BPF_MAP_UPDATE_ELEM' && o.ret === 0 && o.map === map && o.cgroup === cg;
  }
  return false;
}

function isStaleBufWrittenAfter(k: Kernel, i: number): boolean {
  const current = new Set<number>();
  for (const m of k.maps.values())
    if (isCgroupStorageMap(m)) for (const s of m.list) if (s.buf !== null) current.add(s.buf);
  for (let j = i + 1; j < k.observations.length; j++) {
    const o = k.observations[j]!;
    if (
      o.kind === 'value-update' &&
      k.memory.objects.get(o.obj)?.kind === 'storage_buf' &&
      !current.has(o.obj)
    )
      return true;
  }
  return false;
}

/**
 * Two deletes raced on one element: a delete returned 0 although its actor unlinked
 * nothing of that map and cgroup since its previous observation (the other one did).
 */
function isRacingDeletes(k: Kernel): boolean {
  const obs = k.observations;
  for (let i = 0; i < obs.length; i++) {
    const d = obs[i]!;
    const isHelperDelete = d.kind === 'helper' && d.helper === DELETE && d.ret === 0;
    const isSyscallDelete =
      d.kind === 'syscall' &&
      d.cmd === 'BPF_MAP_DELETE_ELEM' &&
      d.ret === 0 &&
      k.maps.get(d.map)?.type === 'cgrp_storage';
    if (!(isHelperDelete || isSyscallDelete) || d.cgroup === null || !d.existedBefore) continue;
    let hasOwnUnlink = false;
    for (let j = i - 1; j >= 0; j--) {
      const o = obs[j]!;
      if (o.actor !== d.actor) continue;
      if (o.kind !== 'selem-unlink') break;
      if (o.map === d.map && o.cgroup === d.cgroup) hasOwnUnlink = true;
    }
    if (!hasOwnUnlink) return true;
  }
  return false;
}

/** A helper that failed while its CPU's storage code was busy (E1/E2) or already held the lock (E3 -EDEADLK). */
function isNestedHelperFailed(k: Kernel): boolean {
  if (syncLedgerAtEnd(k).isNestedHelperFailed) return true;
  return k.observations.some(
    (o) =>
      (o.kind === 'helper' && (o.ret === -EBUSY || o.ret === -EDEADLK)) ||
      (o.kind === 'lock-fail' && o.errno === EDEADLK),
  );
}

/** Creates a goal by id, or undefined for an unknown id. Fresh per execution. */
export function createReachabilityGoal(id: string): Reachability | undefined {
  switch (id) {
    case CGROUP_FREED_WHILE_RUNNING:
      return goal(
        id,
        'a cgroup was freed while a program or RCU reader that looked up its storage was still running',
        isFreedWhileRunning,
      );
    case GET_RETURNED_NULL:
      return goal(id, 'some bpf_cgrp_storage_get returned NULL', (k) =>
        k.observations.some((o) => o.kind === 'helper' && o.helper === GET && o.ret === null),
      );
    case ELEMENT_REPLACED_WHILE_HELD:
      return goal(
        id,
        'a userspace update replaced an element (or buffer) a program still held and wrote',
        isReplacedWhileHeld,
      );
    case RACING_DELETES:
      return goal(id, 'two deletes of the same element both returned 0', isRacingDeletes);
    case LOST_UPDATE:
      return goal(id, 'some value ended with fewer than its increments (a lost non-atomic update)', (k) => {
        const l = findLostIncrements(k);
        return l !== undefined && l.final < (l.ledger.base ?? 0) + l.ledger.total;
      });
    case NESTED_HELPER_FAILED:
      return goal(
        id,
        'a helper nested in storage code on the same CPU failed (busy counter or -EDEADLK)',
        isNestedHelperFailed,
      );
    case CREATE_REFUSED_DYING:
      return goal(
        id,
        'bpf_cgrp_storage_get(F_CREATE) returned NULL because the cgroup was dying',
        (k) => syncLedgerAtEnd(k).isCreateRefusedDying,
      );
    default:
      return undefined;
  }
}

/** Every goal id, in catalogue order. */
export const GOAL_IDS: readonly string[] = [
  CGROUP_FREED_WHILE_RUNNING,
  GET_RETURNED_NULL,
  ELEMENT_REPLACED_WHILE_HELD,
  RACING_DELETES,
  LOST_UPDATE,
  NESTED_HELPER_FAILED,
  CREATE_REFUSED_DYING,
];
