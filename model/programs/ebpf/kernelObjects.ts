/**
 * The kernel structures a loaded program may read through BTF pointers, and the
 * fields of each that the model has: what CO-RE relocations resolve against
 * (tools/lib/bpf/relo_core.c: bpf_core_calc_field_relo matches by name). Each
 * field names what a load of it gives: another structure of the same task or
 * cgroup, or a scalar.
 */

/** A structure the model has, as the program's BTF names it. */
export type KernelStruct = 'task_struct' | 'css_set' | 'cgroup' | 'kernfs_node';

/** A field: a pointer to another modelled structure, or a scalar the model knows. */
export type KernelField = { readonly to: KernelStruct } | { readonly scalar: 'cgroup_id' };

/**
 * The fields the model has. task->cgroups->dfl_cgrp (include/linux/sched.h,
 * include/linux/cgroup-defs.h) is task_dfl_cgroup(); cgrp->kn->id is cgroup_id().
 */
export const KERNEL_FIELDS: Readonly<Record<KernelStruct, Readonly<Record<string, KernelField>>>> = {
  task_struct: { cgroups: { to: 'css_set' } },
  css_set: { dfl_cgrp: { to: 'cgroup' } },
  cgroup: { kn: { to: 'kernfs_node' } },
  kernfs_node: { id: { scalar: 'cgroup_id' } },
};

/** True for a structure name the model has. */
export function isKernelStruct(name: string): name is KernelStruct {
  return Object.hasOwn(KERNEL_FIELDS, name);
}
