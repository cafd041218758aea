/**
 * Program texts the catalogue shares, in the model's small BPF assembly
 * (model/programs/bpfProgramParse.ts). Each mirrors a C program in its comment.
 */

/**
 * The seed document's counter (Documentation/bpf/map_cgrp_storage.rst):
 *   ptr = bpf_cgrp_storage_get(&counters, task->cgroups->dfl_cgrp, 0, F_CREATE);
 *   if (ptr) __sync_fetch_and_add(ptr, 1);
 */
export const ATOMIC_COUNT = [
  'call get map=counters cg=current flags=F_CREATE',
  'jnull r0 out',
  'atomic_add [r0+0] 1',
  'out:',
  'exit 0',
];

/** The same counter written as `*ptr += 1`: a load, an add and a store that can interleave. */
export const RACY_COUNT = [
  'call get map=counters cg=current flags=F_CREATE',
  'jnull r0 out',
  'ld r1 [r0+0]',
  'add r1 1',
  'st [r0+0] r1',
  'out:',
  'exit 0',
];

/** A reader that never creates: `ptr = bpf_cgrp_storage_get(&counters, cg, 0, 0); if (ptr) ... *ptr`. */
export const PEEK = ['call get map=counters cg=current', 'jnull r0 out', 'ld r1 [r0+0]', 'out:', 'exit 0'];

/** A program that deletes its cgroup's storage: `bpf_cgrp_storage_delete(&counters, cg)`. */
export const DELETE = ['call delete map=counters cg=current', 'exit 0'];

/** The deprecated counter: `ptr = bpf_get_local_storage(&old, 0); __sync_fetch_and_add(ptr, 1); return 1;` */
export const LOCAL_STORAGE_COUNT = ['call get_local_storage map=old', 'atomic_add [r0+0] 1', 'exit 1'];
