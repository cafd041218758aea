/**
 * The seed document's advice (Documentation/bpf/map_cgrp_storage.rst, difference 3):
 * "user space can do bpf_map_update_elem() to pre-allocate local storage before a
 * BPF program is attached", so that bpf_cgrp_storage_get() never returns NULL.
 */
import { scenario } from '../format/builder.js';

/** `ptr = bpf_cgrp_storage_get(&counters, cg, 0, 0); if (ptr) __sync_fetch_and_add(ptr, 1);` */
const COUNT_NO_CREATE = [
  'call get map=counters cg=current',
  'jnull r0 out',
  'atomic_add [r0+0] 1',
  'out:',
  'exit 0',
];

/**
 * `prealloc-before-attach`: userspace creates the storage in `setup`, so every get
 * without F_CREATE finds it (`get-finds-prealloc`) and every run counts (`final-value`)
 * while userspace reads it.
 */
export const preallocBeforeAttach = scenario('prealloc-before-attach')
  .describe(
    'userspace pre-allocates the storage before programs run, so get without F_CREATE never sees NULL',
  )
  .kernel('6.2')
  .expect('pass')
  .param('cpus', { default: 2, min: 1, max: 8, description: 'CPUs running the counting program' })
  .param('iterations', { default: 2, min: 1, max: 16, description: 'program runs per CPU' })
  .cgroup('root')
  .cgroup('app', { parent: 'root' })
  .map('counters', { type: 'cgrp_storage', valueSize: 8 })
  .program('count', { type: 'tp_btf', attach: 'sys_enter', insns: COUNT_NO_CREATE })
  .setup([{ op: 'update', map: 'counters', cgroup: 'app', value: [0], flags: ['BPF_NOEXIST'] }])
  .cpus('$cpus', { cgroup: 'app', run: [{ program: 'count', times: '$iterations' }] })
  .user('reader', [
    { op: 'lookup', map: 'counters', cgroup: 'app' },
    { op: 'lookup', map: 'counters', cgroup: 'app' },
  ])
  .check('get-finds-prealloc', 'null-on-absent', 'atomic-add')
  .expectFinal({ map: 'counters', cgroup: 'app', value: ['$iterations'], times: '$cpus' });
