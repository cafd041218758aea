import { describe, expect, it } from 'vitest';
import { cgroupRmdir } from '../../model/cgroup/cgroup.js';
import { BPF_F_ALLOW_MULTI } from '../../model/cgroup/cgroupBpf.js';
import { cgroupBpfAttach } from '../../model/cgroup/cgroupBpfAttach.js';
import { cgroupStorageMapAlloc, cgroupStorageMapOf } from '../../model/cgroupStorage/cgroupStorage.js';
import {
  BPF_LOCAL_STORAGE_GET_F_CREATE,
  cgrpStorageDelete,
  cgrpStorageGet,
} from '../../model/cgrpStorage/cgrpStorage.js';
import { cgrpStorageMapFree } from '../../model/cgrpStorage/cgrpStorageMap.js';
import { OK0 } from '../../model/core/errno.js';
import type { CpuNo } from '../../model/core/ids.js';
import { runToCompletion, step } from '../../model/core/step.js';
import type { Kernel } from '../../model/kernel/kernel.js';
import {
  bpfSelemAlloc,
  smapOf,
  unlinkMapNolock,
  unlinkSnode,
} from '../../model/localStorage/localStorage.js';
import { SELEM_UNLINKED } from '../../model/localStorage/localStorageState.js';
import { kworker, rcuWorker } from '../../model/sync/rcuWorker.js';
import { createCleanupOnFree } from '../../properties/cleanupOnFree.js';
import { createE3SingleFree } from '../../properties/e3SingleFree.js';
import { createFreeAfterGracePeriod } from '../../properties/freeAfterGracePeriod.js';
import { createMapFreeClean } from '../../properties/mapFreeClean.js';
import { createNoCreateOnDying } from '../../properties/noCreateOnDying.js';
import { createNoLeak } from '../../properties/noLeak.js';
import { inRcu, runAll, runOp, start } from '../model/driver.js';
import { load, makeKernel } from '../model/selftests/fixture.js';
import { drainDeferred } from '../model/world.js';
import { Checker, create, endOf, era, makeWorld, type World } from './fixture.js';

const rmdir = (w: World) => runOp(w.k, w.user, cgroupRmdir(w.k, w.user, w.cg));
/** rmdir cg and let the kworker and RCU thread run css_release_work_fn and css_free_rwork_fn. */
function freeCgroup(w: World): void {
  rmdir(w);
  if (!drainDeferred(w)) throw new Error('deferred work stalled');
}

/** root ⊃ parent, with a cgroup_skb egress program on parent using deprecated map `cs` of `mapType`. */
function deprecatedWorld(mapType: 'cgroup_storage' | 'percpu_cgroup_storage') {
  const { k, user } = makeKernel();
  const root = k.cgroups.mkdir(null, 'root');
  const parent = k.cgroups.mkdir(root, 'parent');
  const r = cgroupStorageMapAlloc(k, { name: 'cs', mapType, keySize: 16, valueSize: 8 });
  if (!r.ok) throw new Error(`map create: ${r.errno}`);
  const insns = ['call get_local_storage map=cs', 'exit 1'];
  const egress = load(k, { name: 'egress', section: 'cgroup_skb/egress', insns }, { maps: { cs: r.value } });
  expect(
    runToCompletion(cgroupBpfAttach(k, user, parent, egress, 'cgroup_inet_egress', BPF_F_ALLOW_MULTI)),
  ).toEqual(OK0);
  return { k, user, root, parent, map: r.value };
}

/** Runs an RCU worker and a kworker until they wait idle; false on a stall. */
function drainKernel(k: Kernel): boolean {
  const rcu = k.addActor('rcu', 'rcu', 0 as CpuNo);
  const kw = k.addActor('kworker', 'kworker', 0 as CpuNo);
  return runAll([start(k, rcu, rcuWorker(k, rcu)), start(k, kw, kworker(k, kw))]);
}

