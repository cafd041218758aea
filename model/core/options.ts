/**
 * Model options: every switch that changes kernel behaviour (era, CPUs, failure
 * injection, the pre-fix behaviours of historical bugs), and their defaults.
 */
import type { KernelEra } from './era.js';

/** Model options: everything that changes kernel behaviour. */
export interface ModelOptions {
  /** Kernel era. @defaultValue 'E1' */
  era?: KernelEra;
  /** Number of simulated CPUs. @defaultValue 2 */
  cpus?: number;
  /**
   * E3 only: a contended rqspinlock may time out (-ETIMEDOUT) as a data choice,
   * as rqspinlock's 250 ms budget can run out under load. @defaultValue false
   */
  isLockTimeoutPossible?: boolean;
  /** Allocations (GFP_ATOMIC / GFP_NOWAIT) may fail with -ENOMEM as a data choice. @defaultValue false */
  isAllocFailurePossible?: boolean;
  /**
   * Pre-5.14 historical bug: bpf_get_local_storage() reads a per-CPU bpf_cgroup_storage[]
   * pointer that bpf_prog_run_array_cg sets before each program, so a program preempted
   * under migrate_disable sees another task's storage or NULL. Fixed by b910eaaaa4b8
   * ("bpf: Fix NULL pointer dereference in bpf_get_local_storage() helper"), later
   * bpf_cg_run_ctx (c7603cfa04e7). @defaultValue false
   */
  hasCgroupStoragePerCpuPtrBug?: boolean;
  /**
   * Pre-fix CVE-2025-38502: a tail call may go to a program whose deprecated cgroup
   * storage differs from the caller's, so its helper returns the caller's storage.
   * Fixed by abad3d0bad72 (storage cookies in __bpf_prog_map_compatible, kernel/bpf/core.c).
   * @defaultValue false
   */
  hasTailCallStorageCookieBug?: boolean;
  /**
   * Pre-fix cgroup_storage_get_next_key (kernel/bpf/local_storage.c): asking for the key
   * after the last one reads the list head as a storage. Fixed by 5828b9e5b272 (-ENOENT).
   * @defaultValue false
   */
  hasCgroupStorageNextKeyBug?: boolean;
  /**
   * E1/E2: bpf_local_storage_map_free() holds the per-CPU bpf_cgrp_storage_busy counter
   * around each unlink. false models kernels before c78f4afbd962 ("bpf: Fix deadlock when
   * freeing cgroup storage", Dec 2024), where a tracing program in the unlink path that
   * calls bpf_cgrp_storage_get() self-deadlocks on the owner lock. @defaultValue true
   */
  isMapFreeBusyGuarded?: boolean;
  /**
   * bpf_cgrp_storage_get() without the percpu_ref_is_dying(&cgroup->self.refcnt) guard
   * of the 6.2 design ("bpf: Implement cgroup storage available to non-cgroup-attached
   * bpf progs", kernel/bpf/bpf_cgrp_storage.c): a program
   * running after bpf_cgrp_storage_free() can create storage that nothing frees.
   * @defaultValue false
   */
  hasCreateOnDyingBug?: boolean;
  /**
   * E3 before the SELEM_*_UNLINKED handshake (5d800f87d0a5, 0be08389c7f2):
   * bpf_local_storage_destroy() and bpf_local_storage_map_free() use the failable
   * unlink helpers and give up on a side whose rqspinlock failed (the WARN_ON_ONCE
   * handling of the RFC series), so a lock timeout leaves an element half-unlinked:
   * freed while still in a bucket, or left behind by map_free. @defaultValue false
   */
  hasUnlinkWithoutHandshakeBug?: boolean;
}

/** ModelOptions with every field set. */
export interface ResolvedModelOptions {
  readonly era: KernelEra;
  readonly cpus: number;
  readonly isLockTimeoutPossible: boolean;
  readonly isAllocFailurePossible: boolean;
  readonly hasCgroupStoragePerCpuPtrBug: boolean;
  readonly hasTailCallStorageCookieBug: boolean;
  readonly hasCgroupStorageNextKeyBug: boolean;
  readonly isMapFreeBusyGuarded: boolean;
  readonly hasCreateOnDyingBug: boolean;
  readonly hasUnlinkWithoutHandshakeBug: boolean;
}

export const DEFAULT_ERA: KernelEra = 'E1';
export const DEFAULT_CPUS = 2;
/** Upper bound on simulated CPUs (ids are packed, see allocObjId). */
export const MAX_CPUS = 64;

/** Fills in defaults and checks ranges; throws on bad construction input. */
export function resolveModelOptions(o: ModelOptions = {}): ResolvedModelOptions {
  const cpus = o.cpus ?? DEFAULT_CPUS;
  if (!Number.isInteger(cpus) || cpus < 1 || cpus > MAX_CPUS)
    throw new Error(`cpus must be 1..${MAX_CPUS}, got ${cpus}`);
  return {
    era: o.era ?? DEFAULT_ERA,
    cpus,
    isLockTimeoutPossible: o.isLockTimeoutPossible ?? false,
    isAllocFailurePossible: o.isAllocFailurePossible ?? false,
    hasCgroupStoragePerCpuPtrBug: o.hasCgroupStoragePerCpuPtrBug ?? false,
    hasTailCallStorageCookieBug: o.hasTailCallStorageCookieBug ?? false,
    hasCgroupStorageNextKeyBug: o.hasCgroupStorageNextKeyBug ?? false,
    isMapFreeBusyGuarded: o.isMapFreeBusyGuarded ?? true,
    hasCreateOnDyingBug: o.hasCreateOnDyingBug ?? false,
    hasUnlinkWithoutHandshakeBug: o.hasUnlinkWithoutHandshakeBug ?? false,
  };
}
