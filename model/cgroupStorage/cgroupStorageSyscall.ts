/**
 * bpf(2) map commands on the DEPRECATED cgroup storage maps (kernel/bpf/local_storage.c,
 * called from kernel/bpf/syscall.c under rcu_read_lock()). Userspace can read and
 * overwrite existing storages, never create or delete them.
 */

import { afterFirstStep } from '../cgrpStorage/cgrpStorage.js';
import { EINVAL, ENOENT, ENOMEM, err, OK0, ok, type Result } from '../core/errno.js';
import { asCgroupId, type MapId, type ObjId } from '../core/ids.js';
import { valueSlots } from '../core/map.js';
import { type Op, rd, step, wr } from '../core/step.js';
import type { Actor, Kernel } from '../kernel/kernel.js';
import { BPF_ANY, BPF_EXIST, BPF_F_LOCK } from '../localStorage/localStorage.js';
import { isAllocFailing } from '../localStorage/localStorageLock.js';
import { lockAcquire, lockRelease } from '../sync/locks.js';
import { callRcu, rcuReadLock, rcuReadUnlock } from '../sync/rcuWorker.js';
import {
  BPF_CGROUP_STORAGE_SHARED,
  type BpfCgroupStorage,
  type CgroupStorageKey,
  type CgroupStorageMap,
  cgroupStorageLookup,
  cgroupStorageMapOf,
  cgroupStorageType,
  findCgroupStorage,
  isAttachTypeIsolated,
  valueSpinLock,
} from './cgroupStorage.js';

/** Models map_lookup_elem → cgroup_storage_lookup_elem / bpf_percpu_cgroup_storage_copy (all CPUs, concatenated). */
export function cgroupStorageLookupElem(
  k: Kernel,
  actor: Actor,
  mapId: MapId,
  key: CgroupStorageKey,
  flags = 0,
): Op<Result<number[]>> {
  const map = cgroupStorageMapOf(k, mapId);
  return recorded(k, actor, 'BPF_MAP_LOOKUP_ELEM', map, key, flags, lookupElem(k, actor, map, key, flags));
}

function* lookupElem(
  k: Kernel,
  actor: Actor,
  map: CgroupStorageMap,
  key: CgroupStorageKey,
  flags: number,
): Op<Result<number[]>> {
  if (flags & ~BPF_F_LOCK || (flags & BPF_F_LOCK && map.spinLockSlot === undefined)) {
    yield step('bpf(BPF_MAP_LOOKUP_ELEM): bad flags');
    return err(EINVAL);
  }
  yield* rcuReadLock(k, actor);
  const storage = yield* cgroupStorageLookup(k, actor, map, key);
  const value = storage === undefined ? undefined : yield* copyStorageValue(k, actor, map, storage, flags);
  yield* rcuReadUnlock(k, actor);
  return value === undefined ? err(ENOENT) : ok(value);
}

function* copyStorageValue(
  k: Kernel,
  actor: Actor,
  map: CgroupStorageMap,
  storage: BpfCgroupStorage,
  flags: number,
): Op<number[]> {
  const by = `${actor.name}: bpf_map_copy_value`;
  if (cgroupStorageType(map) !== BPF_CGROUP_STORAGE_SHARED) {
    yield step('bpf_percpu_cgroup_storage_copy', storage.percpuBufs.map(rd));
    return storage.percpuBufs.flatMap((b) => {
      k.memory.use(b, by);
      return [...k.memory.get(b).data!];
    });
  }
  yield step('READ_ONCE(storage->buf)', [rd(storage.obj)]);
  const buf = storage.buf!;
  if (flags & BPF_F_LOCK) return yield* copyLocked(k, actor, map, buf, undefined);
  yield step('copy_map_value', [rd(buf)]);
  k.memory.use(buf, by);
  return [...k.memory.get(buf).data!];
}

