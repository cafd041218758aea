/**
 * Teardown of BPF local storage (kernel/bpf/bpf_local_storage.c): destroying an
 * owner's storage when the cgroup is freed, and freeing a map. Both use
 * reuse_now=true (plain RCU). In E1/E2 they serialise through linked checks
 * under the locks; in E3 both go through bpf_selem_unlink_nofail, whose
 * SELEM_*_UNLINKED bits decide which side frees an element it could not fully
 * unlink, and owner_refcnt keeps the owner alive while map_free uses it;
 * hasUnlinkWithoutHandshakeBug models the E3 teardown before that handshake.
 */

import { type Op, rd, rmw, step, wr } from '../core/step.js';
import type { Actor, Kernel } from '../kernel/kernel.js';
import { lockAcquire, lockRelease } from '../sync/locks.js';
import { callRcu, rcuBarrier, synchronizeRcu } from '../sync/rcuWorker.js';
import {
  bpfLocalStorageFree,
  bpfSelemFree,
  bpfSelemFreeList,
  bpfSelemUnlinkE3,
  bpfSelemUnlinkE12,
  bpfSelemUnlinkStorageNolock,
  ownerObjOf,
  smapOf,
  unlinkMapNolock,
  unlinkSnode,
} from './localStorage.js';
import { busyLock, busyUnlock, storageLock, storageUnlock } from './localStorageLock.js';
import {
  type Bucket,
  type LocalStorage,
  type LocalStorageMap,
  SELEM_MAP_UNLINKED,
  SELEM_STORAGE_UNLINKED,
  SELEM_TOFREE,
  SELEM_UNLINKED,
  type Selem,
} from './localStorageState.js';

/**
 * Models bpf_local_storage_destroy(): unlink and free every element of a dying
 * owner. E1/E2: one owner-lock section, each element leaving its bucket first.
 * E3: bpf_selem_unlink_nofail per element, then wait for owner_refcnt to reach 0.
 */
export function* bpfLocalStorageDestroy(k: Kernel, actor: Actor, s: LocalStorage): Op<void> {
  if (k.era === 'E3' && k.options.hasUnlinkWithoutHandshakeBug) {
    yield* destroyWithoutHandshake(k, actor, s);
    return;
  }
  if (k.era === 'E3') {
    yield step('hlist_for_each_entry_rcu(&local_storage->list)', [rd(s.obj)]);
    for (const id of [...s.list]) yield* bpfSelemUnlinkNofail(k, actor, k.localStorages.selem(id), null);
    yield step('refcount_dec_and_test(&local_storage->owner_refcnt)', [wr(s.obj)]);
    s.ownerRefcnt--;
    const until = { kind: 'until', what: 'owner_refcnt is 0', isReady: () => s.ownerRefcnt === 0 } as const;
    if (s.ownerRefcnt !== 0)
      yield step('while (refcount_read(&owner_refcnt)) cpu_relax()', [rd(s.obj)], until);
    return;
  }
  yield* lockAcquire(k, actor, s.lock, [wr(s.obj), wr(ownerObjOf(k, s))]);
  const freeList: Selem[] = [];
  let isFreeStorage = false;
  for (const id of [...s.list]) {
    const sel = k.localStorages.selem(id);
    const smap = smapOf(k, sel.map);
    const b = smap.buckets[sel.bucket]!;
    yield step('bpf_selem_unlink_map', [rd(b.obj), wr(s.obj), wr(ownerObjOf(k, s))]);
    k.memory.use(smap.obj, `${actor.name} bpf_local_storage_destroy: smap`);
    if (sel.isInMap) {
      yield* lockAcquire(k, actor, b.lock, [wr(b.obj)]);
      if (sel.isInMap) unlinkMapNolock(b, sel);
      yield* lockRelease(k, actor, b.lock, [wr(s.obj), wr(ownerObjOf(k, s))]);
    }
    isFreeStorage = yield* bpfSelemUnlinkStorageNolock(k, actor, s, sel, freeList);
  }
  yield* lockRelease(k, actor, s.lock, callRcu(k));
  bpfSelemFreeList(k, actor, freeList, true);
  if (isFreeStorage) bpfLocalStorageFree(k, actor, s, true);
}

