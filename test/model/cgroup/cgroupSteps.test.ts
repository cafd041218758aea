import { describe, expect, it } from 'vitest';
import { cgroupGet, cgroupPut, cgroupRmdir } from '../../../model/cgroup/cgroup.js';
import type { CpuNo } from '../../../model/core/ids.js';
import type { Step } from '../../../model/core/step.js';
import { Kernel } from '../../../model/kernel/kernel.js';
import { kworker, rcuWorker } from '../../../model/sync/rcuWorker.js';
import { type OpRunner, runAll, start } from '../driver.js';

/** The steps an operation runs, in order, with what each declares. */
function stepsOf(r: OpRunner<unknown>): Step[] {
  const out: Step[] = [];
  while (!r.isDone) {
    out.push(r.next!);
    r.step();
  }
  return out;
}

function world() {
  const k = new Kernel();
  const root = k.cgroups.mkdir(null, 'root');
  const cg = k.cgroups.mkdir(root, 'cg');
  return {
    k,
    root: k.cgroups.get(root),
    cg: k.cgroups.get(cg),
    a: k.addActor('A', 'cpu', 0 as CpuNo),
    user: k.addActor('U', 'user', 1 as CpuNo),
    kw: k.addActor('kw', 'kworker', 0 as CpuNo),
    rcu: k.addActor('rcu', 'rcu', 1 as CpuNo),
  };
}

const atomic = (obj: number) => ({ kind: 'atomic', obj });
const read = (obj: number) => ({ kind: 'read', obj });
const write = (obj: number) => ({ kind: 'write', obj });
const release = (obj: number) => ({ kind: 'release', obj });
const acquire = (obj: number) => ({ kind: 'acquire', obj });

describe('footprints of the cgroup lifetime (kernel/cgroup/cgroup.c, include/linux/percpu-refcount.h)', () => {
  it('css_get and a put of a live ref are atomics of the refcount; the put also reads the ref mode', () => {
    const { k, cg, a } = world();
    expect(stepsOf(start(k, a, cgroupGet(k, a, cg.id)))).toStrictEqual([
      { label: 'cgroup_get(cg)', accesses: [atomic(cg.refObj)] },
    ]);
    expect(cg.refcnt).toBe(2);
    expect(stepsOf(start(k, a, cgroupPut(k, a, cg.id)))).toStrictEqual([
      { label: 'cgroup_put(cg)', accesses: [atomic(cg.refObj), read(cg.dyingObj)] },
    ]);
    expect(cg.refcnt).toBe(1);
    expect(k.work.items).toEqual([]);
  });

  it('rmdir: cgroup_mutex (writing the cgroup, reading populated counts and each child), then percpu_ref_kill', () => {
    const { k, root, cg, user } = world();
    const child = k.cgroups.get(k.cgroups.mkdir(cg.id, 'child'));
    expect(stepsOf(start(k, user, cgroupRmdir(k, user, root.id)))[0]).toStrictEqual({
      label: 'lock cgroup_mutex',
      accesses: [acquire(k.cgroups.mutex), write(root.obj), read(root.populatedObj), read(cg.obj)],
      blocker: { kind: 'lock', lock: k.cgroups.mutex },
    });
    expect(stepsOf(start(k, user, cgroupRmdir(k, user, child.id)))).toStrictEqual([
      {
        label: 'lock cgroup_mutex',
        accesses: [acquire(k.cgroups.mutex), write(child.obj), read(child.populatedObj)],
        blocker: { kind: 'lock', lock: k.cgroups.mutex },
      },
      {
        label: 'percpu_ref_kill(child)',
        accesses: [write(child.obj), write(child.refObj), write(child.dyingObj), release(k.work.obj)],
      },
      { label: 'unlock cgroup_mutex', accesses: [release(k.cgroups.mutex)] },
    ]);
    expect(k.work.items.map((i) => i.label)).toEqual(['css_release_work_fn(child)']);
  });

  it('a put of a killed ref is a second step, atomic_long_sub_and_test, that releases the workqueue; only the last one queues the release', () => {
    const { k, cg, a, user } = world();
    const get = start(k, a, cgroupGet(k, a, cg.id));
    get.run();
    stepsOf(start(k, user, cgroupRmdir(k, user, cg.id)));
    expect(cg.refcnt).toBe(1);
    expect(k.work.items).toEqual([]);
    expect(stepsOf(start(k, a, cgroupPut(k, a, cg.id)))).toStrictEqual([
      { label: 'cgroup_put(cg)', accesses: [atomic(cg.refObj), read(cg.dyingObj)] },
      {
        label: 'cgroup_put(cg): atomic_long_sub_and_test',
        accesses: [write(cg.refObj), release(k.work.obj)],
      },
    ]);
    expect(k.work.items.map((i) => i.label)).toEqual(['css_release_work_fn(cg)']);
  });

  it('css_release_work_fn queues css_free_rwork_fn behind a grace period under cgroup_mutex; the free writes every id of the cgroup and puts the parent', () => {
    const { k, root, cg, user, kw, rcu } = world();
    stepsOf(start(k, user, cgroupRmdir(k, user, cg.id)));
    const worker = start(k, kw, kworker(k, kw));
    worker.step();
    expect(worker.next).toStrictEqual({
      label: 'lock cgroup_mutex',
      accesses: [
        acquire(k.cgroups.mutex),
        write(cg.obj),
        release(k.rcuObj),
        read(k.rcuOpenObj),
        read(k.rcuCloseObj),
      ],
      blocker: { kind: 'lock', lock: k.cgroups.mutex },
    });
    worker.step(2);
    expect(k.rcu.queue.map((c) => [c.label, c.flavour])).toEqual([['css_free_rwork_fn(cg)', 'rcu']]);
    const gp = start(k, rcu, rcuWorker(k, rcu));
    expect(runAll([gp])).toBe(true);
    expect(k.work.items.map((i) => i.label)).toEqual(['css_free_rwork_fn(cg)']);
    worker.step();
    expect(worker.next).toStrictEqual({
      label: 'css_free_rwork_fn(cg)',
      accesses: [
        write(cg.obj),
        write(cg.refObj),
        write(cg.dyingObj),
        write(cg.bpfObj),
        write(root.refObj),
        release(k.work.obj),
      ],
    });
    expect(root.refcnt).toBe(2);
    worker.step();
    expect(root.refcnt).toBe(1);
    expect(cg.state).toBe('freed');
    expect(k.memory.isLive(cg.obj)).toBe(false);
    expect(k.observations.at(-1)).toEqual({ kind: 'cgroup-free', actor: kw.id, cgroup: cg.id });
  });
});
