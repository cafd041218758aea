/**
 * BPF local storage for cgroup owners (kernel/bpf/bpf_local_storage.c,
 * include/linux/bpf_local_storage.h): element and storage allocation and free,
 * lookup with the per-owner cache, link and unlink. Update lives in
 * localStorageUpdate.ts, teardown (destroy, map_free) in localStorageTeardown.ts.
 * Footprints follow the convention in localStorageState.ts.
 */
import { EEXIST, ENOENT, type Errno, OK0, type Result } from '../core/errno.js';
import type { CgroupId, MapId, ObjId } from '../core/ids.js';
import { valueSlots } from '../core/map.js';
import { type Op, rd, StepCache, step, wr } from '../core/step.js';
import { type Actor, fireHook, isHooked, type Kernel } from '../kernel/kernel.js';
import { lockAcquire, lockRelease } from '../sync/locks.js';
import { callRcu } from '../sync/rcuWorker.js';
import { hookPoint, isAllocFailing, storageLock, storageUnlock } from './localStorageLock.js';
import type { Bucket, LocalStorage, LocalStorageMap, Selem } from './localStorageState.js';

/** BPF_ANY / BPF_NOEXIST / BPF_EXIST / BPF_F_LOCK (include/uapi/linux/bpf.h). */
export const BPF_ANY = 0;
export const BPF_NOEXIST = 1;
export const BPF_EXIST = 2;
export const BPF_F_LOCK = 4;

/** The record of a BPF_MAP_TYPE_CGRP_STORAGE map; throws for another map (a model bug). */
export function smapOf(k: Kernel, map: MapId): LocalStorageMap {
  const m = k.maps.get(map);
  if (m === undefined || m.type !== 'cgrp_storage') throw new Error(`map ${map} is not a cgrp_storage map`);
  return m as LocalStorageMap;
}

/** hash_ptr(key, bucket_log) (include/linux/hash.h, hash_32's golden-ratio multiply). */
export function selectBucket(smap: LocalStorageMap, key: ObjId): number {
  const bits = Math.log2(smap.buckets.length);
  return (Math.imul(key, 0x61c88647) >>> 0) >>> (32 - bits);
}

/** copy_map_value(): copies every slot but the bpf_spin_lock one. */
export function copyMapValue(smap: LocalStorageMap, dst: number[], src: readonly number[]): void {
  for (let i = 0; i < dst.length; i++) if (i !== smap.spinLockSlot) dst[i] = src[i] ?? 0;
}

/** check_flags() (bpf_local_storage.c): NOEXIST on an element → -EEXIST, EXIST on none → -ENOENT. */
export function checkFlags(old: ObjId | null, mapFlags: number): Errno | 0 {
  const f = mapFlags & ~BPF_F_LOCK;
  if (old !== null && f === BPF_NOEXIST) return EEXIST;
  if (old === null && f === BPF_EXIST) return ENOENT;
  return 0;
}

/**
 * bpf_selem_alloc(): a zeroed element, or a copy of `value` (copy_map_value); null on
 * -ENOMEM. It is private to the caller until linked, so no step is needed.
 */
export function bpfSelemAlloc(
  k: Kernel,
  actor: Actor,
  smap: LocalStorageMap,
  cg: CgroupId,
  value: readonly number[] | undefined,
): Selem | null {
  if (isAllocFailing(k)) return null;
  const obj = k.allocObjId(actor);
  const data = new Array<number>(valueSlots(smap.valueSize)).fill(0);
  if (value !== undefined) copyMapValue(smap, data, value);
  k.memory.alloc(obj, 'selem', `selem ${smap.name}/${k.cgroups.get(cg).name}`, data);
  const spinLock = smap.spinLockSlot === undefined ? null : k.allocObjId(actor);
  if (spinLock !== null) k.locks.create(spinLock, 'value_spin_lock', `bpf_spin_lock of selem ${obj}`);
  // One plain literal: V8 builds a literal made of spreads thousands of times slower.
  const sel: Selem = {
    obj,
    map: smap.id,
    cgroup: cg,
    smap: smap.id,
    storage: null,
    home: null,
    isInStorage: false,
    isInMap: false,
    bucket: -1,
    state: 0,
    nofailInFlight: 0,
    spinLock,
  };
  k.localStorages.selems.set(obj, sel);
  return sel;
}

