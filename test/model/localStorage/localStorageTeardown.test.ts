import { describe, expect, it } from 'vitest';
import {
  bpfCgrpStorageFree,
  cgrpStorageGet,
  BPF_LOCAL_STORAGE_GET_F_CREATE as F_CREATE,
} from '../../../model/cgrpStorage/cgrpStorage.js';
import { cgrpStorageMapFree } from '../../../model/cgrpStorage/cgrpStorageMap.js';
import { ERAS } from '../../../model/core/era.js';
import type { CpuNo, ObjId } from '../../../model/core/ids.js';
import { smapOf } from '../../../model/localStorage/localStorage.js';
import { SELEM_TOFREE } from '../../../model/localStorage/localStorageState.js';
import { attachProg, inRcu, runOp, start } from '../driver.js';
import { drainDeferred, elemOf, makeWorld, runWithWorkers, type World } from '../world.js';

const create = (w: World, map = w.map, cg = w.cg) =>
  runOp(w.k, w.a, inRcu(w.k, w.a, cgrpStorageGet(w.k, w.a, map, cg, undefined, F_CREATE)))!;

describe.each(ERAS)('teardown, era %s', (era) => {
  it('map_free unlinks every element of the map on every cgroup, keeps other maps, frees the map', () => {
    const w = makeWorld({ era });
    const p1 = create(w);
    const p2 = create(w, w.map, w.cg2);
    const q = create(w, w.map2);
    const kw2 = w.k.addActor('kworker2', 'kworker', 1 as CpuNo);
    expect(runWithWorkers(w, [start(w.k, kw2, cgrpStorageMapFree(w.k, kw2, w.map))])).toBe(true);
    expect(elemOf(w, w.map, w.cg)).toBeNull();
    expect(elemOf(w, w.map2, w.cg)).toBe(q);
    expect(w.k.cgroups.get(w.cg2).bpfCgrpStorage).toBeNull();
    expect(smapOf(w.k, w.map).buckets.flatMap((b) => b.list)).toEqual([]);
    expect(w.k.memory.isLive(smapOf(w.k, w.map).obj)).toBe(false);
    expect(drainDeferred(w)).toBe(true);
    expect([p1, p2].map((p) => w.k.memory.isLive(p))).toEqual([false, false]);
    expect(w.k.memory.liveOf('local_storage')).toHaveLength(1);
    expect(w.k.memory.faults).toEqual([]);
    expect(w.k.observations.filter((o) => o.kind === 'map-free')).toEqual([
      { kind: 'map-free', actor: kw2.id, map: w.map },
    ]);
  });

  it('bpf_cgrp_storage_free destroys every element of the cgroup and its storage', () => {
    const w = makeWorld({ era });
    const ps = [create(w), create(w, w.map2)];
    const other = create(w, w.map, w.cg2);
    runOp(w.k, w.kw, bpfCgrpStorageFree(w.k, w.kw, w.cg));
    expect(
      ps.map((p) => w.k.localStorages.selem(p).isInStorage || w.k.localStorages.selem(p).isInMap),
    ).toEqual([false, false]);
    expect(w.k.rcu.queue.every((c) => c.flavour === 'rcu')).toBe(true);
    expect(drainDeferred(w)).toBe(true);
    expect(w.k.memory.liveOf('selem').map((o) => o.id)).toEqual([other]);
    expect(w.k.memory.liveOf('local_storage')).toHaveLength(1);
    expect(w.k.cpus.map((c) => c.busy)).toEqual([0, 0]);
  });

  it('map_free racing destroy on the same elements frees each element once and leaks nothing', () => {
    const w = makeWorld({ era, cpus: 2 });
    create(w);
    create(w, w.map2);
    const kw2 = w.k.addActor('kworker2', 'kworker', 1 as CpuNo);
    const kw3 = w.k.addActor('kworker3', 'kworker', 0 as CpuNo);
    const mapFree = start(w.k, kw3, cgrpStorageMapFree(w.k, kw3, w.map));
    const destroy = start(w.k, kw2, bpfCgrpStorageFree(w.k, kw2, w.cg));
    mapFree.stepUntil('walk bucket');
    mapFree.step(3);
    expect(runWithWorkers(w, [destroy, mapFree])).toBe(true);
    expect(drainDeferred(w)).toBe(true);
    expect(w.k.memory.liveOf('selem')).toEqual([]);
    expect(w.k.memory.liveOf('local_storage')).toEqual([]);
    expect(w.k.memory.faults).toEqual([]);
  });
});

