/**
 * bpf_local_storage_update() and bpf_local_storage_alloc()
 * (kernel/bpf/bpf_local_storage.c), per era. E1/E2 take raw spinlocks and link a
 * new element into the bucket of hash_ptr(selem); E3 takes rqspinlocks, which can
 * fail, and uses the bucket of hash_ptr(local_storage), nested in the owner lock.
 */
import { EAGAIN, EINVAL, ENOMEM, err, OK0, ok, type Result } from '../core/errno.js';
import type { CgroupId, ObjId } from '../core/ids.js';
import { type Op, rd, step, wr } from '../core/step.js';
import { type Actor, fireHook, isHooked, type Kernel } from '../kernel/kernel.js';
import { lockAcquire, lockRelease } from '../sync/locks.js';
import { callRcu } from '../sync/rcuWorker.js';
import {
  BPF_EXIST,
  BPF_F_LOCK,
  BPF_NOEXIST,
  bpfLocalStorageFree,
  bpfLocalStorageLookup,
  bpfSelemAlloc,
  bpfSelemFree,
  bpfSelemFreeList,
  bpfSelemUnlinkStorageNolock,
  bucketOf,
  checkFlags,
  copyMapValue,
  linkMapNolock,
  linkStorageNolock,
  lookupNolock,
  ownerObjOf,
  selectBucket,
  unlinkMapNolock,
} from './localStorage.js';
import { isAllocFailing, storageLock, storageUnlock } from './localStorageLock.js';
import {
  BPF_LOCAL_STORAGE_CACHE_SIZE,
  type LocalStorage,
  type LocalStorageMap,
  type Selem,
} from './localStorageState.js';

/** Who asks bpf_local_storage_update() for a new element, for its 'selem-create' observation. */
export interface CreateOrigin {
  readonly path: 'helper' | 'syscall';
  /** What the helper's percpu_ref_is_dying() check read; null for the syscall path. */
  readonly sawDying: boolean | null;
}

const SYSCALL_ORIGIN: CreateOrigin = { path: 'syscall', sawDying: null };

/** Records that `sel` is published on its owner's list, replacing `old` (or creating). */
function observeCreate(k: Kernel, actor: Actor, sel: Selem, old: ObjId | null, origin: CreateOrigin): void {
  k.observe({
    kind: 'selem-create',
    actor: actor.id,
    obj: sel.obj,
    map: sel.map,
    cgroup: sel.cgroup,
    value: [...(k.memory.get(sel.obj).data ?? [])],
    replaces: old,
    ...origin,
  });
}

/**
 * Models bpf_local_storage_update(owner, smap, value, map_flags): bad flags →
 * -EINVAL; the first element creates the owner storage; otherwise, under the owner
 * lock, NOEXIST/EXIST are checked, F_LOCK copies in place, and anything else links
 * a new element at the head of both lists and unlinks the old one (freed after an
 * RCU-tasks-trace grace period). A hook point at entry. A new element is recorded
 * as a 'selem-create' observation naming `origin`.
 */
export function* bpfLocalStorageUpdate(
  k: Kernel,
  actor: Actor,
  smap: LocalStorageMap,
  cg: CgroupId,
  value: readonly number[] | undefined,
  mapFlags: number,
  origin: CreateOrigin = SYSCALL_ORIGIN,
): Op<Result<ObjId>> {
  if (isHooked(k, 'fentry/bpf_local_storage_update'))
    yield* fireHook(k, 'fentry/bpf_local_storage_update', actor);
  const isLock = (mapFlags & BPF_F_LOCK) !== 0;
  if ((mapFlags & ~BPF_F_LOCK) > BPF_EXIST || (isLock && smap.spinLockSlot === undefined)) return err(EINVAL);
  const c = k.cgroups.get(cg);
  yield step(`rcu_dereference(${c.name}->bpf_cgrp_storage)`, [rd(c.obj)]);
  k.memory.use(c.obj, `${actor.name} bpf_local_storage_update`);
  const s = c.bpfCgrpStorage === null ? null : k.localStorages.storage(c.bpfCgrpStorage);
  if (s !== null) {
    yield step('hlist_empty(&local_storage->list)', [rd(s.obj)]);
    k.memory.use(s.obj, `${actor.name} bpf_local_storage_update`);
  }
  if (s === null || s.list.length === 0)
    return yield* updateFirst(k, actor, smap, cg, value, mapFlags, origin);
  if (isLock && (mapFlags & BPF_NOEXIST) === 0) {
    // Hoping to find an element to update in place without the owner lock.
    const old = yield* bpfLocalStorageLookup(k, actor, s, smap, false);
    const e = checkFlags(old, mapFlags);
    if (e !== 0) return err(e);
    if (old !== null && k.localStorages.selem(old).isInStorage) {
      yield* copyMapValueLocked(k, actor, smap, old, value);
      return ok(old);
    }
  }
  return yield* updateLocked(k, actor, smap, s, cg, value, mapFlags, origin);
}

