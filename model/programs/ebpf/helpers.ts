/**
 * Helper functions and kfuncs a loaded program may call, by id and name
 * (include/uapi/linux/bpf.h: enum bpf_func_id, ___BPF_FUNC_MAPPER; the kfuncs
 * of kernel/bpf/helpers.c and kernel/bpf/cgroup.c). Anything else is a load
 * error naming it.
 */

/** The helpers the model runs, by enum bpf_func_id. */
export const HELPERS = {
  5: 'bpf_ktime_get_ns',
  6: 'bpf_trace_printk',
  8: 'bpf_get_smp_processor_id',
  12: 'bpf_tail_call',
  80: 'bpf_get_current_cgroup_id',
  81: 'bpf_get_local_storage',
  93: 'bpf_spin_lock',
  94: 'bpf_spin_unlock',
  158: 'bpf_get_current_task_btf',
  210: 'bpf_cgrp_storage_get',
  211: 'bpf_cgrp_storage_delete',
} as const;

/** A helper the model runs. */
export type HelperName = (typeof HELPERS)[keyof typeof HELPERS];

/** Names of helpers the model does not run, so the load error can name them. */
const OTHER_HELPERS: Readonly<Record<number, string>> = {
  1: 'bpf_map_lookup_elem',
  2: 'bpf_map_update_elem',
  3: 'bpf_map_delete_elem',
  4: 'bpf_probe_read',
  7: 'bpf_get_prandom_u32',
  14: 'bpf_get_current_pid_tgid',
  15: 'bpf_get_current_uid_gid',
  16: 'bpf_get_current_comm',
  35: 'bpf_get_current_task',
  113: 'bpf_probe_read_kernel',
  130: 'bpf_ringbuf_output',
  156: 'bpf_task_storage_get',
  157: 'bpf_task_storage_delete',
};

/** The kfuncs the model runs. */
export const KFUNCS = [
  'bpf_rcu_read_lock',
  'bpf_rcu_read_unlock',
  'bpf_cgroup_from_id',
  'bpf_cgroup_release',
  'bpf_task_get_cgroup1',
] as const;

export type KfuncName = (typeof KFUNCS)[number];

/** The helper with this id, or undefined if the model does not run it. */
export function helperOf(id: number): HelperName | undefined {
  return (HELPERS as Readonly<Record<number, HelperName>>)[id];
}

/** `helper bpf_map_lookup_elem#1` or `helper #999`: how a load error names a helper. */
export function helperLabel(id: number): string {
  const name = helperOf(id) ?? OTHER_HELPERS[id];
  return name === undefined ? `helper #${id}` : `helper ${name}#${id}`;
}

/** True for a kfunc the model runs. */
export const isKfunc = (name: string): name is KfuncName => (KFUNCS as readonly string[]).includes(name);
