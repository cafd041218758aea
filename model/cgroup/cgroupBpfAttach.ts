/**
 * Attaching and detaching cgroup programs under cgroup_mutex (kernel/bpf/cgroup.c:
 * cgroup_bpf_attach, cgroup_bpf_detach, hierarchy_allows_attach, update_effective_progs,
 * bpf_cgroup_storages_alloc): the write side of struct cgroup_bpf (cgroupBpf.ts).
 */

import {
  type BpfCgroupStorage,
  bpfCgroupStorageAlloc,
  bpfCgroupStorageFree,
  bpfCgroupStorageLink,
  cgroupStorageLookup,
  cgroupStorageMapOf,
  progCgroupStorageMaps,
} from '../cgroupStorage/cgroupStorage.js';
import { E2BIG, EINVAL, ENOENT, ENOMEM, EPERM, err, OK0, type Result } from '../core/errno.js';
import type { CgroupId } from '../core/ids.js';
import { type Access, type Op, step, wr } from '../core/step.js';
import type { Actor, Kernel } from '../kernel/kernel.js';
import { type AttachType, type BpfProgram, isCgroupProgType } from '../programs/bpfProgram.js';
import { lockAcquire, lockRelease } from '../sync/locks.js';
import { callRcu } from '../sync/rcuWorker.js';
import {
  BPF_F_ALLOW_MULTI,
  BPF_F_ALLOW_OVERRIDE,
  type CgroupStorageSlots,
  cgroupBpfOf,
  computeEffectiveProgs,
} from './cgroupBpf.js';

/** BPF_CGROUP_MAX_PROGS. */
export const BPF_CGROUP_MAX_PROGS = 64;

const NO_STORAGE: CgroupStorageSlots = [null, null];

/** Models update_effective_progs(): recompute the arrays of the cgroup and its live descendants. */
function updateEffectiveProgs(k: Kernel, cg: CgroupId, atype: AttachType): void {
  for (const c of k.cgroups.all()) {
    const bpf = k.cgroupBpf.get(c.id);
    if (bpf === undefined || bpf.isReleased || !k.cgroups.ancestors(c.id).includes(cg)) continue;
    bpf.effective.set(atype, computeEffectiveProgs(k, c.id, atype));
  }
}

/**
 * What update_effective_progs() writes: the effective arrays of `cg` and of every
 * descendant (kernel/bpf/cgroup.c: css_for_each_descendant_pre). Freed ones too,
 * so the footprint depends on the hierarchy alone, not on which are freed yet.
 */
function subtreeBpfWrites(k: Kernel, cg: CgroupId): Access[] {
  return k.cgroups
    .all()
    .filter((c) => k.cgroups.ancestors(c.id).includes(cg))
    .map((c) => wr(c.bpfObj));
}

/** Models hierarchy_allows_attach(): the nearest ancestor with a program must allow override or multi. */
function hierarchyAllowsAttach(k: Kernel, cg: CgroupId, atype: AttachType): boolean {
  const [, ...ancestors] = k.cgroups.ancestors(cg);
  for (const p of ancestors) {
    const bpf = cgroupBpfOf(k, p);
    const flags = bpf.flags.get(atype) ?? 0;
    if (flags & BPF_F_ALLOW_MULTI) return true;
    if ((bpf.progs.get(atype) ?? []).some((pl) => pl.prog !== null))
      return (flags & BPF_F_ALLOW_OVERRIDE) !== 0;
  }
  return true;
}

/** The checks of __cgroup_bpf_attach before anything is allocated (no BPF_F_REPLACE). */
function checkAttach(k: Kernel, cg: CgroupId, prog: BpfProgram, atype: AttachType, flags: number): Result<0> {
  const bpf = cgroupBpfOf(k, cg);
  const progs = bpf.progs.get(atype) ?? [];
  if (flags & BPF_F_ALLOW_OVERRIDE && flags & BPF_F_ALLOW_MULTI) return err(EINVAL);
  if (flags & ~(BPF_F_ALLOW_OVERRIDE | BPF_F_ALLOW_MULTI)) return err(EINVAL);
  if (!isCgroupProgType(prog.type) || prog.attachType !== atype) return err(EINVAL);
  if (!hierarchyAllowsAttach(k, cg, atype)) return err(EPERM);
  if (progs.length > 0 && (bpf.flags.get(atype) ?? 0) !== flags) return err(EPERM);
  if (progs.length >= BPF_CGROUP_MAX_PROGS) return err(E2BIG);
  if (flags & BPF_F_ALLOW_MULTI && progs.some((pl) => pl.prog === prog)) return err(EINVAL);
  return OK0;
}

