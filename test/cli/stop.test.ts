/** Time budgets and Ctrl-C: the run stops between executions and says how to go on. */
import { describe, expect, test } from 'vitest';
import type { Engine } from '../../scenarios/engine/engine.js';
import { createFakeEngine } from './fakeEngine.js';
import { createFakeIo } from './fakeIo.js';
import { makeReport, UAF_VIOLATION } from './fixtures.js';
import { cli } from './harness.js';

describe('--time-budget', () => {
  test('stops once the budget is spent and runs until then when --runs is absent', async () => {
    const io = createFakeIo();
    const engine = createFakeEngine({
      onExecution: () => {
        io.time += 100; // each virtual execution takes 100 ms
      },
    });
    const {
      code,
      out,
      engine: used,
    } = await cli(['check', 'busy-get', '--seed', '7', '--time-budget', '1'], io, engine);
    expect(code).toBe(0);
    expect(used.checks[0]!.options.runs).toBe(Number.MAX_SAFE_INTEGER);
    expect(out).toBe(`seed: 7
scenario: busy-get (kernel 6.15, strategy random)
explored: 10 executions, 100 steps in 1.0 s
PASS: no violation in 10 executions (sampled, not exhaustive)

stopped at the time budget after 10 executions; no violation in what was explored
resume: random samples independent executions and keeps no position; explore more with a new seed:
  npx cgrpcheck check busy-get --time-budget 1 --seed 8
`);
  });

  test('keeps the budget to within one execution', async () => {
    const io = createFakeIo();
    const engine = createFakeEngine({
      onExecution: () => {
        io.time += 7;
      },
    });
    const { out } = await cli(
      ['check', 'busy-get', '--seed', '7', '--time-budget', '2.5', '--json'],
      io,
      engine,
    );
    const elapsed = JSON.parse(out).stats.elapsedMs;
    expect(elapsed).toBeGreaterThanOrEqual(2500);
    expect(elapsed).toBeLessThan(2500 * 1.01);
  });

  test('--runs still caps a budgeted run', async () => {
    const { out } = await cli(['check', 'busy-get', '--seed', '7', '--time-budget', '60', '--runs', '3']);
    expect(out).toContain('PASS: no violation in 3 executions');
    expect(out).not.toContain('stopped');
  });
});

describe('Ctrl-C', () => {
  function interruptAt(n: number, times = 1) {
    const io = createFakeIo();
    const engine = createFakeEngine({
      onExecution: (i) => {
        if (i === n) for (let k = 0; k < times; k++) io.interrupt();
      },
    });
    return { io, engine };
  }

  test('the first stops after the current execution, prints what was explored, exits 0', async () => {
    const { io, engine } = interruptAt(3);
    const { code, out, err } = await cli(['check', 'busy-get', '--seed', '99', '--runs', '500'], io, engine);
    expect(code).toBe(0);
    expect(err).toBe('cgrpcheck: stopping after the current execution (Ctrl-C again to exit now)\n');
    expect(out).toBe(`seed: 99
scenario: busy-get (kernel 6.15, strategy random)
explored: 4 executions, 40 steps in 0.0 s
PASS: no violation in 4 executions (sampled, not exhaustive)

interrupted (Ctrl-C) after 4 executions; no violation in what was explored
resume: random samples independent executions and keeps no position; explore more with a new seed:
  npx cgrpcheck check busy-get --runs 500 --seed 100
`);
    expect(io.interruptHandlers.size).toBe(0);
    expect(io.exits).toEqual([]);
  });

  test('an exhaustive run suggests shards, since a rerun starts over', async () => {
    const { io, engine } = interruptAt(2);
    const argv = [
      'check',
      'busy-get',
      '--strategy',
      'dfs',
      '--seed',
      '1',
      '--format=junit',
      '--out',
      'r.xml',
    ];
    const { code, out } = await cli(argv, io, engine);
    expect(code).toBe(0);
    expect(
      out,
    ).toContain(`PASS (INCOMPLETE): no violation in the 3 executions explored; the search stopped before covering the space
report: r.xml (junit)

interrupted (Ctrl-C) after 3 executions; no violation in what was explored
resume: dfs keeps no position, so a rerun starts over; split the space into 4 shards, run each (in parallel or one at a time), then merge:
  npx cgrpcheck check busy-get --strategy dfs --seed 1 --shard 0/4 --json --out shard-0.json
  … through --shard 3/4, then:
  npx cgrpcheck merge shard-0.json shard-1.json shard-2.json shard-3.json
`);
    expect(io.files.get('/work/r.xml')).toContain('<property name="stoppedBy" value="interrupt"/>');
  });

  test('a JSON report records the stop, and the notes go to stderr', async () => {
    const { io, engine } = interruptAt(0);
    const { out, err } = await cli(['check', 'busy-get', '--seed', '5', '--json'], io, engine);
    expect(JSON.parse(out).stoppedBy).toBe('interrupt');
    expect(err).toContain('interrupted (Ctrl-C) after 1 execution;');
  });

  test('a Ctrl-C during the last execution changes nothing', async () => {
    const { io, engine } = interruptAt(6);
    const { code, out } = await cli(['check', 'uaf-on-destroy', '--seed', '5'], io, engine);
    expect(code).toBe(1);
    expect(out).not.toContain('interrupted');
  });

  test('a violation reported after the stop still exits 1', async () => {
    const io = createFakeIo();
    const fake = createFakeEngine();
    const engine: Engine = {
      ...fake,
      async check(_scenario, options, hooks) {
        io.interrupt();
        expect(hooks?.shouldStop?.()).toBe(true);
        return {
          ok: true,
          value: makeReport('uaf-on-destroy', options.seed, 2, { violation: UAF_VIOLATION }),
        };
      },
    };
    const { code, out } = await cli(['check', 'uaf-on-destroy', '--seed', '5'], io, engine);
    expect(code).toBe(1);
    expect(
      out,
    ).toContain(`token: .cgrpcheck/last-violation.token (replay it with: npx cgrpcheck replay .cgrpcheck/last-violation.token)

interrupted (Ctrl-C) after 2 executions; the violation above was found before the stop
`);
  });

  test('the second exits at once with 130', async () => {
    const { io, engine } = interruptAt(1, 2);
    await cli(['check', 'busy-get', '--seed', '5'], io, engine);
    expect(io.exits).toEqual([130]);
    expect(io.err).toBe(
      'cgrpcheck: stopping after the current execution (Ctrl-C again to exit now)\n' +
        'cgrpcheck: interrupted again; exiting without a report\n',
    );
  });
});
