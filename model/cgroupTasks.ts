/**
 * Tasks as members of cgroups (kernel/cgroup/cgroup.c): a task's css_set links
 * it to its cgroup and pins it; while the task has not passed cgroup_exit it
 * populates the cgroup and its ancestors, so rmdir gets -EBUSY. Migration
 * (writing a pid to cgroup.procs) moves a task under cgroup_mutex.
 */
import { type Cgroup, type CgroupTask, cgroupPutNow } from './cgroup.js';
import { ENOENT, err, OK0, type Result } from './errno.js';
import type { CgroupId } from './ids.js';
import type { Actor, Kernel } from './kernel.js';
import { lockAcquire, lockRelease } from './locks.js';
import { type Access, type Op, rel, step, wr } from './step.js';

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

/** What moving a task into or out of `cg` writes: the populated counts of it and its ancestors. */
export function populatedAccesses(k: Kernel, cg: CgroupId | null): Access[] {
  return cg === null ? [] : k.cgroups.ancestors(cg).map((id) => wr(k.cgroups.get(id).populatedObj));
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
 * task struct later (the caller's cgroupPut).
 */
export function* cgroupExit(k: Kernel, actor: Actor, t: CgroupTask): Op<void> {
  const cg = t.cgroup;
  yield step(`${actor.name}: cgroup_exit(${t.name})`, [wr(t.obj), ...populatedAccesses(k, cg)]);
  cssSetMoveTask(k, t, null);
}

/**
 * Writing the task's pid to `to`'s cgroup.procs (cgroup_procs_write →
 * cgroup_attach_task, under cgroup_mutex): -ENOENT once `to` is removed
 * (cgroup_kn_lock_live fails); else the task moves, its new css_set pins `to`
 * and the old one's pin is dropped. A task that has exited cannot move (-ESRCH in
 * the kernel; a scenario never names one).
 */
export function* cgroupAttachTask(k: Kernel, actor: Actor, t: CgroupTask, to: CgroupId): Op<Result<0>> {
  const dst = k.cgroups.get(to);
  const from = t.cgroup;
  const src = from === null ? undefined : k.cgroups.get(from);
  const accesses = [
    wr(t.obj),
    wr(dst.obj),
    wr(dst.refObj),
    ...populatedAccesses(k, from),
    ...populatedAccesses(k, to),
  ];
  if (src !== undefined) accesses.push(wr(src.refObj), rel(k.work.obj));
  yield* lockAcquire(k, actor, k.cgroups.mutex, accesses);
  let r: Result<0> = OK0;
  if (dst.state !== 'online') r = err(ENOENT);
  else if (from !== to) {
    dst.refcnt++;
    cssSetMoveTask(k, t, to);
    if (from !== null) cgroupPutNow(k, actor, from);
  }
  yield* lockRelease(k, actor, k.cgroups.mutex);
  return r;
}