/**
 * Models cgroup_bpf_attach() → __cgroup_bpf_attach() under cgroup_mutex: look up or
 * allocate the program's storages for (cgroup, attach type), put the program in the
 * list (replacing the single program without BPF_F_ALLOW_MULTI), recompute the
 * effective arrays, then link the new storages.
 */
export function* cgroupBpfAttach(
  k: Kernel,
  actor: Actor,
  cg: CgroupId,
  prog: BpfProgram,
  atype: AttachType,
  flags: number,
): Op<Result<0>> {
  yield* lockAcquire(k, actor, k.cgroups.mutex, [wr(k.cgroups.get(cg).bpfObj)]);
  let r = checkAttach(k, cg, prog, atype, flags);
  const storages = r.ok ? yield* bpfCgroupStoragesAlloc(k, actor, prog, cg, atype) : undefined;
  if (r.ok && storages === undefined) r = err(ENOMEM);
  if (r.ok && storages !== undefined) {
    yield step(`__cgroup_bpf_attach(${prog.name})`, subtreeBpfWrites(k, cg));
    const bpf = cgroupBpfOf(k, cg);
    const progs = bpf.progs.get(atype) ?? [];
    const pl =
      !(flags & BPF_F_ALLOW_MULTI) && progs[0] !== undefined ? progs[0] : { prog, cgroupStorage: NO_STORAGE };
    pl.prog = prog;
    pl.cgroupStorage = storages.slots;
    if (!progs.includes(pl)) bpf.progs.set(atype, [...progs, pl]);
    bpf.flags.set(atype, flags);
    updateEffectiveProgs(k, cg, atype);
    for (const s of storages.fresh) yield* bpfCgroupStorageLink(k, actor, s, cg, atype);
  }
  yield* lockRelease(k, actor, k.cgroups.mutex);
  return r;
}

/**
 * Models bpf_cgroup_storages_alloc(): for each storage type the program uses, reuse the
 * storage linked under {cgroup, attach type} (since 5.9) or allocate one; on -ENOMEM the
 * fresh ones are freed and undefined is returned.
 */
function* bpfCgroupStoragesAlloc(
  k: Kernel,
  actor: Actor,
  prog: BpfProgram,
  cg: CgroupId,
  atype: AttachType,
): Op<{ slots: CgroupStorageSlots; fresh: BpfCgroupStorage[] } | undefined> {
  const slots: [BpfCgroupStorage | null, BpfCgroupStorage | null] = [null, null];
  const fresh: BpfCgroupStorage[] = [];
  for (const [stype, mapId] of progCgroupStorageMaps(k, prog).entries()) {
    if (mapId === null) continue;
    const map = cgroupStorageMapOf(k, mapId);
    const existing = yield* cgroupStorageLookup(k, actor, map, { cgroupInodeId: cg, attachType: atype });
    if (existing !== undefined) {
      slots[stype] = existing;
      continue;
    }
    const storage = bpfCgroupStorageAlloc(k, actor, map);
    if (!storage.ok) {
      yield step('bpf_cgroup_storages_free', callRcu(k));
      for (const s of fresh) bpfCgroupStorageFree(k, s, `${actor.name} bpf_cgroup_storages_free`);
      return undefined;
    }
    slots[stype] = storage.value;
    fresh.push(storage.value);
  }
  return { slots, fresh };
}

/**
 * Models cgroup_bpf_detach() → __cgroup_bpf_detach() under cgroup_mutex: -ENOENT if the
 * program is not attached there; otherwise it leaves the list and the effective arrays
 * are recomputed. Storages stay linked (freed only by release or map_free).
 */
export function* cgroupBpfDetach(
  k: Kernel,
  actor: Actor,
  cg: CgroupId,
  prog: BpfProgram,
  atype: AttachType,
): Op<Result<0>> {
  yield* lockAcquire(k, actor, k.cgroups.mutex, subtreeBpfWrites(k, cg));
  const bpf = cgroupBpfOf(k, cg);
  const progs = bpf.progs.get(atype) ?? [];
  const isMulti = ((bpf.flags.get(atype) ?? 0) & BPF_F_ALLOW_MULTI) !== 0;
  const pl = isMulti ? progs.find((p) => p.prog === prog) : progs[0];
  if (pl !== undefined) {
    pl.prog = null;
    updateEffectiveProgs(k, cg, atype);
    const rest = progs.filter((p) => p !== pl);
    bpf.progs.set(atype, rest);
    if (rest.length === 0) bpf.flags.set(atype, 0);
  }
  yield* lockRelease(k, actor, k.cgroups.mutex);
  return pl === undefined ? err(ENOENT) : OK0;
}
