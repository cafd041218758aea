/**
 * Creating and freeing a BPF_MAP_TYPE_CGRP_STORAGE map (kernel/bpf/syscall.c
 * map_create, kernel/bpf/bpf_local_storage.c bpf_local_storage_map_alloc_check /
 * _alloc / _free, kernel/bpf/bpf_cgrp_storage.c cgroup_storage_map_free).
 */

import { E2BIG, EINVAL, EPERM, err, ok, type Result } from '../core/errno.js';
import { asMapId, type MapId } from '../core/ids.js';
import { type Op, step, wr } from '../core/step.js';
import type { Actor, Kernel } from '../kernel/kernel.js';
import { smapOf } from '../localStorage/localStorage.js';
import {
  BPF_LOCAL_STORAGE_CACHE_SIZE,
  type Bucket,
  type LocalStorageMap,
} from '../localStorage/localStorageState.js';
import { bpfLocalStorageMapFree } from '../localStorage/localStorageTeardown.js';
import { bpfCgrpStorageFree } from './cgrpStorage.js';

/** BPF_F_NO_PREALLOC and BPF_F_CLONE (include/uapi/linux/bpf.h). */
export const BPF_F_NO_PREALLOC = 1 << 0;
export const BPF_F_CLONE = 1 << 9;
/**
 * BPF_LOCAL_STORAGE_MAX_VALUE_SIZE: U16_MAX - sizeof(struct bpf_local_storage_elem),
 * with the element 128 bytes on x86-64 (its sdata is cacheline aligned).
 */
export const BPF_LOCAL_STORAGE_MAX_VALUE_SIZE = 0xffff - 128;

/** The bpf_attr fields map_create reads for this map type. */
export interface CgrpStorageMapAttr {
  readonly name: string;
  /** @defaultValue BPF_F_NO_PREALLOC */
  readonly mapFlags?: number;
  /** @defaultValue 0 */
  readonly maxEntries?: number;
  /** @defaultValue 4 */
  readonly keySize?: number;
  readonly valueSize: number;
  /** btf_key_type_id and btf_value_type_id are non-zero. @defaultValue true */
  readonly hasBtf?: boolean;
  /** The BTF key type is a 32-bit int (bpf_local_storage_map_check_btf). @defaultValue true */
  readonly isKeyI32?: boolean;
  /** Slot of a struct bpf_spin_lock in the value, if any. */
  readonly spinLockSlot?: number;
  /** The caller has CAP_BPF (bpf_token_capable in map_create). @defaultValue true */
  readonly hasCapBpf?: boolean;
}

/**
 * Models map_create() for BPF_MAP_TYPE_CGRP_STORAGE (setup time, synchronous): no
 * CAP_BPF → -EPERM; bpf_local_storage_map_alloc_check: flags other than
 * NO_PREALLOC|CLONE, no NO_PREALLOC, max_entries ≠ 0, key size ≠ 4, value size 0 or
 * missing BTF → -EINVAL, value too large → -E2BIG; a non-int key → -EINVAL.
 */
export function cgrpStorageMapCreate(k: Kernel, attr: CgrpStorageMapAttr): Result<MapId> {
  if (!(attr.hasCapBpf ?? true)) return err(EPERM);
  const mapFlags = attr.mapFlags ?? BPF_F_NO_PREALLOC;
  const isBadAttr =
    (mapFlags & ~(BPF_F_NO_PREALLOC | BPF_F_CLONE)) !== 0 ||
    (mapFlags & BPF_F_NO_PREALLOC) === 0 ||
    (attr.maxEntries ?? 0) !== 0 ||
    (attr.keySize ?? 4) !== 4 ||
    attr.valueSize === 0 ||
    !(attr.hasBtf ?? true);
  if (isBadAttr) return err(EINVAL);
  if (attr.valueSize > BPF_LOCAL_STORAGE_MAX_VALUE_SIZE) return err(E2BIG);
  if (!(attr.isKeyI32 ?? true)) return err(EINVAL);
  const smap = allocSmap(k, attr, mapFlags);
  k.maps.set(smap.id, smap);
  if (!k.cgroups.onFree.includes(bpfCgrpStorageFree)) k.cgroups.onFree.push(bpfCgrpStorageFree);
  return ok(smap.id);
}

/** bpf_local_storage_map_alloc(): buckets, locks and a cache index. */
function allocSmap(k: Kernel, attr: CgrpStorageMapAttr, mapFlags: number): LocalStorageMap {
  const setup = k.setupActor;
  const obj = k.allocObjId(setup);
  k.memory.alloc(obj, 'map', `map ${attr.name}`);
  let nbuckets = 2;
  while (nbuckets < k.options.cpus) nbuckets *= 2;
  const buckets: Bucket[] = [];
  for (let i = 0; i < nbuckets; i++) {
    const lock = k.allocObjId(setup);
    k.locks.create(lock, 'bucket', `${attr.name} bucket ${i}`);
    buckets.push({ lock, obj: k.allocObjId(setup), list: [] });
  }
  // One plain literal: a literal that starts with a spread is built slowly by V8 (every world builds one).
  const smap: LocalStorageMap = {
    id: asMapId(k.maps.size + 1),
    type: 'cgrp_storage',
    name: attr.name,
    obj,
    valueSize: attr.valueSize,
    spinLockSlot: attr.spinLockSlot,
    refcnt: 1,
    isLive: true,
    mapFlags,
    cacheIdx: cacheIdxGet(k.localStorages.cacheIdxUsage),
    buckets,
  };
  return smap;
}

/** bpf_local_storage_cache_idx_get(): the least used of the 16 cache slots, lowest first. */
function cacheIdxGet(usage: number[]): number {
  let res = 0;
  for (let i = 1; i < BPF_LOCAL_STORAGE_CACHE_SIZE && usage[res]! > 0; i++)
    if (usage[i]! < usage[res]!) res = i;
  usage[res]!++;
  return res;
}

/**
 * Models cgroup_storage_map_free() → bpf_local_storage_map_free(), run from
 * bpf_map_free_deferred on a kworker once the map's refcount is 0. E1/E2 hold the
 * busy counter around each unlink unless ModelOptions.isMapFreeBusyGuarded is false.
 */
export function* cgrpStorageMapFree(k: Kernel, actor: Actor, map: MapId): Op<void> {
  const smap = smapOf(k, map);
  yield step(`bpf_local_storage_cache_idx_free(${smap.name})`, [wr(smap.obj)]);
  smap.isLive = false;
  k.localStorages.cacheIdxUsage[smap.cacheIdx]!--;
  const isBusyGuarded = k.era !== 'E3' && k.options.isMapFreeBusyGuarded;
  yield* bpfLocalStorageMapFree(k, actor, smap, isBusyGuarded);
  k.observe({ kind: 'map-free', actor: actor.id, map });
}