/** copy_map_value_locked(): copies under the value's bpf_spin_lock; with `src`, into buf (skipping the lock). */
function* copyLocked(
  k: Kernel,
  actor: Actor,
  map: CgroupStorageMap,
  buf: ObjId,
  src: readonly number[] | undefined,
): Op<number[]> {
  const lockSlot = map.spinLockSlot!;
  const lock = valueSpinLock(k, buf, lockSlot);
  yield* lockAcquire(k, actor, lock, [src ? wr(buf) : rd(buf)]);
  k.memory.use(buf, `${actor.name}: copy_map_value_locked`);
  const data = k.memory.get(buf).data!;
  if (src !== undefined) for (let i = 0; i < data.length; i++) if (i !== lockSlot) data[i] = src[i] ?? 0;
  const copy = [...data];
  yield* lockRelease(k, actor, lock);
  return copy;
}

/**
 * Models map_update_elem → cgroup_storage_update_elem / bpf_percpu_cgroup_storage_update.
 * Without F_LOCK a new buffer replaces the old by xchg and the old is kfree_rcu'd, so
 * program writes through a pointer taken before the swap are lost.
 */
export function cgroupStorageUpdateElem(
  k: Kernel,
  actor: Actor,
  mapId: MapId,
  key: CgroupStorageKey,
  value: readonly number[],
  flags: number,
): Op<Result<0>> {
  const map = cgroupStorageMapOf(k, mapId);
  return recorded(
    k,
    actor,
    'BPF_MAP_UPDATE_ELEM',
    map,
    key,
    flags,
    updateElem(k, actor, map, key, value, flags),
  );
}

function* updateElem(
  k: Kernel,
  actor: Actor,
  map: CgroupStorageMap,
  key: CgroupStorageKey,
  value: readonly number[],
  flags: number,
): Op<Result<0>> {
  const isShared = cgroupStorageType(map) === BPF_CGROUP_STORAGE_SHARED;
  const isBadFlags = isShared
    ? flags & ~(BPF_F_LOCK | BPF_EXIST) || (flags & BPF_F_LOCK && map.spinLockSlot === undefined)
    : flags !== BPF_ANY && flags !== BPF_EXIST;
  if (isBadFlags) {
    yield step('bpf(BPF_MAP_UPDATE_ELEM): bad flags');
    return err(EINVAL);
  }
  yield* rcuReadLock(k, actor);
  const storage = yield* cgroupStorageLookup(k, actor, map, key);
  let r: Result<0> = err(ENOENT);
  if (storage !== undefined && !isShared) r = yield* updatePercpu(k, actor, map, storage, value);
  else if (storage !== undefined && flags & BPF_F_LOCK) {
    yield* copyLocked(k, actor, map, storage.buf!, value);
    r = OK0;
  } else if (storage !== undefined) r = yield* replaceBuf(k, actor, map, storage, value);
  yield* rcuReadUnlock(k, actor);
  return r;
}

/** The non-F_LOCK shared update: kmalloc (GFP_NOWAIT), memcpy, xchg(&storage->buf), kfree_rcu(old). */
function* replaceBuf(
  k: Kernel,
  actor: Actor,
  map: CgroupStorageMap,
  storage: BpfCgroupStorage,
  value: readonly number[],
): Op<Result<0>> {
  if (isAllocFailing(k)) return err(ENOMEM);
  const buf = k.allocObjId(actor);
  const data = Array.from({ length: valueSlots(map.valueSize) }, (_, i) =>
    i === map.spinLockSlot ? 0 : (value[i] ?? 0),
  );
  k.memory.alloc(buf, 'storage_buf', `${map.name} buf`, data);
  yield step('xchg(&storage->buf, new)', [wr(storage.obj), ...callRcu(k)]);
  k.memory.use(storage.obj, `${actor.name}: cgroup_storage_update_elem`);
  const old = storage.buf!;
  storage.buf = buf;
  k.rcu.call('kfree_rcu(storage_buf)', 'rcu', () => k.memory.free(old, 'kfree_rcu(storage_buf)'), [old]);
  return OK0;
}