describe('cleanup-on-free (invariant 8)', () => {
  it('holds: bpf_cgrp_storage_free unlinks every element before the cgroup is freed', () => {
    for (const e of ['E1', 'E2', 'E3'] as const) {
      const w = makeWorld(era(e));
      create(w, w.a, w.map);
      create(w, w.a, w.map2);
      freeCgroup(w);
      expect(w.k.cgroups.get(w.cg).state).toBe('freed');
      expect(endOf(w.k, createCleanupOnFree())).toBeUndefined();
    }
  });

  it('is violated when the free hook never ran (a kernel without bpf_cgrp_storage_free)', () => {
    const w = makeWorld();
    create(w, w.a);
    w.k.cgroups.onFree.length = 0;
    freeCgroup(w);
    expect(endOf(w.k, createCleanupOnFree())).toEqual({
      invariant: 'cleanup-on-free',
      message: 'cgroup cg was freed but its bpf_cgrp_storage still points at storage 1000002 (1 element)',
    });
  });

  it('is violated by a free that cleared the owner but left the element in a map bucket', () => {
    // A broken bpf_cgrp_storage_free: it detaches the owner storage and its list
    // but never unlinks the element from the map's bucket.
    const w = makeWorld();
    const elem = create(w, w.a)!;
    w.k.cgroups.onFree.length = 0;
    w.k.cgroups.onFree.push(function* forgetBucket(k, _actor, cg) {
      yield step('bpf_cgrp_storage_free, forgetting the bucket', []);
      const sel = k.localStorages.selems.get(elem)!;
      Object.assign(sel, { isInStorage: false });
      k.cgroups.get(cg).bpfCgrpStorage = null;
    });
    freeCgroup(w);
    expect(endOf(w.k, createCleanupOnFree())).toEqual({
      invariant: 'cleanup-on-free',
      message: `cgroup cg was freed but element ${elem} of map m1 is still in a bucket of the map`,
    });
  });

  it.each(['cgroup_storage', 'percpu_cgroup_storage'] as const)(
    'is violated by a freed cgroup whose %s storage is still in the deprecated map',
    (mapType) => {
      const { k, user, root, parent, map } = deprecatedWorld(mapType);
      const storage = cgroupStorageMapOf(k, map).list[0]!;
      // A broken cgroup_bpf_release that empties the cgroup's list but never
      // unlinks the storage from the map (bpf_cgroup_storage_unlink).
      k.cgroups.onOffline.length = 0;
      k.cgroupBpf.get(parent)!.storages.length = 0;
      expect(runToCompletion(cgroupRmdir(k, user, parent))).toEqual(OK0);
      expect(drainKernel(k)).toBe(true);
      expect([k.cgroups.get(parent).state, k.cgroups.get(root).state]).toEqual(['freed', 'online']);
      expect(endOf(k, createCleanupOnFree())).toEqual({
        invariant: 'cleanup-on-free',
        message: `cgroup parent was freed but deprecated map cs still holds its storage ${storage.obj}`,
      });
    },
  );
});

describe('no-create-on-dying (invariant 7)', () => {
  it('holds: after rmdir a get(F_CREATE) returns NULL and allocates nothing', () => {
    const w = makeWorld();
    const check = new Checker(w.k, [createNoCreateOnDying()]);
    rmdir(w);
    check.run(
      start(
        w.k,
        w.a,
        inRcu(w.k, w.a, cgrpStorageGet(w.k, w.a, w.map, w.cg, undefined, BPF_LOCAL_STORAGE_GET_F_CREATE)),
      ),
    );
    expect(w.k.localStorages.selems.size).toBe(0);
    expect(check.end()).toBeUndefined();
  });

  it('is violated by an element allocated for a cgroup already freed', () => {
    const w = makeWorld();
    const check = new Checker(w.k, [createNoCreateOnDying()]);
    freeCgroup(w);
    check.afterStep();
    bpfSelemAlloc(w.k, w.a, smapOf(w.k, w.map), w.cg, undefined);
    check.afterStep();
    expect(check.end()?.message).toBe(
      'element 1000001 of map m1 was allocated for cgroup cg after the cgroup was freed: creation must stop once its refcount is dying',
    );
  });
});

describe('map-free-clean (invariant 9)', () => {
  it('holds: map_free unlinks every element of the map', () => {
    const w = makeWorld();
    create(w, w.a, w.map, w.cg);
    create(w, w.a, w.map, w.cg2);
    const check = new Checker(w.k, [createMapFreeClean()]);
    check.run(start(w.k, w.kw, cgrpStorageMapFree(w.k, w.kw, w.map)));
    expect(check.end()).toBeUndefined();
  });

  it('is violated by a map-free that left an element in a bucket', () => {
    const w = makeWorld();
    const elem = create(w, w.a)!;
    w.k.observe({ kind: 'map-free', actor: w.kw.id, map: w.map });
    const bucket = w.k.localStorages.selem(elem).bucket;
    expect(endOf(w.k, createMapFreeClean())?.message).toBe(
      `map m1 finished map_free but element 1000001 is still in bucket ${bucket}`,
    );
  });
});

