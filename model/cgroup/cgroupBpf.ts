/**
 * Programs attached to cgroups (kernel/bpf/cgroup.c): each cgroup's struct cgroup_bpf
 * (attached program lists, effective arrays, the deprecated-map storages linked to it),
 * the run of a cgroup's effective programs, and cgroup_bpf_offline / cgroup_bpf_release.
 * Attach and detach under cgroup_mutex are in cgroupBpfAttach.ts.
 */

import { bpfCgroupStorageFree, bpfCgroupStorageUnlink } from '../cgroupStorage/cgroupStorage.js';
import { bpfCgroupStorageSet } from '../cgroupStorage/cgroupStorageHelper.js';
import { EPERM } from '../core/errno.js';
import type { CgroupId } from '../core/ids.js';
import { type Op, rd, rel, step, wr } from '../core/step.js';
import type { Actor, Kernel } from '../kernel/kernel.js';
import type { AttachType } from '../programs/bpfProgram.js';
import { type ProgCtx, runProgBody } from '../programs/interpreter.js';
import { lockAcquire, lockRelease } from '../sync/locks.js';
import { rcuReadLock, rcuReadUnlock } from '../sync/rcuWorker.js';
import { cgroupGet, cgroupPut } from './cgroup.js';
import type { BpfProgArrayItem, CgroupBpf } from './cgroupBpfTypes.js';

/** Attach flags (include/uapi/linux/bpf.h). */
export const BPF_F_ALLOW_OVERRIDE = 1;
export const BPF_F_ALLOW_MULTI = 2;

export type {
  BpfCgRunCtx,
  BpfProgArrayItem,
  BpfProgList,
  CgroupBpf,
  CgroupStorageSlots,
} from './cgroupBpfTypes.js';

/**
 * The cgroup's cgroup_bpf, created on first use as cgroup_bpf_inherit() would have at
 * mkdir (ancestors first, each taking a reference on its ancestors). Registers
 * cgroup_bpf_offline with the cgroup core the first time.
 */
export function cgroupBpfOf(k: Kernel, cg: CgroupId): CgroupBpf {
  if (!k.cgroups.onOffline.includes(cgroupBpfOffline)) k.cgroups.onOffline.push(cgroupBpfOffline);
  const existing = k.cgroupBpf.get(cg);
  if (existing !== undefined) return existing;
  const [, ...ancestors] = k.cgroups.ancestors(cg);
  for (const p of ancestors) cgroupBpfOf(k, p).refcnt++;
  const bpf: CgroupBpf = {
    progs: new Map(),
    flags: new Map(),
    effective: new Map(),
    storages: [],
    refcnt: 1,
    isReleased: false,
  };
  k.cgroupBpf.set(cg, bpf);
  return bpf;
}

/** Models compute_effective_progs(): this cgroup's programs, then each ancestor's while they allow multi. */
export function computeEffectiveProgs(k: Kernel, cg: CgroupId, atype: AttachType): BpfProgArrayItem[] {
  const items: BpfProgArrayItem[] = [];
  for (const p of k.cgroups.ancestors(cg)) {
    const bpf = cgroupBpfOf(k, p);
    if (items.length > 0 && !((bpf.flags.get(atype) ?? 0) & BPF_F_ALLOW_MULTI)) continue;
    for (const pl of bpf.progs.get(atype) ?? []) {
      if (pl.prog !== null) items.push({ prog: pl.prog, cgroupStorage: pl.cgroupStorage });
    }
  }
  return items;
}

/** rcu_dereference(cgrp->bpf.effective[atype]). */
export function effectiveProgs(k: Kernel, cg: CgroupId, atype: AttachType): readonly BpfProgArrayItem[] {
  const bpf = cgroupBpfOf(k, cg);
  if (bpf.isReleased) return [];
  let array = bpf.effective.get(atype);
  if (array === undefined) {
    array = computeEffectiveProgs(k, cg, atype);
    bpf.effective.set(atype, array);
  }
  return array;
}