/**
 * E3 bpf_selem_unlink_nofail(selem, b): unlink from the bucket (`bucket` given by
 * map_free, else select_bucket) and from the owner, each under its rqspinlock.
 * A side that could not do both marks its SELEM_*_UNLINKED bit; the element is
 * freed by whoever did both, or by whoever moves UNLINKED → TOFREE.
 */
export function* bpfSelemUnlinkNofail(k: Kernel, actor: Actor, sel: Selem, bucket: number | null): Op<void> {
  const isMapFree = bucket !== null;
  const home = k.localStorages.storage(sel.home!);
  yield step('bpf_selem_unlink_nofail', [rd(sel.obj), rd(home.obj)]);
  k.memory.use(sel.obj, `${actor.name} bpf_selem_unlink_nofail`);
  sel.nofailInFlight++;
  const smapId = sel.smap;
  const sid = sel.storage;
  let unlinked = 0;
  if (smapId !== null) {
    const b = smapOf(k, smapId).buckets[bucket ?? sel.bucket]!;
    const r = yield* storageLock(k, actor, b.lock, [wr(b.obj), wr(home.obj)]);
    if (r.ok && sel.isInMap) {
      unlinkMapNolock(b, sel);
      unlinked++;
    }
    if (r.ok) yield* storageUnlock(k, actor, b.lock, [wr(home.obj)]);
    if (r.ok || isMapFree) sel.smap = null;
  }
  let isFreeStorage = false;
  if (sid !== null) {
    const s = k.localStorages.storage(sid);
    const r = yield* storageLock(k, actor, s.lock, [wr(s.obj), wr(ownerObjOf(k, s))]);
    if (r.ok && sel.isInStorage) {
      isFreeStorage = s.list.length === 1;
      if (smapId !== null && isMapFree) yield* bpfSelemUnlinkStorageNolock(k, actor, s, sel, [], true);
      else unlinkSnode(k, actor, s, sel);
      unlinked++;
    }
    if (r.ok) yield* storageUnlock(k, actor, s.lock, [wr(s.obj)]);
    if (r.ok || !isMapFree) sel.storage = null;
  }
  yield step('bpf_selem_unlink_nofail: free', [wr(home.obj), ...callRcu(k)]);
  sel.nofailInFlight--;
  if (unlinked !== 2) sel.state |= isMapFree ? SELEM_MAP_UNLINKED : SELEM_STORAGE_UNLINKED;
  if (unlinked === 2 || sel.state === SELEM_UNLINKED) {
    if (unlinked !== 2) sel.state = SELEM_TOFREE;
    bpfSelemFree(k, actor, sel, true);
  }
  if (isFreeStorage && sid !== null) bpfLocalStorageFree(k, actor, k.localStorages.storage(sid), true);
}

/**
 * Models bpf_local_storage_map_free() for a cgrp_storage map: synchronize_rcu,
 * unlink every element bucket by bucket under rcu_read_lock, synchronize_rcu.
 * E1/E2 unlink with bpf_selem_unlink(selem, true), holding this CPU's busy counter
 * when `isBusyGuarded` (c78f4afbd962); E3 uses bpf_selem_unlink_nofail and then
 * waits for pending free callbacks (rcu_barrier_tasks_trace, rcu_barrier).
 */
