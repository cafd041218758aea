import { describe, expect, it } from 'vitest';
import { cgrpStorageDelete } from '../../model/cgrpStorage/cgrpStorage.js';
import type { CpuNo } from '../../model/core/ids.js';
import {
  bpfSelemAlloc,
  linkMapNolock,
  linkStorageNolock,
  smapOf,
} from '../../model/localStorage/localStorage.js';
import { createBusyCounter } from '../../properties/busyCounter.js';
import { createCacheValid } from '../../properties/cacheValid.js';
import { createDoubleLink } from '../../properties/doubleLink.js';
import { createLockOrder } from '../../properties/lockOrder.js';
import { createOwnerPointer } from '../../properties/ownerPointer.js';
import { createSingleElement } from '../../properties/singleElement.js';
import { inRcu, start } from '../model/driver.js';
import { Checker, create, endOf, era, makeWorld } from './fixture.js';

/** cg with one element of m1 and one of m2, both created by A. */
function twoElements(options = {}) {
  const w = makeWorld(options);
  const e1 = create(w, w.a, w.map)!;
  const e2 = create(w, w.a, w.map2)!;
  const s = w.k.localStorages.storage(w.k.cgroups.get(w.cg).bpfCgrpStorage!);
  return { w, e1, e2, s };
}

describe('single-element (invariant 1)', () => {
  it('holds with one element per map', () => {
    const { w } = twoElements();
    expect(endOf(w.k, createSingleElement())).toBeUndefined();
  });

  it('is violated by a second element of the same map on the owner list with the owner lock free', () => {
    const { w, s } = twoElements();
    const extra = bpfSelemAlloc(w.k, w.b, smapOf(w.k, w.map), w.cg, undefined)!;
    linkStorageNolock(s, extra);
    linkMapNolock(smapOf(w.k, w.map), 0, extra);
    expect(endOf(w.k, createSingleElement())?.message).toBe(
      'cgroup cg has two linked elements of map m1 (2000001 and 1000001) with its owner lock free',
    );
  });
});

describe('double-link (invariant 2)', () => {
  it('holds in the E1 window between bpf_selem_unlink_map and _storage, which are separately locked', () => {
    const { w } = twoElements();
    const check = new Checker(w.k, [createDoubleLink()]);
    const del = start(w.k, w.b, inRcu(w.k, w.b, cgrpStorageDelete(w.k, w.b, w.map, w.cg)));
    check.stepUntil(del, 'selem_linked_to_storage_lockless').step(del);
    const sel = w.k.localStorages.selem(1000001 as never);
    expect([sel.isInMap, sel.isInStorage]).toEqual([false, true]);
    check.run(del);
    expect(check.end()).toBeUndefined();
  });

  it('is violated per step by an element left in a bucket but off its owner list', () => {
    const { w, e1, s } = twoElements();
    s.list.splice(s.list.indexOf(e1), 1);
    w.k.localStorages.selem(e1).isInStorage = false;
    expect(createDoubleLink().checkStep?.(w.k)?.message).toBe(
      "element 1000001 of map m1 for cgroup cg is in a bucket of its map but not on its owner's list",
    );
  });

  it('is violated at the end by an element on the owner list in no bucket', () => {
    const { w, e1 } = twoElements();
    const sel = w.k.localStorages.selem(e1);
    const b = smapOf(w.k, w.map).buckets[sel.bucket]!;
    b.list.splice(b.list.indexOf(e1), 1);
    sel.isInMap = false;
    const p = createDoubleLink();
    expect(p.checkStep?.(w.k)).toBeUndefined();
    expect(p.checkEnd?.(w.k)?.message).toBe(
      "element 1000001 of map m1 for cgroup cg is on its owner's list but in no bucket of its map after every actor finished",
    );
  });
});

describe('owner-pointer (invariant 3)', () => {
  it('holds with elements and after the last one is deleted', () => {
    const { w } = twoElements();
    expect(endOf(w.k, createOwnerPointer())).toBeUndefined();
    for (const m of [w.map, w.map2])
      start(w.k, w.b, inRcu(w.k, w.b, cgrpStorageDelete(w.k, w.b, m, w.cg))).run();
    expect(w.k.cgroups.get(w.cg).bpfCgrpStorage).toBeNull();
    expect(endOf(w.k, createOwnerPointer())).toBeUndefined();
  });

  it('is violated by a NULL owner with elements on the list', () => {
    const { w, s } = twoElements();
    s.owner = null;
    expect(endOf(w.k, createOwnerPointer())?.message).toBe(
      'the bpf_local_storage 1000002 of cgroup cg has a NULL owner but 2 elements on its list',
    );
  });
});

