/** The README's test-suite example, run as written (through the package's own entry point). */
import { describe, expect, test } from 'vitest';
import { assertScenario, check, replay, scenario } from '../../../scenarios/index.js';

const counterWith = (add: readonly string[]) =>
  scenario('my-counter')
    .describe('atomic counter, two CPUs')
    .kernel('6.2')
    .expect('pass')
    .cgroup('root')
    .cgroup('app', { parent: 'root' })
    .map('counters', { type: 'cgrp_storage', valueSize: 8 })
    .program('count', {
      type: 'tp_btf',
      attach: 'sys_enter',
      insns: ['call get map=counters cg=current flags=F_CREATE', 'jnull r0 out', ...add, 'out: exit 0'],
    })
    .cpus(2, { cgroup: 'app', run: [{ program: 'count', times: 2 }] })
    .check('atomic-add');
const counter = counterWith(['atomic_add [r0+0] 1']);

describe('the TypeScript API', () => {
  test('assertScenario passes a correct counter and returns the report', async () => {
    const report = await assertScenario(counter, { strategy: 'pct', runs: 100, seed: 'ci' });
    expect([report.verdict, report.stats.executions, report.strategy]).toEqual(['pass', 100, 'pct']);
  });

  test('check returns a violation as a value', async () => {
    const report = await check('doc-counter-racy', { seed: '1' });
    expect(report.violation?.invariant).toBe('atomic-add');
  });

  test('assertScenario throws with the replay command when the verdict is not the expected one', async () => {
    const racy = counterWith(['ld r1 [r0+0]', 'add r1 1', 'st [r0+0] r1']);
    await expect(assertScenario(racy, { seed: '1', runs: 300 })).rejects.toThrow(
      /expected pass, got atomic-add: .*\nreplay: replay\(scenario, 'cgrp1:/,
    );
  });

  test('a token from check replays through the API to the same trace', async () => {
    const racy = counterWith(['ld r1 [r0+0]', 'add r1 1', 'st [r0+0] r1']);
    const found = await check(racy, { seed: '1', runs: 300 });
    const again = replay(racy, found.violation!.replay);
    expect(again.violation?.trace).toEqual(found.violation?.trace);
  });
});
