/**
 * Kernel eras of BPF cgroup local storage (see shared KERNEL-SEMANTICS.md):
 * - E1 (6.2–6.14): a per-CPU busy counter; every helper fails while it is held.
 * - E2 (6.15–6.19): as E1, but a busy get() still looks up (f4edc66e48a6).
 * - E3 (7.0+): no counter; owner and bucket locks are rqspinlocks that can fail.
 */
export type KernelEra = 'E1' | 'E2' | 'E3';

/** The version string users give on the command line for each era. */
export const ERA_VERSIONS: Readonly<Record<KernelEra, string>> = { E1: '6.2', E2: '6.15', E3: '7.0' };

/** All eras, oldest first. */
export const ERAS: readonly KernelEra[] = ['E1', 'E2', 'E3'];

/**
 * Maps a kernel version ("6.2", "6.9", "6.15", "7.0", "7.1") to its era, or
 * undefined for versions before 6.2 (no BPF_MAP_TYPE_CGRP_STORAGE) or malformed input.
 */
export function eraOfVersion(version: string): KernelEra | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(version);
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major >= 7) return 'E3';
  if (major === 6 && minor >= 15) return 'E2';
  if (major === 6 && minor >= 2) return 'E1';
  return undefined;
}

/** True in eras that have the per-CPU bpf_cgrp_storage_busy counter. */
export function hasBusyCounter(era: KernelEra): boolean {
  return era !== 'E3';
}
