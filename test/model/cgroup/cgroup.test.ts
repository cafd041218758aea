import { describe, expect, it } from 'vitest';
import { cgroupGet, cgroupPut, cgroupRmdir } from '../../../model/cgroup/cgroup.js';
import { EBUSY, ENOENT, err, ok } from '../../../model/core/errno.js';
import type { CgroupId } from '../../../model/core/ids.js';
import type { Op } from '../../../model/core/step.js';
import { step } from '../../../model/core/step.js';
import { type Actor, Kernel } from '../../../model/kernel/kernel.js';
import { runOp } from '../driver.js';
import { drainDeferred, makeWorld } from '../world.js';

describe('Cgroups hierarchy', () => {
  it('mkdir numbers cgroups from 1, children reference their parent, ancestors run self to root', () => {
    const k = new Kernel();
    const root = k.cgroups.mkdir(null, 'root');
    const a = k.cgroups.mkdir(root, 'a');
    const b = k.cgroups.mkdir(a, 'b');
    const c = k.cgroups.mkdir(root, 'c');
    expect([root, a, b, c]).toEqual([1, 2, 3, 4]);
    expect(k.cgroups.ancestors(b)).toEqual([3, 2, 1]);
    expect(k.cgroups.children(root)).toEqual([2, 4]);
    expect(k.cgroups.get(root).refcnt).toBe(3);
    expect(k.cgroups.get(b)).toMatchObject({
      name: 'b',
      parent: 2,
      state: 'online',
      isDying: false,
      refcnt: 1,
      isV1: false,
      bpfCgrpStorage: null,
    });
    expect(k.memory.get(k.cgroups.get(b).obj)).toMatchObject({ kind: 'cgroup', state: 'live' });
  });

  it('v1 is inherited from the hierarchy root; a mismatch or a removed parent is bad input', () => {
    const k = new Kernel();
    const r1 = k.cgroups.mkdir(null, 'v1', { isV1: true });
    expect(k.cgroups.get(k.cgroups.mkdir(r1, 'x')).isV1).toBe(true);
    expect(() => k.cgroups.mkdir(r1, 'y', { isV1: false })).toThrow('isV1 false differs from parent v1');
    expect(() => k.cgroups.get(99 as CgroupId)).toThrow('unknown cgroup id 99');
  });
});

describe('cgroup_rmdir and the free path', () => {
  it('root → -EBUSY; a parent with an online child → -EBUSY; a second rmdir → -ENOENT', () => {
    const w = makeWorld();
    const child = w.k.cgroups.mkdir(w.cg, 'child');
    const rmdir = (cg: CgroupId) => runOp(w.k, w.user, cgroupRmdir(w.k, w.user, cg));
    expect(rmdir(w.root)).toEqual(err(EBUSY));
    expect(rmdir(w.cg)).toEqual(err(EBUSY));
    expect(rmdir(child)).toEqual(ok(0));
    expect(rmdir(child)).toEqual(err(ENOENT));
    expect(rmdir(w.cg)).toEqual(ok(0)); // the child is offline, no longer an online child
    const rets = w.k.observations.flatMap((o) => (o.kind === 'rmdir' ? [o.ret] : []));
    expect(rets).toEqual([-EBUSY, -EBUSY, 0, -ENOENT, 0]);
  });

  it('rmdir runs offline hooks, kills the ref; the last put frees after a grace period, running free hooks', () => {
    const w = makeWorld();
    const calls: string[] = [];
    const hook = (what: string) =>
      function* (k: Kernel, actor: Actor, cg: CgroupId): Op<void> {
        yield step(what);
        calls.push(`${what} ${k.cgroups.get(cg).name} by ${actor.name} dying=${k.cgroups.get(cg).isDying}`);
      };
    w.k.cgroups.onOffline.push(hook('offline'));
    w.k.cgroups.onFree.push(hook('free'));
    runOp(w.k, w.a, cgroupGet(w.k, w.a, w.cg));
    expect(runOp(w.k, w.user, cgroupRmdir(w.k, w.user, w.cg))).toEqual(ok(0));
    expect(w.k.cgroups.get(w.cg)).toMatchObject({ state: 'offline', isDying: true, refcnt: 1 });
    expect(w.k.work.items).toEqual([]);
    runOp(w.k, w.a, cgroupPut(w.k, w.a, w.cg));
    expect(w.k.work.items.map((i) => i.label)).toEqual(['css_release_work_fn(cg)']);
    expect(drainDeferred(w)).toBe(true);
    expect(calls).toEqual(['offline cg by U dying=false', 'free cg by kworker dying=true']);
    expect(w.k.cgroups.get(w.cg).state).toBe('freed');
    expect(w.k.memory.get(w.k.cgroups.get(w.cg).obj).freedBy).toBe('kworker css_free_rwork_fn');
    expect(w.k.cgroups.get(w.root).refcnt).toBe(2);
    expect(w.k.rcu.completed).toBe(1);
  });

  it('a live cgroup never reaches refcount 0', () => {
    const w = makeWorld();
    expect(() => runOp(w.k, w.a, cgroupPut(w.k, w.a, w.cg))).toThrow(
      'refcount reached 0 before percpu_ref_kill',
    );
  });
});
