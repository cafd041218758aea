/**
 * Cgroups: the hierarchy, the css reference count and the lifetime of a cgroup
 * (kernel/cgroup/cgroup.c). A cgroup is online until rmdir; rmdir clears
 * CSS_ONLINE, runs the offline hooks (cgroup_bpf_offline) and kills the self
 * percpu_ref, which drops the base reference. When the count reaches 0,
 * css_release queues css_release_work_fn, which queues css_free_rwork_fn behind
 * an RCU grace period; that runs the free hooks (bpf_cgrp_storage_free), drops
 * the parent's reference and frees the cgroup.
 */

import { EBUSY, ENOENT, err, OK0, type Result } from '../core/errno.js';
import type { CgroupId } from '../core/ids.js';
import { type Access, type Op, rd, rel, rmw, step, wr } from '../core/step.js';
import type { Actor, Kernel } from '../kernel/kernel.js';
import { lockAcquire, lockRelease } from '../sync/locks.js';
import { callRcu, queueRcuWork } from '../sync/rcuWorker.js';
import { type Cgroup, cgroupIsPopulated } from './cgroupTable.js';

export type { CgroupHook } from '../kernel/kernel.js';
export type { Cgroup, CgroupState } from './cgroupTable.js';

/**
 * css_get() / cgroup_get(): takes a reference the caller already may take. An
 * atomic of the refcount: percpu_ref_get() is this_cpu_inc() or, once killed,
 * atomic_long_inc() (include/linux/percpu-refcount.h), its result unused.
 */
export function* cgroupGet(k: Kernel, actor: Actor, cg: CgroupId): Op<void> {
  const c = k.cgroups.get(cg);
  yield step(`cgroup_get(${c.name})`, [rmw(c.refObj)]);
  k.memory.use(c.obj, `${actor.name} cgroup_get`);
  c.refcnt++;
}

/**
 * css_put() / cgroup_put(), as percpu_ref_put_many() (include/linux/percpu-refcount.h)
 * does it: under rcu_read_lock_sched, __ref_is_percpu() reads the mode; a live
 * ref then drops its count with this_cpu_sub(), a killed one with
 * atomic_long_sub_and_test(), whose result decides which put queues the release.
 * The first step reads the mode (`dyingObj`) and, while live, drops the count: an
 * atomic that commutes with other gets and live puts, and never reaches 0 (the
 * base reference is held until percpu_ref_kill). Found killed, a second step
 * writes the count and releases the workqueue. `tail` declares what the caller
 * does in the same step after the put (rcu_read_unlock); it lands in the last step.
 */
export function* percpuRefPut(
  k: Kernel,
  actor: Actor,
  cg: CgroupId,
  label = `cgroup_put(${k.cgroups.get(cg).name})`,
  tail: readonly Access[] = [],
): Op<void> {
  const c = k.cgroups.get(cg);
  yield step(label, [rmw(c.refObj), rd(c.dyingObj), ...tail]);
  if (c.isDying) yield step(`${label}: atomic_long_sub_and_test`, [wr(c.refObj), rel(k.work.obj), ...tail]);
  cgroupPutNow(k, actor, cg);
}

/** css_put() / cgroup_put(): drops a reference; the last one starts the release. */
export function* cgroupPut(k: Kernel, actor: Actor, cg: CgroupId): Op<void> {
  yield* percpuRefPut(k, actor, cg);
}

/**
 * The body of cgroup_put() for code already inside a step that declares
 * a write of the cgroup's refObj and rel(k.work.obj) (percpuRefPut for a put of its own). At 0 it runs css_release(): queue_work of
 * css_release_work_fn. A live percpu_ref never reaches 0 (checker bug if it does).
 */
