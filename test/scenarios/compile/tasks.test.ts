/** Member tasks end to end: migration of a running task, and rmdir of what it leaves. */
import { describe, expect, it } from 'vitest';
import { check } from '../../../scenarios/api/api.js';
import { scenario } from '../../../scenarios/format/builder.js';

const COUNT = [
  'call get map=counters cg=current flags=F_CREATE',
  'jnull r0 out',
  'atomic_add [r0+0] 1',
  'out: exit 0',
];

/** A member task counts twice in its cgroup while userspace moves it from app to job, then removes app. */
const moving = scenario('moving-task')
  .describe('a member task migrated between its two program runs counts in both cgroups')
  .kernel('6.2')
  .expect('pass')
  .cgroup('root')
  .cgroup('app', { parent: 'root' })
  .cgroup('job', { parent: 'root' })
  .map('counters', { type: 'cgrp_storage', valueSize: 8 })
  .program('count', { type: 'tp_btf', attach: 'sys_enter', insns: COUNT })
  .cpu('worker', { cgroup: 'app', task: 'member', run: [{ program: 'count', times: 2 }] })
  .user('admin', [
    { op: 'migrate', task: 'worker', cgroup: 'job', expect: { reachable: [0, '-ESRCH'] } },
    { op: 'rmdir', cgroup: 'app', expect: 0 },
  ])
  .expectFinal(
    { map: 'counters', cgroup: 'job', reachable: [[2], [1], null] },
    { map: 'counters', cgroup: 'job', anyOf: [[2], [1], null] },
  );

describe('member tasks', () => {
  // PCT found a use after free here while the task read its cgroup before its RCU section
  // (compile/actors.ts memberTaskBody): the migration freed the cgroup it left in between.
  it('a migration between runs moves cg=current: job ends with 0, 1 or 2 counts, each in some execution; a task that exited is -ESRCH', async () => {
    const r = await check(moving, { strategy: 'pct', seed: 'ci', runs: 1000 });
    expect([r.verdict, r.unreached]).toEqual(['pass', []]);
  });

  it('rmdir of the cgroup the task left always succeeds; of the one it is in, it is refused', async () => {
    const stay = moving.user('other', [{ op: 'rmdir', cgroup: 'job', expect: '-EBUSY' }]);
    const r = await check(stay, { strategy: 'pct', seed: 'ci', runs: 300 });
    expect(r.violation?.invariant).toBe('op-result');
    expect(r.violation?.message).toBe('other ops[0] (rmdir job) returned 0; the scenario expects -EBUSY');
  });
});