export function* bpfLocalStorageMapFree(
  k: Kernel,
  actor: Actor,
  smap: LocalStorageMap,
  isBusyGuarded: boolean,
): Op<void> {
  yield* synchronizeRcu(k, actor);
  for (let i = 0; i < smap.buckets.length; i++) {
    const b = smap.buckets[i]!;
    yield step(`rcu_read_lock; walk bucket ${i}`, [rmw(k.rcuOpenObj), rd(b.obj)]);
    k.rcu.readLock(actor.id);
    if (k.era === 'E3' && k.options.hasUnlinkWithoutHandshakeBug) {
      yield* unlinkBucketWithoutHandshake(k, actor, b);
    } else if (k.era === 'E3') {
      for (const id of [...b.list]) yield* bpfSelemUnlinkNofail(k, actor, k.localStorages.selem(id), i);
    } else {
      yield* unlinkBucketE12(k, actor, b, isBusyGuarded);
    }
    yield step('rcu_read_unlock', [rmw(k.rcuCloseObj)]);
    k.rcu.readUnlock(actor.id);
  }
  yield* synchronizeRcu(k, actor);
  if (k.era === 'E3') {
    yield* rcuBarrier(k, actor, 'tasks_trace');
    yield* rcuBarrier(k, actor, 'rcu');
  }
  yield step(`bpf_map_area_free(${smap.name})`, [wr(smap.obj)]);
  k.memory.free(smap.obj, `${actor.name} bpf_local_storage_map_free`);
}

/** E1/E2: while the bucket has a first element, bpf_selem_unlink(selem, true); cond_resched_rcu. */
function* unlinkBucketE12(k: Kernel, actor: Actor, b: Bucket, isBusyGuarded: boolean): Op<void> {
  for (;;) {
    const first = b.list[0];
    if (first === undefined) return;
    const sel = k.localStorages.selem(first);
    if (isBusyGuarded) yield* busyLock(k, actor);
    yield* bpfSelemUnlinkE12(k, actor, sel, true);
    if (isBusyGuarded) yield* busyUnlock(k, actor);
    yield step('cond_resched_rcu; hlist_first_rcu(&b->list)', [
      rmw(k.rcuCloseObj),
      rmw(k.rcuOpenObj),
      rd(b.obj),
    ]);
    k.rcu.readUnlock(actor.id);
    k.rcu.readLock(actor.id);
  }
}

/**
 * E3 destroy before the handshake (hasUnlinkWithoutHandshakeBug, pre-5d800f87d0a5):
 * the owner lock, then per element bpf_selem_unlink_map() under its bucket lock and
 * the owner-list unlink. A failed rqspinlock is only warned about (WARN_ON_ONCE, the
 * RFC series' handling that Alexei Starovoitov objected to and the
 * bpf_selem_unlink_nofail() handshake replaced): a failed owner lock leaks the whole
 * storage; a failed bucket lock frees an element that is still in its bucket.
 */
function* destroyWithoutHandshake(k: Kernel, actor: Actor, s: LocalStorage): Op<void> {
  const r = yield* storageLock(k, actor, s.lock, [wr(s.obj), wr(ownerObjOf(k, s))]);
  s.ownerRefcnt--; // no owner_refcnt before the fix: nothing pins the owner, nothing to wait for
  if (!r.ok) return;
  const freeList: Selem[] = [];
  let isFreeStorage = false;
  for (const id of [...s.list]) {
    const sel = k.localStorages.selem(id);
    const b = smapOf(k, sel.map).buckets[sel.bucket]!;
    const rb = yield* storageLock(k, actor, b.lock, [wr(b.obj), wr(s.obj), wr(ownerObjOf(k, s))]);
    if (rb.ok) {
      if (sel.isInMap) unlinkMapNolock(b, sel);
      yield* storageUnlock(k, actor, b.lock, [wr(s.obj), wr(ownerObjOf(k, s))]);
    }
    isFreeStorage = yield* bpfSelemUnlinkStorageNolock(k, actor, s, sel, freeList);
  }
  yield* storageUnlock(k, actor, s.lock, callRcu(k));
  bpfSelemFreeList(k, actor, freeList, true);
  if (isFreeStorage) bpfLocalStorageFree(k, actor, s, true);
}

/**
 * E3 map_free of one bucket before the handshake: bpf_selem_unlink() (owner lock,
 * then bucket lock) on each element; an element whose unlink failed (warned about)
 * stays linked, and one that destroy already took off its owner list is skipped by
 * the lockless selem_linked_to_storage check and stays in the bucket.
 */
function* unlinkBucketWithoutHandshake(k: Kernel, actor: Actor, b: Bucket): Op<void> {
  for (const id of [...b.list]) yield* bpfSelemUnlinkE3(k, actor, k.localStorages.selem(id));
}
