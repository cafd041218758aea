/**
 * The map registry shared by both storage map families. Each family keeps its
 * own concrete record (a subtype of BpfMapBase) and narrows by `type`.
 */
import type { MapId, ObjId } from './ids.js';

/**
 * BPF_MAP_TYPE_CGRP_STORAGE (kernel/bpf/bpf_cgrp_storage.c) is 'cgrp_storage';
 * the deprecated BPF_MAP_TYPE_CGROUP_STORAGE and BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE
 * (kernel/bpf/local_storage.c) are 'cgroup_storage' and 'percpu_cgroup_storage'.
 */
export type MapType = 'cgrp_storage' | 'cgroup_storage' | 'percpu_cgroup_storage';

/** What every map record has. */
export interface BpfMapBase {
  readonly id: MapId;
  readonly type: MapType;
  readonly name: string;
  /** Value size in bytes; values are modelled as ceil(valueSize / 8) 8-byte slots. */
  readonly valueSize: number;
  /** Slot index of a struct bpf_spin_lock in the value, if the BTF has one. */
  readonly spinLockSlot?: number;
  /** The struct bpf_map memory object. */
  readonly obj: ObjId;
  /** Map references (fd, programs); map_free runs when it drops to 0. */
  refcnt: number;
  /** False once bpf_map_free has started. */
  isLive: boolean;
}

/** Number of 8-byte slots for a value size in bytes. */
export function valueSlots(valueSize: number): number {
  return Math.ceil(valueSize / 8);
}