/** bpf_percpu_cgroup_storage_update: copies round_up(value_size, 8) per CPU from `value`. */
function* updatePercpu(
  k: Kernel,
  actor: Actor,
  map: CgroupStorageMap,
  storage: BpfCgroupStorage,
  value: readonly number[],
): Op<Result<0>> {
  yield step('bpf_percpu_cgroup_storage_update', storage.percpuBufs.map(wr));
  const slots = valueSlots(map.valueSize);
  storage.percpuBufs.forEach((b, cpu) => {
    k.memory.use(b, `${actor.name}: bpf_percpu_cgroup_storage_update`);
    const data = k.memory.get(b).data!;
    for (let i = 0; i < slots; i++) data[i] = value[cpu * slots + i] ?? 0;
  });
  return OK0;
}

/** Models cgroup_storage_delete_elem(): userspace cannot delete, always -EINVAL. */
export function cgroupStorageDeleteElem(
  k: Kernel,
  actor: Actor,
  mapId: MapId,
  key: CgroupStorageKey,
): Op<Result<0>> {
  const map = cgroupStorageMapOf(k, mapId);
  return recorded(k, actor, 'BPF_MAP_DELETE_ELEM', map, key, 0, deleteElem());
}

function* deleteElem(): Op<Result<0>> {
  yield step('bpf(BPF_MAP_DELETE_ELEM)');
  return err(EINVAL);
}

/**
 * Models cgroup_storage_get_next_key(): the first key of list_map (newest first) for
 * a null key, else the entry after `key`; -ENOENT when empty, unknown or last. With
 * hasCgroupStorageNextKeyBug (pre-5828b9e5b272), past the last entry the list head is
 * read as a storage: an out-of-bounds fault and a garbage key.
 */
export function* cgroupStorageGetNextKey(
  k: Kernel,
  actor: Actor,
  mapId: MapId,
  key: CgroupStorageKey | null,
): Op<Result<CgroupStorageKey>> {
  const map = cgroupStorageMapOf(k, mapId);
  yield* lockAcquire(k, actor, map.lock, [rd(map.obj)]);
  let r: Result<CgroupStorageKey> = err(ENOENT);
  const cur = key === null ? undefined : findCgroupStorage(map, key);
  const at = cur === undefined ? -1 : map.list.indexOf(cur);
  const next = map.list[at + 1];
  if (map.list.length > 0 && (key === null || at !== -1)) {
    if (next?.key !== undefined) r = ok(userKey(map, next.key));
    else if (k.options.hasCgroupStorageNextKeyBug) {
      k.memory.recordFault('out-of-bounds', map.obj, `${map.name}: list head read as a storage`, actor.name);
      r = ok({ cgroupInodeId: asCgroupId(0), attachType: 'cgroup_inet_ingress' });
    }
  }
  yield* lockRelease(k, actor, map.lock);
  return r;
}

/** The key as userspace sees it: a shared map's u64 key carries no attach type (shown as ingress, 0). */
function userKey(map: CgroupStorageMap, key: CgroupStorageKey): CgroupStorageKey {
  return isAttachTypeIsolated(map)
    ? key
    : { cgroupInodeId: key.cgroupInodeId, attachType: 'cgroup_inet_ingress' };
}

/** Runs a syscall op and records its 'syscall' observation (existedBefore: as its first step ran). */
function* recorded<T>(
  k: Kernel,
  actor: Actor,
  cmd: string,
  map: CgroupStorageMap,
  key: CgroupStorageKey,
  flags: number,
  op: Op<Result<T>>,
): Op<Result<T>> {
  let existedBefore = false;
  const r = yield* afterFirstStep(op, () => {
    existedBefore = findCgroupStorage(map, key) !== undefined;
  });
  const value = r.ok && Array.isArray(r.value) ? { value: r.value as number[] } : {};
  k.observe({
    kind: 'syscall',
    actor: actor.id,
    cmd,
    map: map.id,
    cgroup: key.cgroupInodeId,
    flags,
    ret: r.ok ? 0 : -r.errno,
    existedBefore,
    ...value,
  });
  return r;
}
