import { describe, expect, it } from 'vitest';
import { cgroupGet, cgroupPut, cgroupRmdir } from '../../../model/cgroup/cgroup.js';
import {
  cgrpStorageDelete,
  cgrpStorageGet,
  BPF_LOCAL_STORAGE_GET_F_CREATE as F_CREATE,
} from '../../../model/cgrpStorage/cgrpStorage.js';
import {
  cgrpStorageLookupElem,
  cgrpStorageUpdateElem,
} from '../../../model/cgrpStorage/cgrpStorageSyscall.js';
import { ERAS } from '../../../model/core/era.js';
import { ENOENT, err, ok } from '../../../model/core/errno.js';
import { BPF_ANY } from '../../../model/localStorage/localStorage.js';
import { rcuReadLock, rcuReadUnlock } from '../../../model/sync/rcuWorker.js';
import { inRcu, runOp, start } from '../driver.js';
import { drainDeferred, elemOf, makeWorld, slotsOf, type World } from '../world.js';

const getOp = (w: World, actor = w.a, map = w.map, flags = F_CREATE) =>
  inRcu(w.k, actor, cgrpStorageGet(w.k, actor, map, w.cg, undefined, flags));

describe.each(ERAS)('races, era %s', (era) => {
  it('concurrent first inserts: the loser of the owner cmpxchg gets NULL (-EAGAIN)', () => {
    const w = makeWorld({ era });
    const a = start(w.k, w.a, getOp(w, w.a));
    a.stepUntil('percpu_ref_is_dying').step(2); // A has read a NULL owner storage in update
    const b = runOp(w.k, w.b, getOp(w, w.b));
    expect(a.run()).toBeNull();
    expect(elemOf(w, w.map, w.cg)).toBe(b);
    expect(w.k.localStorages.storage(w.k.cgroups.get(w.cg).bpfCgrpStorage!).list).toEqual([b]);
    expect(w.k.memory.liveOf('local_storage')).toHaveLength(2); // A's unpublished storage awaits kfree_rcu
    expect(w.k.rcu.queue.map((c) => c.flavour)).toEqual(['rcu', 'rcu']);
    expect(drainDeferred(w)).toBe(true);
    expect(w.k.memory.liveOf('selem').map((o) => o.id)).toEqual([b]);
    expect(w.k.memory.liveOf('local_storage')).toHaveLength(1);
    expect(w.k.memory.faults).toEqual([]);
  });

  it('concurrent create on an existing owner: the loser gets NULL (-EEXIST)', () => {
    const w = makeWorld({ era });
    runOp(w.k, w.a, getOp(w, w.a, w.map2)); // the owner storage exists
    const a = start(w.k, w.a, getOp(w, w.a));
    a.stepUntil('hlist_empty').step(1);
    const b = runOp(w.k, w.b, getOp(w, w.b));
    expect(b).not.toBeNull();
    expect(a.run()).toBeNull();
    expect(elemOf(w, w.map, w.cg)).toBe(b);
    expect(w.k.memory.liveOf('selem')).toHaveLength(3); // A's unused element awaits its grace period
    expect(drainDeferred(w)).toBe(true);
    expect(w.k.memory.liveOf('selem')).toHaveLength(2);
  });

  it('two racing deletes both return 0; the element is freed once', () => {
    const w = makeWorld({ era });
    const p = runOp(w.k, w.a, getOp(w))!;
    const delOp = (actor = w.a) => inRcu(w.k, actor, cgrpStorageDelete(w.k, actor, w.map, w.cg));
    const a = start(w.k, w.a, delOp(w.a));
    a.stepUntil('bpf_local_storage_lookup').step(1); // A found the element
    expect(runOp(w.k, w.b, delOp(w.b))).toBe(0);
    expect(a.run()).toBe(0);
    expect(drainDeferred(w)).toBe(true);
    expect(w.k.memory.isLive(p)).toBe(false);
    expect(w.k.memory.faults).toEqual([]);
    const rets = w.k.observations.flatMap((o) =>
      o.kind === 'helper' && o.helper === 'bpf_cgrp_storage_delete'
        ? [[o.actor, o.ret, o.existedBefore]]
        : [],
    );
    expect(rets).toEqual([
      [w.b.id, 0, true],
      [w.a.id, 0, true],
    ]);
  });

  it('a replace leaves a holder of the old pointer with stale data; its writes are lost', () => {
    const w = makeWorld({ era });
    runOp(w.k, w.user, cgrpStorageUpdateElem(w.k, w.user, w.map, w.fd, [1, 1], BPF_ANY));
    runOp(w.k, w.a, rcuReadLock(w.k, w.a));
    const p = runOp(w.k, w.a, cgrpStorageGet(w.k, w.a, w.map, w.cg, undefined, 0))!;
    runOp(w.k, w.user, cgrpStorageUpdateElem(w.k, w.user, w.map, w.fd, [5, 5], BPF_ANY));
    expect(elemOf(w, w.map, w.cg)).not.toBe(p);
    expect(w.k.memory.use(p, 'A reads its old pointer')).toBe(true);
    expect(slotsOf(w, p)).toEqual([1, 1]);
    (w.k.memory.get(p).data as number[])[0] = 42; // a store through the stale pointer
    expect(runOp(w.k, w.user, cgrpStorageLookupElem(w.k, w.user, w.map, w.fd, 0))).toEqual(ok([5, 5]));
    expect(drainDeferred(w)).toBe(true); // they wait idle: A's read section holds the old element's grace period
    expect(w.k.memory.isLive(p)).toBe(true);
    runOp(w.k, w.a, rcuReadUnlock(w.k, w.a));
    expect(drainDeferred(w)).toBe(true);
    expect(w.k.memory.use(p, 'A after its read section')).toBe(false);
    expect(w.k.memory.faults.map((f) => [f.kind, f.obj])).toEqual([['use-after-free', p]]);
  });

  it('rmdir while a program counts: lookups keep working, creation stops, the free destroys the storage', () => {
    const w = makeWorld({ era });
    runOp(w.k, w.a, cgroupGet(w.k, w.a, w.cg)); // the program's cgroup reference
    const count = () => {
      const p = runOp(w.k, w.a, getOp(w));
      if (p !== null) (w.k.memory.get(p).data as number[])[0]! += 1;
      return p;
    };
    const p = count();
    count();
    count();
    expect(runOp(w.k, w.user, cgroupRmdir(w.k, w.user, w.cg))).toEqual(ok(0));
    expect(w.k.cgroups.get(w.cg)).toMatchObject({ state: 'offline', isDying: true, refcnt: 1 });
    expect(count()).toBe(p);
    expect(runOp(w.k, w.a, getOp(w, w.a, w.map2))).toBeNull();
    expect(runOp(w.k, w.user, cgrpStorageLookupElem(w.k, w.user, w.map, w.fd, 0))).toEqual(err(ENOENT));
    expect(slotsOf(w, p!)).toEqual([4, 0]);
    runOp(w.k, w.a, cgroupPut(w.k, w.a, w.cg));
    expect(w.k.work.items.map((i) => i.label)).toEqual(['css_release_work_fn(cg)']);
    expect(drainDeferred(w)).toBe(true);
    expect(w.k.cgroups.get(w.cg).state).toBe('freed');
    expect(w.k.memory.isLive(w.k.cgroups.get(w.cg).obj)).toBe(false);
    expect(w.k.memory.liveOf('selem')).toEqual([]);
    expect(w.k.memory.liveOf('local_storage')).toEqual([]);
    expect(w.k.cgroups.get(w.root).refcnt).toBe(2);
    expect(w.k.observations.filter((o) => o.kind === 'cgroup-free')).toEqual([
      { kind: 'cgroup-free', actor: w.kw.id, cgroup: w.cg },
    ]);
    expect(w.k.memory.faults).toEqual([]);
  });
});
