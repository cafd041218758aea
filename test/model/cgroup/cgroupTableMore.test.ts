import { describe, expect, it } from 'vitest';
import { cgroupGet, cgroupRmdir } from '../../../model/cgroup/cgroup.js';
import { cgroupIsPopulated } from '../../../model/cgroup/cgroupTable.js';
import { cgroupAttachTask, cgroupExit, cgroupForkTask } from '../../../model/cgroup/cgroupTasks.js';
import { EBUSY, err } from '../../../model/core/errno.js';
import type { CpuNo } from '../../../model/core/ids.js';
import { Kernel } from '../../../model/kernel/kernel.js';
import { runOp, start } from '../driver.js';
import { drainDeferred, makeWorld } from '../world.js';

describe('struct cgroup records (kernel/cgroup/cgroup.c)', () => {
  it("a cgroup's refcount, ref mode, cgroup_bpf and populated counts get ids derived from its object: −obj·1024 −0, −1022, −1021, −1023", () => {
    const k = new Kernel();
    const root = k.cgroups.get(k.cgroups.mkdir(null, 'root'));
    expect(root.obj).toBe(6);
    expect([root.refObj, root.dyingObj, root.bpfObj, root.populatedObj]).toEqual([
      -6144, -7166, -7165, -7167,
    ]);
  });

  it('children are listed in id order, also across the 9 → 10 boundary (a directed graph)', () => {
    const k = new Kernel();
    const root = k.cgroups.mkdir(null, 'root');
    let parent = root;
    for (let i = 2; i <= 9; i++) parent = k.cgroups.mkdir(root, `c${i}`);
    expect(parent).toBe(9);
    const ten = k.cgroups.mkdir(parent, 'c10');
    const eleven = k.cgroups.mkdir(parent, 'c11');
    expect(k.cgroups.children(parent)).toEqual([ten, eleven]);
    expect(k.cgroups.children(ten)).toEqual([]);
    expect(k.cgroups.children(root)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(k.cgroups.ancestors(eleven)).toEqual([11, 9, 1]);
  });

  it('mkdir under a removed parent is bad setup input', () => {
    const w = makeWorld();
    runOp(w.k, w.user, cgroupRmdir(w.k, w.user, w.cg2));
    expect(() => w.k.cgroups.mkdir(w.cg2, 'late')).toThrow('mkdir late: parent cg2 is removed');
  });

  it('a root cgroup is never removed, even without children (-EBUSY)', () => {
    const k = new Kernel();
    const user = k.addActor('U', 'user', 0 as CpuNo);
    const root = k.cgroups.mkdir(null, 'lone');
    expect(runOp(k, user, cgroupRmdir(k, user, root))).toEqual(err(EBUSY));
    expect(k.cgroups.get(root).state).toBe('online');
  });

  it('a cgroup_get after the free is a use after free, blamed on the getter', () => {
    const w = makeWorld();
    runOp(w.k, w.user, cgroupRmdir(w.k, w.user, w.cg2));
    expect(drainDeferred(w)).toBe(true);
    expect(w.k.cgroups.get(w.cg2).state).toBe('freed');
    runOp(w.k, w.a, cgroupGet(w.k, w.a, w.cg2));
    expect(w.k.memory.faults).toEqual([
      {
        kind: 'use-after-free',
        obj: w.k.cgroups.get(w.cg2).obj,
        label: 'cgroup cg2',
        by: 'A cgroup_get',
        freedBy: 'kworker css_free_rwork_fn',
      },
    ]);
  });
});

describe('populated counts (cgroup_update_populated)', () => {
  it('only a change between populated and not propagates up: a second task adds nothing above its cgroup', () => {
    const w = makeWorld();
    const child = w.k.cgroups.mkdir(w.cg, 'child');
    cgroupForkTask(w.k, 't1', child);
    cgroupForkTask(w.k, 't2', child);
    const c = (id: typeof child) => w.k.cgroups.get(id);
    expect([c(child), c(w.cg), c(w.root)].map((x) => [x.nrPopulatedCsets, x.nrPopulatedChildren])).toEqual([
      [2, 0],
      [0, 1],
      [0, 1],
    ]);
    expect(cgroupIsPopulated(c(w.cg))).toBe(true);
  });

  it('migration takes the css_set count from the old cgroup and gives it to the new one', () => {
    const w = makeWorld();
    const t = cgroupForkTask(w.k, 't', w.cg);
    expect(runOp(w.k, w.user, cgroupAttachTask(w.k, w.user, t, w.cg2))).toEqual({ ok: true, value: 0 });
    const c = (id: typeof w.cg) => w.k.cgroups.get(id);
    expect([c(w.cg), c(w.cg2), c(w.root)].map((x) => [x.nrPopulatedCsets, x.nrPopulatedChildren])).toEqual([
      [0, 0],
      [1, 0],
      [0, 1],
    ]);
    expect([c(w.cg).refcnt, c(w.cg2).refcnt]).toEqual([1, 2]);
  });

  it('a second task of one name is a checker bug', () => {
    const w = makeWorld();
    cgroupForkTask(w.k, 't', w.cg);
    expect(() => cgroupForkTask(w.k, 't', w.cg2)).toThrow('task t exists');
    expect(w.k.cgroups.get(w.cg2).refcnt).toBe(1);
  });

  it('cgroup_exit writes the task and every populated count; migration also every refcount and the workqueue, under cgroup_mutex', () => {
    const w = makeWorld();
    const t = cgroupForkTask(w.k, 't', w.cg);
    const cgs = [w.root, w.cg, w.cg2].map((id) => w.k.cgroups.get(id));
    const populated = cgs.map((c) => ({ kind: 'write', obj: c.populatedObj }));
    expect(start(w.k, w.user, cgroupAttachTask(w.k, w.user, t, w.cg2)).next).toStrictEqual({
      label: 'lock cgroup_mutex',
      accesses: [
        { kind: 'acquire', obj: w.k.cgroups.mutex },
        { kind: 'write', obj: t.obj },
        { kind: 'write', obj: cgs[2]!.obj },
        ...cgs.map((c) => ({ kind: 'write', obj: c.refObj })),
        { kind: 'release', obj: w.k.work.obj },
        ...populated,
      ],
      blocker: { kind: 'lock', lock: w.k.cgroups.mutex },
    });
    expect(start(w.k, w.a, cgroupExit(w.k, w.a, t)).next).toStrictEqual({
      label: 'A: cgroup_exit(t)',
      accesses: [{ kind: 'write', obj: t.obj }, ...populated],
    });
  });
});
