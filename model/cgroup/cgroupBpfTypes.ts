/**
 * struct cgroup_bpf and what hangs off it (kernel/bpf/cgroup.c,
 * include/linux/bpf-cgroup-defs.h): program lists, effective arrays, run
 * contexts. The operations are in cgroupBpf.ts and cgroupBpfAttach.ts.
 */

import type { BpfCgroupStorage } from '../cgroupStorage/cgroupStorageTypes.js';
import type { AttachType, BpfProgram } from '../programs/bpfProgram.js';

/** A program's storages by enum bpf_cgroup_storage_type: [shared, percpu]. */
export type CgroupStorageSlots = readonly [BpfCgroupStorage | null, BpfCgroupStorage | null];

/** struct bpf_prog_array_item. */
export interface BpfProgArrayItem {
  readonly prog: BpfProgram;
  readonly cgroupStorage: CgroupStorageSlots;
}

/** struct bpf_cg_run_ctx: what bpf_get_local_storage and bpf_get_retval see. */
export interface BpfCgRunCtx {
  readonly progItem: BpfProgArrayItem;
  readonly retval: number;
}

/** struct bpf_prog_list. `prog` is null while detach recomputes the arrays. */
export interface BpfProgList {
  prog: BpfProgram | null;
  cgroupStorage: CgroupStorageSlots;
}

/** struct cgroup_bpf. */
export interface CgroupBpf {
  readonly progs: Map<AttachType, BpfProgList[]>;
  readonly flags: Map<AttachType, number>;
  /** Effective arrays, replaced whole (rcu_replace_pointer); a missing type is computed on first read. */
  readonly effective: Map<AttachType, readonly BpfProgArrayItem[]>;
  /** The deprecated-map storages linked to this cgroup (list_cg), newest first. */
  readonly storages: BpfCgroupStorage[];
  /** cgrp->bpf.refcnt: the base reference until offline, plus one per descendant not yet released. */
  refcnt: number;
  isReleased: boolean;
}