/**
 * bpf_selem_free(): kfree after a plain RCU grace period (reuse_now) or an
 * RCU-tasks-trace one. In E3 the callback reads sdata.smap (bpf_obj_free_fields)
 * unless bpf_selem_unlink_nofail cleared it, which is why map_free needs rcu_barrier.
 * The calling step declares callRcu(k) (rcuWorker.ts).
 */
export function bpfSelemFree(k: Kernel, actor: Actor, sel: Selem, reuseNow: boolean): void {
  const mapObj = smapOf(k, sel.map).obj;
  const run = (): void => {
    if (k.era === 'E3' && sel.smap !== null) k.memory.use(mapObj, 'bpf_selem_free_rcu: smap->map.record');
    k.memory.free(sel.obj, `${actor.name} bpf_selem_free`);
  };
  k.rcu.call(`bpf_selem_free(${sel.obj})`, reuseNow ? 'rcu' : 'tasks_trace', run, [sel.obj, mapObj]);
}

/** bpf_local_storage_free(): kfree_rcu (reuse_now) or after RCU tasks trace. Step declares callRcu(k). */
export function bpfLocalStorageFree(k: Kernel, actor: Actor, s: LocalStorage, reuseNow: boolean): void {
  const run = (): void => k.memory.free(s.obj, `${actor.name} bpf_local_storage_free`);
  k.rcu.call(`bpf_local_storage_free(${s.obj})`, reuseNow ? 'rcu' : 'tasks_trace', run, [s.obj]);
}

/** hlist_add_head_rcu(&selem->snode, &local_storage->list) (bpf_selem_link_storage_nolock). */
export function linkStorageNolock(s: LocalStorage, sel: Selem): void {
  sel.storage = s.obj;
  sel.home ??= s.obj;
  s.list.unshift(sel.obj);
  sel.isInStorage = true;
}

/** hlist_add_head_rcu(&selem->map_node, &b->list) (bpf_selem_link_map_nolock). */
export function linkMapNolock(smap: LocalStorageMap, bucket: number, sel: Selem): void {
  smap.buckets[bucket]!.list.unshift(sel.obj);
  sel.bucket = bucket;
  sel.isInMap = true;
}

/** hlist_del_init_rcu(&selem->map_node) (bpf_selem_unlink_map_nolock). */
export function unlinkMapNolock(b: Bucket, sel: Selem): void {
  b.list.splice(b.list.indexOf(sel.obj), 1);
  sel.isInMap = false;
}

/** The bucket an element is (or was) linked to. */
export function bucketOf(k: Kernel, sel: Selem): Bucket {
  return smapOf(k, sel.map).buckets[sel.bucket]!;
}

/** The abstract id of the cgroup field that points at storage `s`. */
export function ownerObjOf(k: Kernel, s: LocalStorage): ObjId {
  return k.cgroups.get(s.cgroup).obj;
}

/**
 * bpf_selem_unlink_storage_nolock() (and, in E3, _misc with `isPinOwner` from
 * bpf_selem_unlink_nofail): under the owner lock, clear the cache slot; the last
 * element also clears local_storage->owner and the cgroup's pointer through
 * owner_storage() → cgroup_storage_ptr(), a hook point (historical bug #3). Then
 * unlink snode. Returns whether the storage must be freed. The enclosing step
 * declares wr(storage obj) and wr(ownerObjOf(storage)).
 */
export function* bpfSelemUnlinkStorageNolock(
  k: Kernel,
  actor: Actor,
  s: LocalStorage,
  sel: Selem,
  freeList: Selem[],
  isPinOwner = false,
): Op<boolean> {
  const isLast = s.list.length === 1 && s.list[0] === sel.obj;
  const idx = smapOf(k, sel.map).cacheIdx;
  if (s.cache[idx] === sel.obj) s.cache[idx] = null;
  const isPinned = isPinOwner && s.ownerRefcnt > 0; // refcount_inc_not_zero(&owner_refcnt)
  if (isLast && s.owner !== null && (isPinned || !isPinOwner)) {
    if (isPinned) s.ownerRefcnt++;
    const owner = k.cgroups.get(s.owner);
    s.owner = null;
    yield* hookPoint(k, actor, 'fentry/cgroup_storage_ptr', [wr(s.obj), wr(owner.obj)], { cgroup: owner.id });
    k.memory.use(owner.obj, `${actor.name} RCU_INIT_POINTER(cgrp->bpf_cgrp_storage, NULL)`);
    owner.bpfCgrpStorage = null;
    if (isPinned) s.ownerRefcnt--;
  }
  unlinkSnode(k, actor, s, sel);
  freeList.push(sel);
  return isLast;
}

