/**
 * The DEPRECATED cgroup storage maps, BPF_MAP_TYPE_CGROUP_STORAGE and
 * BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE (kernel/bpf/local_storage.c): map creation,
 * the storages attach allocates and links, and their RCU-deferred free.
 * Syscall operations are in model/cgroupStorage/cgroupStorageSyscall.ts.
 */

import { BPF_LOCAL_STORAGE_MAX_VALUE_SIZE } from '../cgrpStorage/cgrpStorageMap.js';
import { E2BIG, EINVAL, ENOMEM, err, ok, type Result } from '../core/errno.js';
import { asMapId, type CgroupId, type MapId, type ObjId } from '../core/ids.js';
import { type BpfMapBase, valueSlots } from '../core/map.js';
import { type Op, rd, wr } from '../core/step.js';
import type { Actor, Kernel } from '../kernel/kernel.js';
import { isAllocFailing } from '../localStorage/localStorageLock.js';
import type { AttachType, BpfProgram } from '../programs/bpfProgram.js';
import { attachTypeNumber, progUsedMaps } from '../programs/bpfProgram.js';
import { lockAcquire, lockRelease } from '../sync/locks.js';
import { callRcu } from '../sync/rcuWorker.js';
import {
  BPF_CGROUP_STORAGE_PERCPU,
  BPF_CGROUP_STORAGE_SHARED,
  BPF_F_NUMA_NODE,
  BPF_F_RDONLY,
  BPF_F_RDONLY_PROG,
  BPF_F_WRONLY,
  BPF_F_WRONLY_PROG,
  type BpfCgroupStorage,
  CGROUP_STORAGE_KEY_SIZE,
  type CgroupStorageKey,
  type CgroupStorageMap,
  type CgroupStorageMapAttr,
  type CgroupStorageType,
  PCPU_MIN_UNIT_SIZE,
} from './cgroupStorageTypes.js';

export * from './cgroupStorageTypes.js';

const LOCAL_STORAGE_CREATE_FLAG_MASK =
  BPF_F_NUMA_NODE | BPF_F_RDONLY | BPF_F_WRONLY | BPF_F_RDONLY_PROG | BPF_F_WRONLY_PROG;

/** Models map_create → cgroup_storage_map_alloc() (setup time): the create checks, then an empty map (refcnt 1, the fd). */
export function cgroupStorageMapAlloc(k: Kernel, attr: CgroupStorageMapAttr): Result<MapId> {
  const isPercpu = attr.mapType === 'percpu_cgroup_storage';
  const maxValueSize = isPercpu
    ? Math.min(BPF_LOCAL_STORAGE_MAX_VALUE_SIZE, PCPU_MIN_UNIT_SIZE)
    : BPF_LOCAL_STORAGE_MAX_VALUE_SIZE;
  const flags = attr.mapFlags ?? 0;
  if (attr.keySize !== CGROUP_STORAGE_KEY_SIZE && attr.keySize !== 8) return err(EINVAL);
  if (attr.valueSize === 0) return err(EINVAL);
  if (attr.valueSize > maxValueSize) return err(E2BIG);
  if (flags & ~LOCAL_STORAGE_CREATE_FLAG_MASK || !isMapFlagsAccessOk(flags)) return err(EINVAL);
  if ((attr.maxEntries ?? 0) !== 0) return err(EINVAL);
  let id = asMapId(k.maps.size + 1);
  while (k.maps.has(id)) id = asMapId(id + 1);
  const obj = k.allocObjId(k.setupActor);
  k.memory.alloc(obj, 'map', `${attr.mapType} ${attr.name}`);
  const lock = k.allocObjId(k.setupActor);
  k.locks.create(lock, 'map_lock', `${attr.name}->lock`);
  const map: CgroupStorageMap = {
    id,
    type: attr.mapType,
    name: attr.name,
    valueSize: attr.valueSize,
    ...(attr.spinLockSlot === undefined ? {} : { spinLockSlot: attr.spinLockSlot }),
    obj,
    refcnt: 1,
    isLive: true,
    keySize: attr.keySize,
    mapFlags: flags,
    lock,
    tree: [],
    list: [],
  };
  k.maps.set(id, map);
  return ok(id);
}

/** bpf_map_flags_access_ok(): not both read-only and write-only, for syscalls or programs. */
function isMapFlagsAccessOk(flags: number): boolean {
  const both = (a: number, b: number): boolean => (flags & (a | b)) === (a | b);
  return !both(BPF_F_RDONLY, BPF_F_WRONLY) && !both(BPF_F_RDONLY_PROG, BPF_F_WRONLY_PROG);
}

