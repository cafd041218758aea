/**
 * The structural invariants (1–4), lock-order and busy-counter case by case:
 * the locked sections, unpublished storages and E3 teardown states each one
 * exempts, and the wording of each violation.
 */
import { describe, expect, it } from 'vitest';
import type { CpuNo, ObjId } from '../../model/core/ids.js';
import {
  bpfSelemAlloc,
  linkMapNolock,
  linkStorageNolock,
  smapOf,
} from '../../model/localStorage/localStorage.js';
import { SELEM_UNLINKED } from '../../model/localStorage/localStorageState.js';
import { createBusyCounter } from '../../properties/busyCounter.js';
import { createCacheValid } from '../../properties/cacheValid.js';
import { createDoubleLink } from '../../properties/doubleLink.js';
import { createLockOrder } from '../../properties/lockOrder.js';
import { createOwnerPointer } from '../../properties/ownerPointer.js';
import type { Property } from '../../properties/property.js';
import { createSingleElement } from '../../properties/singleElement.js';
import { create, era, makeWorld, type World } from './fixture.js';

/** cg with an element of m1 (and its owner storage), created by A. */
function world(e: 'E1' | 'E2' | 'E3' = 'E2') {
  const w = makeWorld(era(e));
  const elem = create(w, w.a)!;
  const sel = w.k.localStorages.selem(elem);
  const s = w.k.localStorages.storage(sel.storage!);
  return { w, elem, sel, s };
}
const step = (p: () => Property, w: World) => p().checkStep?.(w.k)?.message;
const end = (p: () => Property, w: World) => p().checkEnd?.(w.k)?.message;
const hold = (w: World, lock: ObjId) => w.k.locks.acquire(lock, w.b.id, 1 as CpuNo);

describe('single-element (invariant 1)', () => {
  /** A second element of `map` linked on cg's owner list. */
  function second(w: World, s: ReturnType<typeof world>['s'], map = w.map) {
    const extra = bpfSelemAlloc(w.k, w.b, smapOf(w.k, map), w.cg, undefined)!;
    linkStorageNolock(s, extra);
    linkMapNolock(smapOf(w.k, map), 0, extra);
    return extra;
  }

  it('exempts the owner-lock section and a storage the cgroup does not publish', () => {
    const { w, s } = world();
    second(w, s);
    hold(w, s.lock);
    expect(step(createSingleElement, w)).toBeUndefined();
    w.k.locks.release(s.lock, w.b.id);
    w.k.cgroups.get(w.cg).bpfCgrpStorage = null;
    expect(step(createSingleElement, w)).toBeUndefined();
  });

  it('two elements of different maps are fine; an element whose smap is cleared matches nothing', () => {
    const { w, s, sel } = world();
    const other = second(w, s, w.map2);
    expect(end(createSingleElement, w)).toBeUndefined();
    const third = second(w, s);
    sel.smap = null;
    expect(end(createSingleElement, w)).toBeUndefined();
    sel.smap = w.map;
    expect(end(createSingleElement, w)).toBe(
      `cgroup cg has two linked elements of map m1 (${third.obj} and 1000001) with its owner lock free`,
    );
    expect(other.obj).toBe(2000001);
  });
});

describe('double-link (invariant 2)', () => {
  const offOwnerList = () => {
    const r = world();
    r.s.list.splice(r.s.list.indexOf(r.elem), 1);
    r.sel.isInStorage = false;
    return r;
  };
  const message =
    "element 1000001 of map m1 for cgroup cg is in a bucket of its map but not on its owner's list";

  it('a bucket-only element is exempt while its bucket lock or its owner lock is held', () => {
    const { w, sel, s } = offOwnerList();
    const bucket = smapOf(w.k, w.map).buckets[sel.bucket]!;
    hold(w, bucket.lock);
    expect(step(createDoubleLink, w)).toBeUndefined();
    w.k.locks.release(bucket.lock, w.b.id);
    hold(w, s.lock);
    expect(step(createDoubleLink, w)).toBeUndefined();
    w.k.locks.release(s.lock, w.b.id);
    expect(step(createDoubleLink, w)).toBe(message);
    sel.home = null;
    expect(step(createDoubleLink, w)).toBe(message);
  });

  it('E3: an element bpf_selem_unlink_nofail left half-linked is exempt on either side', () => {
    const a = world('E3');
    a.s.list.splice(0, 1);
    a.sel.isInStorage = false;
    a.sel.state = SELEM_UNLINKED;
    expect(step(createDoubleLink, a.w)).toBeUndefined();
    const b = world('E3');
    smapOf(b.w.k, b.w.map).buckets[b.sel.bucket]!.list.splice(0, 1);
    b.sel.isInMap = false;
    b.sel.nofailInFlight = 1;
    expect(end(createDoubleLink, b.w)).toBeUndefined();
    b.sel.nofailInFlight = 0;
    expect(end(createDoubleLink, b.w)).toBe(
      "element 1000001 of map m1 for cgroup cg is on its owner's list but in no bucket of its map after every actor finished",
    );
  });

  it('the owner side is judged at the end only, outside the owner lock, on a published storage', () => {
    const { w, sel, s } = world();
    smapOf(w.k, w.map).buckets[sel.bucket]!.list.splice(0, 1);
    sel.isInMap = false;
    hold(w, s.lock);
    expect(end(createDoubleLink, w)).toBeUndefined();
    w.k.locks.release(s.lock, w.b.id);
    w.k.cgroups.get(w.cg).bpfCgrpStorage = null;
    expect(end(createDoubleLink, w)).toBeUndefined();
  });
});