export function cgroupPutNow(k: Kernel, actor: Actor, cg: CgroupId): void {
  const c = k.cgroups.get(cg);
  k.memory.use(c.obj, `${actor.name} cgroup_put`);
  c.refcnt--;
  if (c.refcnt > 0) return;
  if (!c.isDying) throw new Error(`cgroup ${c.name}: refcount reached 0 before percpu_ref_kill`);
  k.work.queue(`css_release_work_fn(${c.name})`, (a) => cssReleaseWorkFn(k, a, cg));
}

/** css_release_work_fn(): under cgroup_mutex, queue_rcu_work(css_free_rwork_fn). */
function* cssReleaseWorkFn(k: Kernel, actor: Actor, cg: CgroupId): Op<void> {
  const c = k.cgroups.get(cg);
  yield* lockAcquire(k, actor, k.cgroups.mutex, [wr(c.obj), ...callRcu(k)]);
  // RCU_INIT_POINTER(cgrp->kn->priv, NULL): the fd path already fails on isDying.
  queueRcuWork(k, `css_free_rwork_fn(${c.name})`, (a) => cssFreeRworkFn(k, a, cg));
  yield* lockRelease(k, actor, k.cgroups.mutex);
}

/** css_free_rwork_fn() for a cgroup's self css: free hooks, put the parent, kfree(cgrp). */
function* cssFreeRworkFn(k: Kernel, actor: Actor, cg: CgroupId): Op<void> {
  const c = k.cgroups.get(cg);
  for (const h of k.cgroups.onFree) yield* h(k, actor, cg);
  const parent = c.parent === null ? undefined : k.cgroups.get(c.parent);
  const parentAccesses = parent === undefined ? [] : [wr(parent.refObj), rel(k.work.obj)];
  yield step(`css_free_rwork_fn(${c.name})`, [
    wr(c.obj),
    wr(c.refObj),
    wr(c.dyingObj),
    wr(c.bpfObj),
    ...parentAccesses,
  ]);
  if (parent !== undefined) cgroupPutNow(k, actor, parent.id);
  k.memory.free(c.obj, `${actor.name} css_free_rwork_fn`);
  c.state = 'freed';
  k.observe({ kind: 'cgroup-free', actor: actor.id, cgroup: cg });
}

/**
 * rmdir (cgroup_rmdir → cgroup_destroy_locked, kernel/cgroup/cgroup.c): -ENOENT if
 * already removed, -EBUSY for a root, a populated cgroup (cgroup_is_populated: only
 * migration raises it from zero, and migration holds cgroup_mutex too) or one with
 * online children (css_has_online_children); else offline hooks, then percpu_ref_kill
 * drops the base reference.
 */
export function* cgroupRmdir(k: Kernel, actor: Actor, cg: CgroupId): Op<Result<0>> {
  const c = k.cgroups.get(cg);
  const kids = k.cgroups.children(cg).map((id) => rd(k.cgroups.get(id).obj));
  yield* lockAcquire(k, actor, k.cgroups.mutex, [wr(c.obj), rd(c.populatedObj), ...kids]);
  const r = checkRmdir(k, c);
  if (r.ok) {
    c.state = 'offline'; // CSS_ONLINE cleared, kernfs_remove(): no new lookups by path
    for (const h of k.cgroups.onOffline) yield* h(k, actor, cg);
    yield step(`percpu_ref_kill(${c.name})`, [wr(c.obj), wr(c.refObj), wr(c.dyingObj), rel(k.work.obj)]);
    c.isDying = true;
    cgroupPutNow(k, actor, cg);
  }
  yield* lockRelease(k, actor, k.cgroups.mutex);
  k.observe({ kind: 'rmdir', actor: actor.id, cgroup: cg, ret: r.ok ? 0 : -r.errno });
  return r;
}

function checkRmdir(k: Kernel, c: Cgroup): Result<0> {
  if (c.state !== 'online') return err(ENOENT);
  if (c.parent === null || cgroupIsPopulated(c)) return err(EBUSY);
  // css_has_online_children()
  const isParent = k.cgroups.children(c.id).some((id) => k.cgroups.get(id).state === 'online');
  return isParent ? err(EBUSY) : OK0;
}
