import { describe, expect, it } from 'vitest';
import { cgroupRmdir } from '../../model/cgroup/cgroup.js';
import {
  BPF_LOCAL_STORAGE_GET_F_CREATE,
  cgrpStorageDelete,
  cgrpStorageGet,
} from '../../model/cgrpStorage/cgrpStorage.js';
import { cgrpStorageMapFree } from '../../model/cgrpStorage/cgrpStorageMap.js';
import {
  bpfSelemAlloc,
  smapOf,
  unlinkMapNolock,
  unlinkSnode,
} from '../../model/localStorage/localStorage.js';
import { SELEM_UNLINKED } from '../../model/localStorage/localStorageState.js';
import { createCleanupOnFree } from '../../properties/cleanupOnFree.js';
import { createE3SingleFree } from '../../properties/e3SingleFree.js';
import { createFreeAfterGracePeriod } from '../../properties/freeAfterGracePeriod.js';
import { createMapFreeClean } from '../../properties/mapFreeClean.js';
import { createNoCreateOnDying } from '../../properties/noCreateOnDying.js';
import { createNoLeak } from '../../properties/noLeak.js';
import { inRcu, runOp, start } from '../model/driver.js';
import { drainDeferred } from '../model/world.js';
import { Checker, create, endOf, era, makeWorld, type World } from './fixture.js';

const rmdir = (w: World) => runOp(w.k, w.user, cgroupRmdir(w.k, w.user, w.cg));
/** rmdir cg and let the kworker and RCU thread run css_release_work_fn and css_free_rwork_fn. */
function freeCgroup(w: World): void {
  rmdir(w);
  if (!drainDeferred(w)) throw new Error('deferred work stalled');
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