describe('historical bug #3 (c78f4afbd962): a program in map_free, inside the owner lock, calls get(F_CREATE)', () => {
  const bug3 = (era: 'E1' | 'E2' | 'E3', isMapFreeBusyGuarded = true) => {
    const w = makeWorld({ era, isMapFreeBusyGuarded });
    create(w);
    const seen: (ObjId | null)[] = [];
    attachProg(w.k, 'fentry/cgroup_storage_ptr', function* (actor) {
      seen.push(yield* cgrpStorageGet(w.k, actor, w.map2, w.cg, undefined, F_CREATE));
    });
    const kw = start(w.k, w.kw, cgrpStorageMapFree(w.k, w.kw, w.map));
    const isAllDone = runWithWorkers(w, [kw]);
    return { w, seen, kw, isAllDone };
  };

  it('E1 before the fix: the kworker deadlocks on its own owner lock, and its CPU is stuck', () => {
    const { w, seen, kw, isAllDone } = bug3('E1', false);
    expect(isAllDone).toBe(false);
    expect(kw.isDone).toBe(false);
    const b = kw.next!.blocker!;
    expect(b.kind).toBe('lock');
    const lock = b.kind === 'lock' ? w.k.locks.get(b.lock) : undefined;
    expect(lock).toMatchObject({ cls: 'owner', holder: w.kw.id, holderCpu: 0 });
    expect(kw.isReady()).toBe(false);
    expect(seen).toEqual([]);
    expect(start(w.k, w.user, cgrpStorageGet(w.k, w.user, w.map, w.cg, undefined, 0)).isReady()).toBe(false);
    expect(start(w.k, w.b, cgrpStorageGet(w.k, w.b, w.map, w.cg, undefined, 0)).isReady()).toBe(true);
  });

  it.each(['E1', 'E2'] as const)(
    '%s with the fix: the busy counter makes the nested get NULL; map_free finishes',
    (era) => {
      const { w, seen, kw } = bug3(era);
      expect(kw.isDone).toBe(true);
      expect(seen).toEqual([null]);
      expect(w.k.cpus[0]!.busy).toBe(0);
      expect(w.k.cgroups.get(w.cg).bpfCgrpStorage).toBeNull();
    },
  );

  it('E3: the nested owner-lock attempt fails with -EDEADLK, the get returns NULL, map_free finishes', () => {
    const { w, seen, kw } = bug3('E3');
    expect(kw.isDone).toBe(true);
    expect(seen).toEqual([null]);
    expect(w.k.observations.filter((o) => o.kind === 'lock-fail')).toEqual([
      { kind: 'lock-fail', actor: w.kw.id, lock: expect.any(Number), errno: 35 },
    ]);
    expect(drainDeferred(w)).toBe(true);
    expect(w.k.memory.liveOf('selem')).toEqual([]);
  });
});

describe('E3 bpf_selem_unlink_nofail when a lock times out', () => {
  it('destroy times out on the bucket lock: map_free later finds the element and frees it (TOFREE handshake)', () => {
    // Data choices: every contended rqspinlock attempt times out.
    const w = makeWorld({ era: 'E3', isLockTimeoutPossible: true }, () => 1);
    const p = create(w);
    const kw2 = w.k.addActor('kworker2', 'kworker', 1 as CpuNo);
    const bucketLock = smapOf(w.k, w.map).buckets[w.k.localStorages.selem(p).bucket]!.lock;
    w.k.locks.acquire(bucketLock, w.a.id, w.a.cpu); // A, on CPU 0, holds the bucket lock for a long time
    runOp(w.k, kw2, bpfCgrpStorageFree(w.k, kw2, w.cg));
    const sel = w.k.localStorages.selem(p);
    expect(sel).toMatchObject({ isInMap: true, isInStorage: false, storage: null, state: 2 });
    expect(w.k.memory.isLive(p)).toBe(true);
    w.k.locks.release(bucketLock, w.a.id);
    expect(runWithWorkers(w, [start(w.k, kw2, cgrpStorageMapFree(w.k, kw2, w.map))])).toBe(true);
    expect(sel.state).toBe(SELEM_TOFREE);
    expect(drainDeferred(w)).toBe(true);
    expect(w.k.memory.isLive(p)).toBe(false);
    expect(w.k.memory.faults).toEqual([]);
  });
});
