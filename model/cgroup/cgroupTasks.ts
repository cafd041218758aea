/**
 * Tasks as members of cgroups (kernel/cgroup/cgroup.c): a task's css_set links
 * it to its cgroup and pins it; while the task has not passed cgroup_exit it
 * populates the cgroup and its ancestors, so rmdir gets -EBUSY. Migration
 * (writing a pid to cgroup.procs) moves a task under cgroup_mutex.
 */
import { ENOENT, ESRCH, err, OK0, type Result } from '../core/errno.js';
import type { CgroupId } from '../core/ids.js';
import { type Access, type Op, rel, step, wr } from '../core/step.js';
import type { Actor, Kernel } from '../kernel/kernel.js';
import { lockAcquire, lockRelease } from '../sync/locks.js';
import { cgroupPutNow } from './cgroup.js';
import type { Cgroup, CgroupTask } from './cgroupTable.js';

/**
 * cgroup_update_populated(): `c` gains (+1) or loses (−1) one populated css_set or
 * child; a change between populated and not propagates to the parent's
 * nr_populated_domain_children, as far up as it changes.
 */
function updatePopulated(k: Kernel, c: Cgroup, delta: 1 | -1, isChild: boolean): void {
  const was = c.nrPopulatedCsets + c.nrPopulatedChildren > 0;
  if (isChild) c.nrPopulatedChildren += delta;
  else c.nrPopulatedCsets += delta;
  const is = c.nrPopulatedCsets + c.nrPopulatedChildren > 0;
  if (was !== is && c.parent !== null) updatePopulated(k, k.cgroups.get(c.parent), delta, true);
}

/**
 * What moving a task writes: populated counts, of every cgroup, since which
 * cgroup the task leaves may change (by another migration) between the
 * declaration and the step.
 */
function populatedAccesses(k: Kernel): Access[] {
  return k.cgroups.all().map((c) => wr(c.populatedObj));
}

/**
 * css_set_move_task(): the task leaves its cgroup (if any) and joins `to` (null at
 * cgroup_exit), updating the populated counts. The caller declares populatedAccesses.
 */
function cssSetMoveTask(k: Kernel, t: CgroupTask, to: CgroupId | null): void {
  if (t.cgroup !== null) updatePopulated(k, k.cgroups.get(t.cgroup), -1, false);
  if (to !== null) updatePopulated(k, k.cgroups.get(to), 1, false);
  t.cgroup = to;
}

/**
 * Setup-time fork into `cg` (cgroup_post_fork): a member task, whose css_set pins
 * the cgroup. Throws for a duplicate name (a checker bug: names are validated).
 */
export function cgroupForkTask(k: Kernel, name: string, cg: CgroupId): CgroupTask {
  if (k.cgroups.tasks.has(name)) throw new Error(`task ${name} exists`);
  const t: CgroupTask = { name, cgroup: null, obj: k.allocObjId(k.setupActor) };
  k.cgroups.tasks.set(name, t);
  k.cgroups.get(cg).refcnt++;
  cssSetMoveTask(k, t, cg);
  return t;
}

/**
 * cgroup_exit(): the exiting task leaves its css_set's task list, so it no longer
 * populates its cgroup; the css_set (and its pin on the cgroup) goes with the
 * task struct later (the caller's cgroupPut of the cgroup returned).
 */
export function* cgroupExit(k: Kernel, actor: Actor, t: CgroupTask): Op<CgroupId | null> {
  yield step(`${actor.name}: cgroup_exit(${t.name})`, [wr(t.obj), ...populatedAccesses(k)]);
  const left = t.cgroup;
  cssSetMoveTask(k, t, null);
  return left;
}

/**
 * Writing the task's pid to `to`'s cgroup.procs (cgroup_procs_write →
 * cgroup_attach_task, under cgroup_mutex): -ENOENT once `to` is removed
 * (cgroup_kn_lock_live fails), -ESRCH once the task has exited (the pid lookup in
 * cgroup_procs_write_start fails); else the task moves, its new css_set pins `to`
 * and the old one's pin is dropped.
 */
export function* cgroupAttachTask(k: Kernel, actor: Actor, t: CgroupTask, to: CgroupId): Op<Result<0>> {
  const dst = k.cgroups.get(to);
  // Any cgroup's reference may drop (the one the task leaves, known only under the mutex).
  const refs = k.cgroups.all().map((c) => wr(c.refObj));
  yield* lockAcquire(k, actor, k.cgroups.mutex, [
    wr(t.obj),
    wr(dst.obj),
    ...refs,
    rel(k.work.obj),
    ...populatedAccesses(k),
  ]);
  const from = t.cgroup;
  let r: Result<0> = OK0;
  if (dst.state !== 'online') r = err(ENOENT);
  else if (from === null) r = err(ESRCH);
  else if (from !== to) {
    dst.refcnt++;
    cssSetMoveTask(k, t, to);
    cgroupPutNow(k, actor, from);
  }
  yield* lockRelease(k, actor, k.cgroups.mutex);
  return r;
}
