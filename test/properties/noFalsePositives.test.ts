import { describe, expect, it } from 'vitest';
import { PROPERTY_IDS } from '../../properties/index.js';
import { check } from '../../scenarios/api/api.js';
import { ATOMIC_COUNT, DELETE, PEEK } from '../../scenarios/catalogue/programs.js';
import { scenario } from '../../scenarios/format/builder.js';

/**
 * A correct kernel must pass every property: two CPUs count, peek and delete while
 * userspace updates (replacing the element), deletes, looks up, removes the cgroup
 * and closes the map, with allocation failures (and, in E3, lock timeouts) possible.
 */
const busyCounter = (kernel: '6.2' | '6.15' | '7.0') =>
  scenario('all-properties')
    .describe('every property on a correct kernel under churn')
    .kernel(kernel)
    .cgroup('root')
    .cgroup('app', { parent: 'root' })
    .map('counters', { type: 'cgrp_storage', valueSize: 8 })
    .program('count', { type: 'tp_btf', attach: 'sys_enter', insns: ATOMIC_COUNT })
    .program('peek', { type: 'tp_btf', attach: 'sys_exit', insns: PEEK })
    .program('drop', { type: 'tp_btf', attach: 'sys_exit', insns: DELETE })
    .cpu('c0', {
      cgroup: 'app',
      run: [
        { program: 'count', times: 2 },
        { program: 'drop', times: 1 },
      ],
    })
    .cpu('c1', {
      cgroup: 'app',
      run: [
        { program: 'count', times: 1 },
        { program: 'peek', times: 1 },
        { program: 'drop', times: 1 },
      ],
    })
    .user('admin', [
      { op: 'update', map: 'counters', cgroup: 'app', value: [100], flags: ['BPF_ANY'] },
      { op: 'update', map: 'counters', cgroup: 'app', value: [7], flags: ['BPF_NOEXIST'] },
      { op: 'delete', map: 'counters', cgroup: 'app' },
      { op: 'lookup', map: 'counters', cgroup: 'app' },
      { op: 'get-next-key', map: 'counters' },
      { op: 'rmdir', cgroup: 'app' },
      { op: 'close-map', map: 'counters' },
    ])
    .options({ lockTimeouts: kernel === '7.0', allocFailures: true })
    .check(...PROPERTY_IDS);

describe('no false positives', () => {
  for (const kernel of ['6.2', '6.15', '7.0'] as const) {
    it(`kernel ${kernel}: 300 random executions under churn violate nothing`, async () => {
      const r = await check(busyCounter(kernel), { runs: 300, kernel });
      expect([r.verdict, r.violation?.message]).toEqual(['pass', undefined]);
    });
  }
});
