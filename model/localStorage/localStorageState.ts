/**
 * State of BPF local storage (include/linux/bpf_local_storage.h) for cgroup
 * owners: maps with hashed buckets, one owner storage per cgroup, and elements
 * linked into both.
 *
 * Footprint convention (abstract ids in step accesses):
 * - a storage's `obj` covers its list, cache, owner and owner_refcnt, and the
 *   smap / local_storage / state fields of elements first linked to it (`home`);
 * - a bucket's `obj` covers its list and its elements' map_node links;
 * - an element's `obj` covers its value; the cgroup's `obj` covers bpf_cgrp_storage.
 */
import type { CgroupId, MapId, ObjId } from '../core/ids.js';
import type { BpfMapBase } from '../core/map.js';

/** BPF_LOCAL_STORAGE_CACHE_SIZE. */
export const BPF_LOCAL_STORAGE_CACHE_SIZE = 16;
/** selem->state bits (E3, bpf_selem_unlink_nofail). */
export const SELEM_MAP_UNLINKED = 1;
export const SELEM_STORAGE_UNLINKED = 2;
export const SELEM_UNLINKED = SELEM_MAP_UNLINKED | SELEM_STORAGE_UNLINKED;
export const SELEM_TOFREE = 4;

/** struct bpf_local_storage_map_bucket. */
export interface Bucket {
  readonly lock: ObjId;
  /** Abstract id of the hlist. */
  readonly obj: ObjId;
  /** Elements, head first. */
  readonly list: ObjId[];
}

/** struct bpf_local_storage_map (a BPF_MAP_TYPE_CGRP_STORAGE map record). */
export interface LocalStorageMap extends BpfMapBase {
  readonly type: 'cgrp_storage';
  readonly mapFlags: number;
  /** Index of this map's slot in every owner's cache (bpf_local_storage_cache_idx_get). */
  readonly cacheIdx: number;
  /** 1 << bucket_log buckets: max(2, roundup_pow_of_two(num_possible_cpus())). */
  readonly buckets: readonly Bucket[];
}

/** struct bpf_local_storage: one per cgroup that has elements. */
export interface LocalStorage {
  readonly obj: ObjId;
  readonly lock: ObjId;
  /** The cgroup it was made for (bookkeeping; local_storage->owner may be cleared). */
  readonly cgroup: CgroupId;
  /** local_storage->owner: NULL once the last element is unlinked. */
  owner: CgroupId | null;
  /** Elements of every map, head first. */
  readonly list: ObjId[];
  /** cache[BPF_LOCAL_STORAGE_CACHE_SIZE]: element ids or null. invariant 4: null or linked here. */
  readonly cache: (ObjId | null)[];
  /** owner_refcnt (E3): 1 for the owner; map_free pins it while it uncharges. */
  ownerRefcnt: number;
}

/** struct bpf_local_storage_elem; its value lives in the MemObject's `data`. */
export interface Selem {
  readonly obj: ObjId;
  /** The map it was made for (bookkeeping; sdata.smap may be cleared in E3). */
  readonly map: MapId;
  readonly cgroup: CgroupId;
  /** sdata.smap: the search key; E3 nofail unlink clears it. */
  smap: MapId | null;
  /** selem->local_storage. */
  storage: ObjId | null;
  /** The storage it was first linked to (footprints). */
  home: ObjId | null;
  /** snode is on the owner's list (selem_linked_to_storage). */
  isInStorage: boolean;
  /** map_node is on a bucket list (selem_linked_to_map). */
  isInMap: boolean;
  /** The bucket it was linked to (select_bucket at link time). */
  bucket: number;
  /** SELEM_* bits. */
  state: number;
  /** E3 bpf_selem_unlink_nofail calls running on it now (bookkeeping: its half-unlink is intended). */
  nofailInFlight: number;
  /** The value's struct bpf_spin_lock, when the map's BTF has one. */
  readonly spinLock: ObjId | null;
}

/** Every owner storage and element of one kernel, and the cgroup_cache idx counts. */
export class LocalStorages {
  /** invariant: insertion order is allocation order. */
  readonly storages = new Map<ObjId, LocalStorage>();
  readonly selems = new Map<ObjId, Selem>();
  /** cgroup_cache.idx_usage_counts (DEFINE_BPF_STORAGE_CACHE(cgroup_cache)). */
  readonly cacheIdxUsage: number[] = new Array<number>(BPF_LOCAL_STORAGE_CACHE_SIZE).fill(0);

  /** The storage record; throws for an unknown id (a model bug). */
  storage(id: ObjId): LocalStorage {
    const s = this.storages.get(id);
    if (s === undefined) throw new Error(`unknown local storage ${id}`);
    return s;
  }

  /** The element record; throws for an unknown id (a model bug). */
  selem(id: ObjId): Selem {
    const s = this.selems.get(id);
    if (s === undefined) throw new Error(`unknown storage element ${id}`);
    return s;
  }

  /** The element of `map` on the cgroup's owner list (bookkeeping for observations and properties). */
  linkedElem(storage: ObjId | null, map: MapId): ObjId | null {
    if (storage === null) return null;
    const s = this.storages.get(storage);
    return s?.list.find((id) => this.selem(id).smap === map) ?? null;
  }
}