/** True for the two deprecated map types. */
export function isCgroupStorageMap(map: BpfMapBase | undefined): map is CgroupStorageMap {
  return map?.type === 'cgroup_storage' || map?.type === 'percpu_cgroup_storage';
}

/** The deprecated map with this id; throws for another map (a checker bug). */
export function cgroupStorageMapOf(k: Kernel, id: MapId): CgroupStorageMap {
  const map = k.maps.get(id);
  if (!isCgroupStorageMap(map)) throw new Error(`map ${id} is not a deprecated cgroup storage map`);
  return map;
}

/** cgroup_storage_type(). */
export function cgroupStorageType(map: CgroupStorageMap): CgroupStorageType {
  return map.type === 'percpu_cgroup_storage' ? BPF_CGROUP_STORAGE_PERCPU : BPF_CGROUP_STORAGE_SHARED;
}

/** attach_type_isolated(): a struct key separates attach types; a u64 key shares one storage. */
export function isAttachTypeIsolated(map: CgroupStorageMap): boolean {
  return map.keySize === CGROUP_STORAGE_KEY_SIZE;
}

/** bpf_cgroup_storage_key_cmp(). */
export function cgroupStorageKeyCmp(map: CgroupStorageMap, a: CgroupStorageKey, b: CgroupStorageKey): number {
  if (a.cgroupInodeId !== b.cgroupInodeId) return a.cgroupInodeId < b.cgroupInodeId ? -1 : 1;
  if (!isAttachTypeIsolated(map)) return 0;
  return Math.sign(attachTypeNumber(a.attachType) - attachTypeNumber(b.attachType));
}

/** The rbtree walk of cgroup_storage_lookup(); the caller holds map->lock. */
export function findCgroupStorage(
  map: CgroupStorageMap,
  key: CgroupStorageKey,
): BpfCgroupStorage | undefined {
  return map.tree.find((s) => s.key !== undefined && cgroupStorageKeyCmp(map, key, s.key) === 0);
}

/** Models cgroup_storage_lookup(map, key, false): the rbtree walk under map->lock. */
export function* cgroupStorageLookup(
  k: Kernel,
  actor: Actor,
  map: CgroupStorageMap,
  key: CgroupStorageKey,
): Op<BpfCgroupStorage | undefined> {
  yield* lockAcquire(k, actor, map.lock, [rd(map.obj)]);
  const storage = findCgroupStorage(map, key);
  yield* lockRelease(k, actor, map.lock);
  return storage;
}

/**
 * The lock id of a struct bpf_spin_lock at `slot` of value object `obj`: a NEW-map
 * element's own lock, else a derived id registered on first use (negative, so it never
 * meets allocObjId()'s, and independent of who touches the lock first).
 */
export function valueSpinLock(k: Kernel, obj: ObjId, slot: number): ObjId {
  const selemLock = k.localStorages.selems.get(obj)?.spinLock;
  if (selemLock !== undefined && selemLock !== null) return selemLock;
  const id = -(obj * 1024 + slot + 1) as ObjId;
  if (!k.locks.locks.has(id)) k.locks.create(id, 'value_spin_lock', `bpf_spin_lock ${obj}+${slot}`);
  return id;
}

/** Models bpf_cgroup_storage_alloc(): a zeroed storage for the program's map of this type (GFP_USER). */
export function bpfCgroupStorageAlloc(
  k: Kernel,
  actor: Actor,
  map: CgroupStorageMap,
): Result<BpfCgroupStorage> {
  if (isAllocFailing(k)) return err(ENOMEM);
  const obj = k.allocObjId(actor);
  k.memory.alloc(obj, 'cgroup_storage', `${map.name} storage`);
  const zeroes = (): number[] => new Array<number>(valueSlots(map.valueSize)).fill(0);
  if (cgroupStorageType(map) === BPF_CGROUP_STORAGE_SHARED) {
    const buf = k.allocObjId(actor);
    k.memory.alloc(buf, 'storage_buf', `${map.name} buf`, zeroes());
    return ok({ obj, map: map.id, key: undefined, buf, percpuBufs: [] });
  }
  const percpuBufs = k.cpus.map((c) => {
    const b = k.allocObjId(actor);
    k.memory.alloc(b, 'percpu_buf', `${map.name} cpu${c.no}`, zeroes());
    return b;
  });
  return ok({ obj, map: map.id, key: undefined, buf: null, percpuBufs });
}