/**
 * Models bpf_prog_run_array_cg(): under migrate_disable + rcu_read_lock, runs the
 * cgroup's effective programs for `atype` in order, each with a bpf_cg_run_ctx naming its
 * prog item. Returns 0, or -EPERM if a program denied (egress looks at bit 0 only).
 */
export function* bpfProgRunArrayCg(
  k: Kernel,
  actor: Actor,
  cg: CgroupId,
  atype: AttachType,
  ctx: ProgCtx = {},
): Op<number> {
  yield* rcuReadLock(k, actor);
  yield step(`rcu_dereference(effective[${atype}])`, [rd(k.cgroups.get(cg).bpfObj)]);
  const array = effectiveProgs(k, cg, atype);
  let retval = 0;
  for (const item of array) {
    if (k.options.hasCgroupStoragePerCpuPtrBug) yield* bpfCgroupStorageSet(k, actor, item.cgroupStorage);
    const ret = yield* runProgBody(k, actor, item.prog, { ...ctx, cgRunCtx: { progItem: item, retval } });
    const allowed = atype === 'cgroup_inet_egress' ? ret & 1 : ret;
    if (!allowed && retval >= 0) retval = -EPERM;
  }
  yield* rcuReadUnlock(k, actor);
  return retval;
}

/**
 * Models cgroup_bpf_offline() (an onOffline hook, run by rmdir under cgroup_mutex):
 * cgroup_get, then percpu_ref_kill drops the base reference. Records of every live
 * descendant are made first, as their mkdir would have (each holds a reference).
 */
export function* cgroupBpfOffline(k: Kernel, actor: Actor, cg: CgroupId): Op<void> {
  for (const c of k.cgroups.all()) {
    if (c.state !== 'freed' && k.cgroups.ancestors(c.id).includes(cg)) cgroupBpfOf(k, c.id);
  }
  yield* cgroupGet(k, actor, cg);
  yield step('percpu_ref_kill(&cgrp->bpf.refcnt)', [wr(k.cgroups.get(cg).bpfObj), rel(k.work.obj)]);
  cgroupBpfPut(k, cg);
}

/** cgroup_bpf_put(): at 0, cgroup_bpf_release_fn queues cgroup_bpf_release on system_wq. */
function cgroupBpfPut(k: Kernel, cg: CgroupId): void {
  const bpf = cgroupBpfOf(k, cg);
  bpf.refcnt--;
  if (bpf.refcnt === 0) k.work.queue(`cgroup_bpf_release(${cg})`, (a) => cgroupBpfRelease(k, a, cg));
}

/**
 * Models cgroup_bpf_release(): under cgroup_mutex drop every program and effective
 * array, unlink and free every storage linked to the cgroup; then put the ancestors'
 * cgroup_bpf references and the cgroup reference offline took.
 */
export function* cgroupBpfRelease(k: Kernel, actor: Actor, cg: CgroupId): Op<void> {
  const bpf = cgroupBpfOf(k, cg);
  yield* lockAcquire(k, actor, k.cgroups.mutex, [wr(k.cgroups.get(cg).bpfObj), rel(k.work.obj)]);
  bpf.progs.clear();
  bpf.flags.clear();
  bpf.effective.clear();
  bpf.isReleased = true;
  for (const storage of [...bpf.storages]) {
    yield* bpfCgroupStorageUnlink(k, actor, storage);
    bpfCgroupStorageFree(k, storage, `${actor.name} cgroup_bpf_release`);
  }
  const [, ...ancestors] = k.cgroups.ancestors(cg);
  yield* lockRelease(k, actor, k.cgroups.mutex, [
    rel(k.work.obj),
    ...ancestors.map((p) => wr(k.cgroups.get(p).bpfObj)),
  ]);
  for (const p of ancestors) cgroupBpfPut(k, p);
  yield* cgroupPut(k, actor, cg);
}
