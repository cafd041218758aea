/**
 * The deprecated cgroup storage's data shapes and uapi constants
 * (kernel/bpf/local_storage.c, include/uapi/linux/bpf.h): struct
 * bpf_cgroup_storage, its key and map. The operations are in cgroupStorage.ts.
 */

import type { CgroupId, MapId, ObjId } from '../core/ids.js';
import type { BpfMapBase } from '../core/map.js';
import type { AttachType } from '../programs/bpfProgram.js';

/** Map creation flags. */
export const BPF_F_NUMA_NODE = 4;
export const BPF_F_RDONLY = 8;
export const BPF_F_WRONLY = 16;
export const BPF_F_RDONLY_PROG = 128;
export const BPF_F_WRONLY_PROG = 256;

/** sizeof(struct bpf_cgroup_storage_key) {u64 cgroup_inode_id; u32 attach_type} with padding. */
export const CGROUP_STORAGE_KEY_SIZE = 16;
/** PCPU_MIN_UNIT_SIZE bounds the per-CPU variant. */
export const PCPU_MIN_UNIT_SIZE = 32_768;

/** enum bpf_cgroup_storage_type: 0 BPF_CGROUP_STORAGE_SHARED, 1 BPF_CGROUP_STORAGE_PERCPU. */
export type CgroupStorageType = 0 | 1;
export const BPF_CGROUP_STORAGE_SHARED: CgroupStorageType = 0;
export const BPF_CGROUP_STORAGE_PERCPU: CgroupStorageType = 1;

/** struct bpf_cgroup_storage_key; a shared (u64-keyed) map ignores attachType. */
export interface CgroupStorageKey {
  readonly cgroupInodeId: CgroupId;
  readonly attachType: AttachType;
}

/** struct bpf_cgroup_storage. */
export interface BpfCgroupStorage {
  /** The 'cgroup_storage' memory object. */
  readonly obj: ObjId;
  readonly map: MapId;
  /** Set by bpf_cgroup_storage_link; undefined while unlinked. */
  key: CgroupStorageKey | undefined;
  /** Shared: storage->buf, swapped by userspace updates (xchg); null for per-CPU. */
  buf: ObjId | null;
  /** Per-CPU: one 'percpu_buf' per CPU; empty for shared. */
  readonly percpuBufs: readonly ObjId[];
}

/** struct bpf_cgroup_storage_map. */
export interface CgroupStorageMap extends BpfMapBase {
  readonly type: 'cgroup_storage' | 'percpu_cgroup_storage';
  readonly keySize: number;
  readonly mapFlags: number;
  /** map->lock (spin_lock_bh). */
  readonly lock: ObjId;
  /** The rbtree, in key order. invariant: a storage is in `tree` iff in `list` iff it has a key. */
  readonly tree: BpfCgroupStorage[];
  /** list_map, newest first (list_add). */
  readonly list: BpfCgroupStorage[];
}

/** BPF_MAP_CREATE attributes for the deprecated maps. */
export interface CgroupStorageMapAttr {
  readonly name: string;
  readonly mapType: 'cgroup_storage' | 'percpu_cgroup_storage';
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries?: number;
  readonly mapFlags?: number;
  /** Slot of a struct bpf_spin_lock in the value (from BTF). */
  readonly spinLockSlot?: number;
}