describe('cache-valid (invariant 4)', () => {
  it('holds after lookups filled the cache', () => {
    const { w, s, e1 } = twoElements();
    create(w, w.b, w.map);
    expect(s.cache[smapOf(w.k, w.map).cacheIdx]).toBe(e1);
    expect(endOf(w.k, createCacheValid())).toBeUndefined();
  });

  it('is violated by a cache slot naming an element that was unlinked', () => {
    const { w, s, e1 } = twoElements();
    start(w.k, w.b, inRcu(w.k, w.b, cgrpStorageDelete(w.k, w.b, w.map, w.cg))).run();
    s.cache[smapOf(w.k, w.map).cacheIdx] = e1;
    expect(endOf(w.k, createCacheValid())?.message).toBe(
      "cache slot 0 of cgroup cg's storage points at element 1000001 of map m1, which is unlinked: the unlink did not clear the cache",
    );
  });
});

describe('lock-order (invariant 17)', () => {
  it('holds for creates and deletes, which take owner → bucket', () => {
    const { w } = twoElements();
    start(w.k, w.b, inRcu(w.k, w.b, cgrpStorageDelete(w.k, w.b, w.map, w.cg))).run();
    expect(w.k.locks.edges.map((e) => `${e.held}>${e.taken}`)).toEqual(['owner>bucket']);
    expect(endOf(w.k, createLockOrder())).toBeUndefined();
  });

  it('is violated by an owner lock taken under a bucket lock', () => {
    const { w, s } = twoElements();
    const bucket = smapOf(w.k, w.map).buckets[0]!.lock;
    w.k.locks.acquire(bucket, w.b.id, 1 as CpuNo);
    w.k.locks.acquire(s.lock, w.b.id, 1 as CpuNo);
    expect(endOf(w.k, createLockOrder())?.message).toBe(
      'B took an owner lock while holding a bucket lock (holding m1 bucket 0, owner lock of cg (1000002)): storage code takes owner → bucket, so this is an ABBA',
    );
  });

  it('is violated in E1 by an owner lock taken under another owner lock, but not in E3 (rqspinlock)', () => {
    for (const e of ['E1', 'E3'] as const) {
      const w = makeWorld(era(e));
      create(w, w.a, w.map, w.cg);
      create(w, w.a, w.map, w.cg2);
      const [s1, s2] = [...w.k.localStorages.storages.values()];
      w.k.locks.acquire(s1!.lock, w.b.id, 1 as CpuNo);
      w.k.locks.acquire(s2!.lock, w.b.id, 1 as CpuNo);
      const v = endOf(w.k, createLockOrder());
      if (e === 'E3') expect(v).toBeUndefined();
      else
        expect(v?.message).toBe(
          'B took an owner lock while holding an owner lock (holding owner lock of cg (1000002), owner lock of cg2 (1000005)): raw spinlock recursion the busy counter must prevent (AA if the same lock)',
        );
    }
  });
});

describe('busy-counter (invariants 18–19)', () => {
  it('holds: every helper and syscall pairs its lock and unlock', () => {
    const { w } = twoElements();
    expect(endOf(w.k, createBusyCounter())).toBeUndefined();
  });

  it('is violated at the end by a counter left held', () => {
    const { w } = twoElements();
    w.k.cpus[1]!.busy = 1;
    const p = createBusyCounter();
    expect(p.checkStep?.(w.k)).toBeUndefined();
    expect(p.checkEnd?.(w.k)?.message).toBe(
      "cpu1's bpf_cgrp_storage_busy is 1 after every actor finished: a lock or trylock was never undone, so every later helper on cpu1 fails",
    );
  });

  it('is violated per step by a negative counter', () => {
    const { w } = twoElements();
    w.k.cpus[0]!.busy = -1;
    expect(createBusyCounter().checkStep?.(w.k)?.message).toBe(
      "cpu0's bpf_cgrp_storage_busy went negative (-1): an unlock without a lock",
    );
  });
});