/** hlist_del_init_rcu(&selem->snode): the element leaves its owner's list. */
export function unlinkSnode(k: Kernel, actor: Actor, s: LocalStorage, sel: Selem): void {
  s.list.splice(s.list.indexOf(sel.obj), 1);
  sel.isInStorage = false;
  k.observe({ kind: 'selem-unlink', actor: actor.id, obj: sel.obj, map: sel.map, cgroup: sel.cgroup });
}

/** Queues every element of `freeList` for bpf_selem_free. The step declares callRcu(k). */
export function bpfSelemFreeList(
  k: Kernel,
  actor: Actor,
  freeList: readonly Selem[],
  reuseNow: boolean,
): void {
  for (const sel of freeList) bpfSelemFree(k, actor, sel, reuseNow);
}

const LOOKUP_HOOK = 'fentry/bpf_local_storage_lookup';
const INSERT_CACHE_HOOK = 'fentry/__bpf_local_storage_insert_cache';
const LOOKUP = new StepCache('read', (map) => `bpf_local_storage_lookup(${map})`);
const RCU_DEREFERENCE = new StepCache('read', (cgroup) => `rcu_dereference(${cgroup}->bpf_cgrp_storage)`);

/**
 * The inline bpf_local_storage_lookup() (out of line, and so traceable, before
 * 6.9: E1): cache slot first, then the list; a list hit fills the cache when
 * `isCacheit` (__bpf_local_storage_insert_cache).
 */
export function* bpfLocalStorageLookup(
  k: Kernel,
  actor: Actor,
  s: LocalStorage,
  smap: LocalStorageMap,
  isCacheit: boolean,
): Op<ObjId | null> {
  if (k.era === 'E1' && isHooked(k, LOOKUP_HOOK)) yield* fireHook(k, LOOKUP_HOOK, actor);
  yield LOOKUP.get(smap.name, s.obj);
  const cached = s.cache[smap.cacheIdx] ?? null;
  const found = lookupNolock(k, actor, s, smap);
  if (found !== null && found !== cached && isCacheit)
    yield* bpfLocalStorageInsertCache(k, actor, s, smap, found);
  return found;
}

/**
 * The body of bpf_local_storage_lookup() without the cache fill, for code inside a
 * step that reads the storage: cache slot (if its smap matches), else the list walk.
 */
export function lookupNolock(k: Kernel, actor: Actor, s: LocalStorage, smap: LocalStorageMap): ObjId | null {
  const by = `${actor.name} bpf_local_storage_lookup`;
  k.memory.use(s.obj, by);
  const cached = s.cache[smap.cacheIdx] ?? null;
  if (cached !== null && k.memory.use(cached, by) && k.localStorages.selem(cached).smap === smap.id)
    return cached;
  for (const id of s.list) {
    k.memory.use(id, by);
    if (k.localStorages.selem(id).smap === smap.id) return id;
  }
  return null;
}

/**
 * __bpf_local_storage_insert_cache(): under the owner lock, publish a still-linked
 * element in this map's cache slot. E3: a lock error skips the fill silently.
 * Out of line (a hook point) since 6.9.
 */
function* bpfLocalStorageInsertCache(
  k: Kernel,
  actor: Actor,
  s: LocalStorage,
  smap: LocalStorageMap,
  found: ObjId,
): Op<void> {
  if (k.era !== 'E1' && isHooked(k, INSERT_CACHE_HOOK)) yield* fireHook(k, INSERT_CACHE_HOOK, actor);
  const r = yield* storageLock(k, actor, s.lock, [wr(s.obj)]);
  if (!r.ok) return;
  if (k.localStorages.selem(found).isInStorage) s.cache[smap.cacheIdx] = found;
  yield* storageUnlock(k, actor, s.lock);
}

