import { describe, expect, it } from 'vitest';
import { cgroupRmdir } from '../../../model/cgroup/cgroup.js';
import { cgroupIsPopulated } from '../../../model/cgroup/cgroupTable.js';
import { cgroupAttachTask, cgroupExit, cgroupForkTask } from '../../../model/cgroup/cgroupTasks.js';
import { EBUSY, ENOENT, ESRCH, err, ok } from '../../../model/core/errno.js';
import type { CgroupId } from '../../../model/core/ids.js';
import { runOp } from '../driver.js';
import { makeWorld } from '../world.js';

describe('tasks as cgroup members (cgroup_is_populated, cgroup_destroy_locked)', () => {
  it('a member task populates its cgroup and every ancestor; rmdir gets -EBUSY until the task exits', () => {
    const w = makeWorld();
    const child = w.k.cgroups.mkdir(w.cg, 'child');
    const t = cgroupForkTask(w.k, 'sleeper', child);
    const c = (id: CgroupId) => w.k.cgroups.get(id);
    expect([c(child), c(w.cg), c(w.root)].map((x) => [x.nrPopulatedCsets, x.nrPopulatedChildren])).toEqual([
      [1, 0],
      [0, 1],
      [0, 1],
    ]);
    expect(c(child).refcnt).toBe(2); // the base reference and the task's css_set
    const rmdir = (cg: CgroupId) => runOp(w.k, w.user, cgroupRmdir(w.k, w.user, cg));
    expect(rmdir(child)).toEqual(err(EBUSY));
    expect(runOp(w.k, w.a, cgroupExit(w.k, w.a, t))).toBe(child);
    expect([c(child), c(w.cg), c(w.root)].map(cgroupIsPopulated)).toEqual([false, false, false]);
    expect(rmdir(child)).toEqual(ok(0));
    expect(c(child).refcnt).toBe(1); // the exited task's css_set still pins it
  });

  it('migration moves the task and its pin; the old cgroup can then go; a removed target is -ENOENT', () => {
    const w = makeWorld();
    const other = w.k.cgroups.mkdir(w.root, 'other');
    const t = cgroupForkTask(w.k, 'sleeper', w.cg);
    const migrate = (to: CgroupId) => runOp(w.k, w.user, cgroupAttachTask(w.k, w.user, t, to));
    const rmdir = (cg: CgroupId) => runOp(w.k, w.user, cgroupRmdir(w.k, w.user, cg));
    expect(migrate(other)).toEqual(ok(0));
    expect(t.cgroup).toBe(other);
    expect([w.k.cgroups.get(w.cg).refcnt, w.k.cgroups.get(other).refcnt]).toEqual([1, 2]);
    expect(rmdir(w.cg)).toEqual(ok(0));
    expect(migrate(w.cg)).toEqual(err(ENOENT));
    expect(rmdir(other)).toEqual(err(EBUSY));
    expect(w.k.cgroups.get(w.root).nrPopulatedChildren).toBe(1);
    runOp(w.k, w.a, cgroupExit(w.k, w.a, t));
    expect(migrate(w.root)).toEqual(err(ESRCH));
    expect(rmdir(other)).toEqual(ok(0));
  });

  it('cgroup_exit and migration write what rmdir reads, so the search orders them', () => {
    const w = makeWorld();
    const t = cgroupForkTask(w.k, 'sleeper', w.cg);
    const exitStep = cgroupExit(w.k, w.a, t).next().value as unknown as {
      accesses: { kind: string; obj: number }[];
    };
    const rmdirStep = cgroupRmdir(w.k, w.user, w.cg).next().value as unknown as {
      accesses: { kind: string; obj: number }[];
    };
    const populated = w.k.cgroups.get(w.cg).populatedObj;
    expect(exitStep.accesses).toContainEqual({ kind: 'write', obj: populated });
    expect(rmdirStep.accesses).toContainEqual({ kind: 'read', obj: populated });
  });
});