describe('free-after-gp (invariant 5)', () => {
  it('holds: an element deleted while A reads it is freed only after A leaves its RCU section', () => {
    const w = makeWorld();
    const elem = create(w, w.a)!;
    const check = new Checker(w.k, [createFreeAfterGracePeriod()]);
    w.k.rcu.readLock(w.a.id);
    check.run(start(w.k, w.b, inRcu(w.k, w.b, cgrpStorageDelete(w.k, w.b, w.map, w.cg))));
    expect(w.k.rcu.firstReady()).toBe(-1);
    w.k.rcu.readUnlock(w.a.id);
    drainDeferred(w);
    check.afterStep();
    expect(w.k.memory.isLive(elem)).toBe(false);
    expect(check.end()).toBeUndefined();
  });

  it('is violated by a free callback run before the grace period ended', () => {
    const w = makeWorld();
    create(w, w.a);
    const check = new Checker(w.k, [createFreeAfterGracePeriod()]);
    w.k.rcu.readLock(w.a.id);
    check.run(start(w.k, w.b, inRcu(w.k, w.b, cgrpStorageDelete(w.k, w.b, w.map, w.cg))));
    w.k.rcu.invoke(w.k.rcu.queue.findIndex((cb) => cb.label.startsWith('bpf_selem_free')));
    check.afterStep();
    expect(check.end()?.message).toBe(
      "element 1000001 of map m1 for cgroup cg was freed by B bpf_selem_free while A's RCU read section, open since before B unlinked it, had not ended: no grace period passed",
    );
  });
});

describe('e3-single-free (invariant 20)', () => {
  it('holds: E3 destroy frees each element once and the owner pin is dropped', () => {
    const w = makeWorld(era('E3'));
    create(w, w.a);
    freeCgroup(w);
    expect(endOf(w.k, createE3SingleFree())).toBeUndefined();
  });

  it('is violated by an element freed by both teardown paths', () => {
    const w = makeWorld(era('E3'));
    const elem = create(w, w.a)!;
    w.k.memory.free(elem, 'kworker bpf_local_storage_destroy');
    w.k.memory.free(elem, 'kworker bpf_local_storage_map_free');
    expect(endOf(w.k, createE3SingleFree())?.message).toBe(
      'element 1000001 of map m1 for cgroup cg was freed by both teardown paths: kworker bpf_local_storage_destroy, then kworker bpf_local_storage_map_free',
    );
  });

  it('is violated at the end by an element both sides marked unlinked and neither freed', () => {
    const w = makeWorld(era('E3'));
    const elem = create(w, w.a)!;
    w.k.localStorages.selem(elem).state = SELEM_UNLINKED;
    const p = createE3SingleFree();
    expect(p.checkStep?.(w.k)).toBeUndefined();
    expect(p.checkEnd?.(w.k)?.message).toBe(
      'element 1000001 of map m1 for cgroup cg ended with state 3 (both sides unlinked it and neither freed it)',
    );
  });
});

describe('no-leak', () => {
  it('holds once the cgroup and the map are freed and the queues drained', () => {
    const w = makeWorld();
    create(w, w.a, w.map);
    create(w, w.a, w.map2);
    freeCgroup(w);
    runOp(w.k, w.kw, cgrpStorageMapFree(w.k, w.kw, w.map));
    drainDeferred(w);
    expect(w.k.memory.liveOf('selem')).toEqual([]);
    expect(endOf(w.k, createNoLeak())).toBeUndefined();
  });

  it('is violated by an element unlinked from both lists with no free queued', () => {
    const w = makeWorld();
    const elem = create(w, w.a)!;
    create(w, w.a, w.map2);
    const sel = w.k.localStorages.selem(elem);
    unlinkMapNolock(smapOf(w.k, w.map).buckets[sel.bucket]!, sel);
    unlinkSnode(w.k, w.b, w.k.localStorages.storage(sel.storage!), sel);
    expect(endOf(w.k, createNoLeak())?.message).toBe(
      'element 1000001 of map m1 for cgroup cg is allocated, on neither list, and no free is queued for it',
    );
  });
});