/**
 * cgroup_storage_lookup() (bpf_cgrp_storage.c): reads cgroup->bpf_cgrp_storage,
 * then bpf_local_storage_lookup(). Returns the element or null.
 */
export function* cgroupStorageLookup(
  k: Kernel,
  actor: Actor,
  smap: LocalStorageMap,
  cg: CgroupId,
  isCacheit: boolean,
): Op<ObjId | null> {
  const c = k.cgroups.get(cg);
  yield RCU_DEREFERENCE.get(c.name, c.obj);
  k.memory.use(c.obj, `${actor.name} cgroup_storage_lookup`);
  if (c.bpfCgrpStorage === null) return null;
  return yield* bpfLocalStorageLookup(k, actor, k.localStorages.storage(c.bpfCgrpStorage), smap, isCacheit);
}

/**
 * E1/E2 bpf_selem_unlink(selem, reuse_now): bpf_selem_unlink_map under the bucket
 * lock, then bpf_selem_unlink_storage under the owner lock; each side checks the
 * element is still linked, so a racing second unlink does nothing.
 */
export function* bpfSelemUnlinkE12(k: Kernel, actor: Actor, sel: Selem, reuseNow: boolean): Op<void> {
  const b = bucketOf(k, sel);
  yield step('selem_linked_to_map_lockless', [rd(b.obj)]);
  k.memory.use(sel.obj, `${actor.name} bpf_selem_unlink_map`);
  if (sel.isInMap) {
    yield* lockAcquire(k, actor, b.lock, [wr(b.obj)]);
    if (sel.isInMap) unlinkMapNolock(b, sel);
    yield* lockRelease(k, actor, b.lock);
  }
  const s = k.localStorages.storage(sel.home!);
  yield step('selem_linked_to_storage_lockless', [rd(s.obj)]);
  k.memory.use(s.obj, `${actor.name} bpf_selem_unlink_storage`);
  if (!sel.isInStorage) return;
  yield* lockAcquire(k, actor, s.lock, [wr(s.obj), wr(ownerObjOf(k, s))]);
  const freeList: Selem[] = [];
  const isFreeStorage = sel.isInStorage && (yield* bpfSelemUnlinkStorageNolock(k, actor, s, sel, freeList));
  yield* lockRelease(k, actor, s.lock, callRcu(k));
  bpfSelemFreeList(k, actor, freeList, reuseNow);
  if (isFreeStorage) bpfLocalStorageFree(k, actor, s, reuseNow);
}

/**
 * E3 bpf_selem_unlink(selem) (rqspinlock series, db975debcb8c): owner lock, then
 * bucket lock; either may fail and the error is returned. Frees with reuse_now=false.
 */
export function* bpfSelemUnlinkE3(k: Kernel, actor: Actor, sel: Selem): Op<Result<0>> {
  const s = k.localStorages.storage(sel.home!);
  yield step('selem_linked_to_storage_lockless', [rd(s.obj)]);
  k.memory.use(sel.obj, `${actor.name} bpf_selem_unlink`);
  if (!sel.isInStorage) return OK0;
  const r = yield* storageLock(k, actor, s.lock, [wr(s.obj)]);
  if (!r.ok) return r;
  let res: Result<0> = OK0;
  const freeList: Selem[] = [];
  let isFreeStorage = false;
  if (sel.isInStorage) {
    const b = bucketOf(k, sel);
    res = yield* storageLock(k, actor, b.lock, [wr(b.obj)]);
    if (res.ok) {
      unlinkMapNolock(b, sel);
      yield* storageUnlock(k, actor, b.lock, [wr(s.obj), wr(ownerObjOf(k, s))]);
      isFreeStorage = yield* bpfSelemUnlinkStorageNolock(k, actor, s, sel, freeList);
    }
  }
  yield* storageUnlock(k, actor, s.lock, callRcu(k));
  bpfSelemFreeList(k, actor, freeList, false);
  if (isFreeStorage) bpfLocalStorageFree(k, actor, s, false);
  return res;
}