/** copy_map_value_locked(): copies `value` into the element under its bpf_spin_lock. */
export function* copyMapValueLocked(
  k: Kernel,
  actor: Actor,
  smap: LocalStorageMap,
  elem: ObjId,
  value: readonly number[] | undefined,
): Op<void> {
  const sel = k.localStorages.selem(elem);
  yield* lockAcquire(k, actor, sel.spinLock!, [wr(sel.obj)]);
  k.memory.use(sel.obj, `${actor.name} copy_map_value_locked`);
  copyMapValue(smap, k.memory.get(sel.obj).data!, value ?? []);
  yield* lockRelease(k, actor, sel.spinLock!);
}

/** The "very first elem for the owner" branch: bpf_selem_alloc + bpf_local_storage_alloc. */
function* updateFirst(
  k: Kernel,
  actor: Actor,
  smap: LocalStorageMap,
  cg: CgroupId,
  value: readonly number[] | undefined,
  mapFlags: number,
  origin: CreateOrigin,
): Op<Result<ObjId>> {
  const e = checkFlags(null, mapFlags);
  if (e !== 0) return err(e);
  const sel = bpfSelemAlloc(k, actor, smap, cg, value);
  if (sel === null) return err(ENOMEM);
  const s = isAllocFailing(k) ? null : allocStorage(k, actor, cg);
  const r: Result<0> = s === null ? err(ENOMEM) : yield* publishStorage(k, actor, smap, cg, s, sel);
  if (r.ok) {
    observeCreate(k, actor, sel, null, origin);
    return ok(sel.obj);
  }
  yield step('bpf_local_storage_alloc: uncharge', callRcu(k));
  if (s !== null) bpfLocalStorageFree(k, actor, s, true);
  bpfSelemFree(k, actor, sel, true);
  return r;
}

/** A new, private struct bpf_local_storage for `cg` (kzalloc + raw_(res_)spin_lock_init). */
function allocStorage(k: Kernel, actor: Actor, cg: CgroupId): LocalStorage {
  const obj = k.allocObjId(actor);
  const lock = k.allocObjId(actor);
  const name = k.cgroups.get(cg).name;
  k.memory.alloc(obj, 'local_storage', `bpf_local_storage of ${name}`);
  k.locks.create(lock, 'owner', `owner lock of ${name} (${obj})`);
  const s: LocalStorage = {
    obj,
    lock,
    cgroup: cg,
    owner: cg,
    list: [],
    cache: new Array<ObjId | null>(BPF_LOCAL_STORAGE_CACHE_SIZE).fill(null),
    ownerRefcnt: 1,
  };
  k.localStorages.storages.set(obj, s);
  return s;
}

/**
 * The rest of bpf_local_storage_alloc(): link the first element, then publish the
 * storage with cmpxchg(&cgrp->bpf_cgrp_storage, NULL, storage); losing that race
 * unlinks the element again → -EAGAIN. E1/E2 link under the selem's bucket lock and
 * cmpxchg after it; E3 does both under the storage's bucket lock, which may fail.
 */
function* publishStorage(
  k: Kernel,
  actor: Actor,
  smap: LocalStorageMap,
  cg: CgroupId,
  s: LocalStorage,
  sel: Selem,
): Op<Result<0>> {
  const c = k.cgroups.get(cg);
  linkStorageNolock(s, sel);
  const bi = selectBucket(smap, k.era === 'E3' ? s.obj : sel.obj);
  const b = smap.buckets[bi]!;
  if (k.era === 'E3') {
    const r = yield* storageLock(k, actor, b.lock, [wr(b.obj), wr(c.obj)]);
    if (!r.ok) return r;
  } else {
    yield* lockAcquire(k, actor, b.lock, [wr(b.obj)]);
  }
  linkMapNolock(smap, bi, sel);
  if (k.era !== 'E3') yield* lockRelease(k, actor, b.lock, [wr(c.obj)]);
  k.memory.use(c.obj, `${actor.name} bpf_local_storage_alloc: cmpxchg`);
  const isRaced = c.bpfCgrpStorage !== null;
  if (!isRaced) c.bpfCgrpStorage = s.obj;
  if (isRaced && k.era !== 'E3') yield* lockAcquire(k, actor, b.lock, [wr(b.obj)]);
  if (isRaced) unlinkMapNolock(b, sel);
  if (isRaced || k.era === 'E3') yield* storageUnlock(k, actor, b.lock);
  return isRaced ? err(EAGAIN) : OK0;
}

