/**
 * The seed document's examples: a per-cgroup syscall counter kept by a tp_btf
 * program on several CPUs while userspace reads, updates, deletes and removes
 * the cgroup.
 */
import type { ScenarioBuilder } from '../format/builder.js';
import { scenario } from '../format/builder.js';
import { ATOMIC_COUNT, DELETE, PEEK, RACY_COUNT } from './programs.js';

/** CPUs and program runs, the parameters every counter scenario takes. */
function counterBase(name: string, insns: readonly string[]): ScenarioBuilder {
  return scenario(name)
    .kernel('6.2')
    .param('cpus', { default: 2, min: 1, max: 8, description: 'CPUs running the counting program' })
    .param('iterations', { default: 2, min: 1, max: 16, description: 'program runs per CPU' })
    .cgroup('root')
    .cgroup('app', { parent: 'root' })
    .map('counters', { type: 'cgrp_storage', valueSize: 8 })
    .program('count', { type: 'tp_btf', attach: 'sys_enter', insns })
    .cpus('$cpus', { cgroup: 'app', run: [{ program: 'count', times: '$iterations' }] });
}

/** `doc-counter`: atomic adds on several CPUs with a userspace reader lose nothing. */
export const docCounter = counterBase('doc-counter', ATOMIC_COUNT)
  .describe(
    'tp_btf sys_enter counts syscalls per cgroup with __sync_fetch_and_add on several CPUs; userspace reads',
  )
  .expect('pass')
  .user('reader', [{ op: 'lookup', map: 'counters', cgroup: 'app' }])
  .check('atomic-add', 'null-on-absent');

/** `doc-counter-racy`: the same counter with `*ptr += 1` loses increments. */
export const docCounterRacy = counterBase('doc-counter-racy', RACY_COUNT)
  .describe('the doc counter with a non-atomic load/add/store: two CPUs lose an increment')
  .expect('atomic-add')
  .user('reader', [{ op: 'lookup', map: 'counters', cgroup: 'app' }])
  .reachability('lost-update');

/** `null-on-absent`: get without F_CREATE on storage nobody created returns NULL; lookup gives ENOENT. */
export const nullOnAbsent = counterBase('null-on-absent', PEEK)
  .describe('get without F_CREATE on absent storage returns NULL and userspace lookup gives -ENOENT')
  .expect('pass')
  .user('reader', [{ op: 'lookup', map: 'counters', cgroup: 'app' }])
  .check('null-on-absent')
  .reachability('get-returned-null');

/** `delete-from-program`: one CPU deletes the storage while another increments it. */
export const deleteFromProgram = scenario('delete-from-program')
  .describe('a program deletes its cgroup storage while another CPU increments it; a re-create starts from 0')
  .kernel('6.2')
  .expect('pass')
  .param('iterations', { default: 2, min: 1, max: 8, description: 'runs of each program' })
  .cgroup('root')
  .cgroup('app', { parent: 'root' })
  .map('counters', { type: 'cgrp_storage', valueSize: 8 })
  .program('count', { type: 'tp_btf', attach: 'sys_enter', insns: ATOMIC_COUNT })
  .program('drop', { type: 'tp_btf', attach: 'sys_exit', insns: DELETE })
  .cpu('counter', { cgroup: 'app', run: [{ program: 'count', times: '$iterations' }] })
  .cpu('deleter', { cgroup: 'app', run: [{ program: 'drop', times: '$iterations' }] })
  .check('atomic-add', 'null-on-absent');

/** `rmdir-while-counting`: the cgroup is removed and freed while programs count and userspace reads and updates. */
export const rmdirWhileCounting = counterBase('rmdir-while-counting', ATOMIC_COUNT)
  .describe(
    'rmdir and free of the cgroup while programs count and userspace looks up and updates its storage',
  )
  .expect('pass')
  .user('admin', [
    { op: 'lookup', map: 'counters', cgroup: 'app' },
    { op: 'update', map: 'counters', cgroup: 'app', value: [100], flags: ['BPF_ANY'] },
    { op: 'rmdir', cgroup: 'app' },
    { op: 'lookup', map: 'counters', cgroup: 'app' },
  ])
  .check('atomic-add', 'cleanup-on-free', 'no-create-on-dying')
  .reachability('create-refused-dying');