/** Models bpf_cgroup_storage_free(): call_rcu(free_{shared,percpu}_cgroup_storage_rcu). */
export function bpfCgroupStorageFree(k: Kernel, storage: BpfCgroupStorage, by: string): void {
  const bufs = storage.buf === null ? storage.percpuBufs : [storage.buf];
  const objs = [...bufs, storage.obj];
  k.rcu.call(
    'free_cgroup_storage_rcu',
    'rcu',
    () => {
      for (const o of objs) k.memory.free(o, by);
    },
    objs,
  );
}

/** Models bpf_cgroup_storage_link(): sets the key, then inserts into the rbtree, list_map and cgroup->bpf.storages. */
export function* bpfCgroupStorageLink(
  k: Kernel,
  actor: Actor,
  storage: BpfCgroupStorage,
  cg: CgroupId,
  attachType: AttachType,
): Op<void> {
  const map = cgroupStorageMapOf(k, storage.map);
  storage.key = { cgroupInodeId: cg, attachType };
  yield* lockAcquire(k, actor, map.lock, [wr(map.obj)]);
  const at = map.tree.findIndex(
    (s) => s.key !== undefined && cgroupStorageKeyCmp(map, storage.key!, s.key) < 0,
  );
  map.tree.splice(at === -1 ? map.tree.length : at, 0, storage);
  map.list.unshift(storage);
  k.cgroupBpf.get(cg)?.storages.unshift(storage);
  yield* lockRelease(k, actor, map.lock);
}

/** Models bpf_cgroup_storage_unlink(): removes it from the rbtree, list_map and its cgroup's list. */
export function* bpfCgroupStorageUnlink(k: Kernel, actor: Actor, storage: BpfCgroupStorage): Op<void> {
  const map = cgroupStorageMapOf(k, storage.map);
  yield* lockAcquire(k, actor, map.lock, [wr(map.obj)]);
  const without = (list: BpfCgroupStorage[]): void => {
    const i = list.indexOf(storage);
    if (i !== -1) list.splice(i, 1);
  };
  without(map.tree);
  without(map.list);
  if (storage.key !== undefined) {
    const owner = k.cgroupBpf.get(storage.key.cgroupInodeId);
    if (owner !== undefined) without(owner.storages);
  }
  // Callers free the storage right after (call_rcu): the step releases the RCU queue.
  yield* lockRelease(k, actor, map.lock, callRcu(k));
}

/**
 * Models cgroup_storage_map_free() (bpf_map_free_deferred on a kworker, map refcount 0):
 * under cgroup_mutex, unlink and free every storage of the map, then free the map.
 */
export function* cgroupStorageMapFree(k: Kernel, actor: Actor, mapId: MapId): Op<void> {
  const map = cgroupStorageMapOf(k, mapId);
  map.isLive = false;
  yield* lockAcquire(k, actor, k.cgroups.mutex, [wr(map.obj)]);
  for (const storage of [...map.list]) {
    yield* bpfCgroupStorageUnlink(k, actor, storage);
    bpfCgroupStorageFree(k, storage, `${actor.name} cgroup_storage_map_free`);
  }
  yield* lockRelease(k, actor, k.cgroups.mutex, [wr(map.obj)]);
  k.memory.free(map.obj, `${actor.name} cgroup_storage_map_free`);
  k.observe({ kind: 'map-free', actor: actor.id, map: map.id });
}

/**
 * prog->aux->cgroup_storage[]: the deprecated map of each storage type the program's
 * instructions name, first one first (the verifier refuses a second, see verifier.ts).
 */
export function progCgroupStorageMaps(k: Kernel, prog: BpfProgram): readonly [MapId | null, MapId | null] {
  const out: [MapId | null, MapId | null] = [null, null];
  for (const { name } of progUsedMaps(prog)) {
    const id = prog.maps[name];
    const map = id === undefined ? undefined : k.maps.get(id);
    if (!isCgroupStorageMap(map)) continue;
    const stype = cgroupStorageType(map);
    out[stype] ??= map.id;
  }
  return out;
}

/**
 * The storage-cookie part of __bpf_prog_map_compatible() (kernel/bpf/core.c, abad3d0bad72,
 * CVE-2025-38502): `prog` may enter the prog array owned by `owner` only if every
 * deprecated storage map it uses is the owner's map of that type.
 */
export function bpfProgMapCompatible(k: Kernel, owner: BpfProgram, prog: BpfProgram): boolean {
  const ownerMaps = progCgroupStorageMaps(k, owner);
  return progCgroupStorageMaps(k, prog).every((m, stype) => m === null || m === ownerMaps[stype]);
}