/** The owner-lock branch of bpf_local_storage_update() for an owner that has elements. */
function* updateLocked(
  k: Kernel,
  actor: Actor,
  smap: LocalStorageMap,
  s: LocalStorage,
  cg: CgroupId,
  value: readonly number[] | undefined,
  mapFlags: number,
  origin: CreateOrigin,
): Op<Result<ObjId>> {
  const sel = bpfSelemAlloc(k, actor, smap, cg, value);
  if (sel === null) return err(ENOMEM);
  // Only an E3 rqspinlock can fail here, and only its failure frees `sel` (call_rcu).
  const r = yield* storageLock(k, actor, s.lock, k.era === 'E3' ? [wr(s.obj), ...callRcu(k)] : [wr(s.obj)]);
  if (!r.ok) {
    bpfSelemFree(k, actor, sel, true);
    return r;
  }
  const freeList: Selem[] = [];
  const res = yield* updateUnderLock(k, actor, smap, s, sel, value, mapFlags, freeList, origin);
  const isFreeing = freeList.length > 0 || !res.ok || res.value !== sel.obj;
  yield* storageUnlock(k, actor, s.lock, isFreeing ? callRcu(k) : []);
  bpfSelemFreeList(k, actor, freeList, false);
  if (!res.ok || res.value !== sel.obj) bpfSelemFree(k, actor, sel, true);
  return res;
}

function* updateUnderLock(
  k: Kernel,
  actor: Actor,
  smap: LocalStorageMap,
  s: LocalStorage,
  sel: Selem,
  value: readonly number[] | undefined,
  mapFlags: number,
  freeList: Selem[],
  origin: CreateOrigin,
): Op<Result<ObjId>> {
  // A parallel delete emptied the list: "return instead of retry".
  if (s.list.length === 0) return err(EAGAIN);
  const old = lookupNolock(k, actor, s, smap);
  const e = checkFlags(old, mapFlags);
  if (e !== 0) return err(e);
  if (old !== null && (mapFlags & BPF_F_LOCK) !== 0) {
    yield* copyMapValueLocked(k, actor, smap, old, value);
    return ok(old);
  }
  const r = yield* linkReplacing(
    k,
    actor,
    smap,
    s,
    sel,
    old === null ? null : k.localStorages.selem(old),
    freeList,
  );
  if (!r.ok) return r;
  observeCreate(k, actor, sel, old, origin);
  return ok(sel.obj);
}

/**
 * Under the owner lock: link the new element to the map, then to the owner list
 * (publishing it), then unlink the old one from both. E1/E2 take each element's
 * bucket lock in turn (bpf_selem_link_map / bpf_selem_unlink_map); E3 holds the
 * storage's one bucket lock around all of it.
 */
function* linkReplacing(
  k: Kernel,
  actor: Actor,
  smap: LocalStorageMap,
  s: LocalStorage,
  sel: Selem,
  old: Selem | null,
  freeList: Selem[],
): Op<Result<0>> {
  const ownerObj = ownerObjOf(k, s);
  const bi = selectBucket(smap, k.era === 'E3' ? s.obj : sel.obj);
  const b = smap.buckets[bi]!;
  const after = [wr(s.obj), wr(ownerObj), ...(old === null ? [] : [rd(bucketOf(k, old).obj)])];
  if (k.era === 'E3') {
    const r = yield* storageLock(k, actor, b.lock, [wr(b.obj), ...after]);
    if (!r.ok) return r;
  } else {
    yield* lockAcquire(k, actor, b.lock, [wr(b.obj)]);
  }
  linkMapNolock(smap, bi, sel);
  if (k.era !== 'E3') yield* lockRelease(k, actor, b.lock, after);
  linkStorageNolock(s, sel);
  if (old !== null) {
    const ob = bucketOf(k, old);
    const isOldLocked = k.era !== 'E3' && old.isInMap; // selem_linked_to_map_lockless
    if (isOldLocked) yield* lockAcquire(k, actor, ob.lock, [wr(ob.obj)]);
    if (old.isInMap) unlinkMapNolock(ob, old);
    if (isOldLocked) yield* lockRelease(k, actor, ob.lock, [wr(s.obj), wr(ownerObj)]);
    yield* bpfSelemUnlinkStorageNolock(k, actor, s, old, freeList);
  }
  if (k.era === 'E3') yield* storageUnlock(k, actor, b.lock);
  return OK0;
}