describe('owner-pointer (invariant 3)', () => {
  it('is violated by an owner kept with an empty list, and by a published storage whose owner is NULL', () => {
    const { w, s, sel } = world();
    s.list.splice(0, 1);
    sel.isInStorage = false;
    expect(step(createOwnerPointer, w)).toBe(
      'the bpf_local_storage 1000002 of cgroup cg still names its owner with an empty list (the last unlink must clear it)',
    );
    s.owner = null;
    expect(step(createOwnerPointer, w)).toBe(
      'cgroup cg->bpf_cgrp_storage still points at the bpf_local_storage 1000002 of cgroup cg, whose owner is NULL',
    );
    w.k.cgroups.get(w.cg).bpfCgrpStorage = null;
    expect(step(createOwnerPointer, w)).toBeUndefined();
  });

  it('exempts the owner-lock section, a freed storage and an E3 destroy of a dying cgroup', () => {
    const { w, s } = world();
    s.owner = null;
    hold(w, s.lock);
    expect(step(createOwnerPointer, w)).toBeUndefined();
    w.k.locks.release(s.lock, w.b.id);
    w.k.memory.free(s.obj, 'test');
    expect(step(createOwnerPointer, w)).toBeUndefined();
    for (const e of ['E2', 'E3'] as const) {
      const r = world(e);
      r.s.owner = null;
      r.w.k.cgroups.get(r.w.cg).isDying = true;
      expect([e, step(createOwnerPointer, r.w)]).toEqual([
        e,
        e === 'E3'
          ? undefined
          : 'the bpf_local_storage 1000002 of cgroup cg has a NULL owner but 1 element on its list',
      ]);
    }
  });
});

describe('cache-valid (invariant 4)', () => {
  it('names an object that is no element, and a freed element as freed', () => {
    const { w, s, sel } = world();
    s.cache[3] = 999 as ObjId;
    expect(step(createCacheValid, w)).toBe(
      "cache slot 3 of cgroup cg's storage points at object 999, which is unlinked: the unlink did not clear the cache",
    );
    s.cache[3] = null;
    s.cache[0] = sel.obj;
    s.list.splice(0, 1);
    sel.isInStorage = false;
    w.k.memory.free(sel.obj, 'test');
    expect(step(createCacheValid, w)).toBe(
      "cache slot 0 of cgroup cg's storage points at element 1000001 of map m1, which is freed: the unlink did not clear the cache",
    );
  });

  it("is violated by another storage's linked element", () => {
    const { w, s } = world();
    const other = create(w, w.a, w.map, w.cg2)!;
    s.cache[1] = other;
    expect(step(createCacheValid, w)).toBe(
      `cache slot 1 of cgroup cg's storage points at element ${other} of map m1, which is unlinked: the unlink did not clear the cache`,
    );
  });

  it('exempts the owner-lock section, a freed storage and an E3 destroy of a dying cgroup', () => {
    const { w, s } = world();
    s.cache[1] = 999 as ObjId;
    hold(w, s.lock);
    expect(step(createCacheValid, w)).toBeUndefined();
    w.k.locks.release(s.lock, w.b.id);
    w.k.memory.free(s.obj, 'test');
    expect(step(createCacheValid, w)).toBeUndefined();
    const e3 = world('E3');
    e3.s.cache[1] = 999 as ObjId;
    e3.w.k.cgroups.get(e3.w.cg).isDying = true;
    expect(end(createCacheValid, e3.w)).toBeUndefined();
  });
});

describe('lock-order (invariant 17)', () => {
  it('in E1/E2 a bucket lock under a bucket lock is recursion; other classes may nest', () => {
    const { w } = world('E1');
    const [b0, b1] = smapOf(w.k, w.map).buckets;
    hold(w, b0!.lock);
    hold(w, b1!.lock);
    expect(end(createLockOrder, w)).toBe(
      'B took a bucket lock while holding a bucket lock (holding m1 bucket 0, m1 bucket 1): raw spinlock recursion the busy counter must prevent (AA if the same lock)',
    );
    const w2 = makeWorld(era('E1'));
    w2.k.locks.create(71 as ObjId, 'map_lock', 'map lock A');
    w2.k.locks.create(72 as ObjId, 'map_lock', 'map lock B');
    hold(w2, 71 as ObjId);
    hold(w2, 72 as ObjId);
    expect(end(createLockOrder, w2)).toBeUndefined();
  });

  it('names no held locks once they were released', () => {
    const { w, s } = world();
    const bucket = smapOf(w.k, w.map).buckets[0]!.lock;
    hold(w, bucket);
    hold(w, s.lock);
    w.k.locks.release(s.lock, w.b.id);
    w.k.locks.release(bucket, w.b.id);
    expect(end(createLockOrder, w)).toBe(
      'B took an owner lock while holding a bucket lock: storage code takes owner → bucket, so this is an ABBA',
    );
  });

  it('reads each edge once', () => {
    const { w, s } = world();
    const p = createLockOrder();
    hold(w, smapOf(w.k, w.map).buckets[0]!.lock);
    hold(w, s.lock);
    expect(p.checkStep?.(w.k)?.invariant).toBe('lock-order');
    expect(p.checkStep?.(w.k)).toBeUndefined();
  });
});

describe('busy-counter (invariants 18–19)', () => {
  it('in E3, which has no counter, any non-zero count is reported at the step', () => {
    const w = makeWorld(era('E3'));
    w.k.cpus[1]!.busy = 2;
    expect(step(createBusyCounter, w)).toBe("cpu1's bpf_cgrp_storage_busy is 2 in E3, which has no counter");
    const w2 = makeWorld(era('E2'));
    w2.k.cpus[1]!.busy = 2;
    expect(step(createBusyCounter, w2)).toBeUndefined();
  });
});
