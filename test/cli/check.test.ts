/** `cgrpcheck check`: exit codes, the text report, defaults, the token file, --out. */
import { describe, expect, test } from 'vitest';
import type { Engine } from '../../scenarios/engine/engine.js';
import { createFakeEngine } from './fakeEngine.js';
import { createFakeIo } from './fakeIo.js';
import { makeReport, UAF_TOKEN, UAF_VIOLATION } from './fixtures.js';
import { cli } from './harness.js';

const VIOLATION_TEXT = `seed: 42
scenario: uaf-on-destroy (kernel 6.2, strategy random)
explored: 7 executions, 70 steps in 0.0 s

VIOLATION of no-use-after-free: cpu0 read e1 after the grace period freed it
found in execution 7; minimal trace:

step  cpu0                       cpu1                            rcu
----  -------------------------  ------------------------------  ------------------
   0  bpf_cgrp_storage_get(cg1)
      → e1 linked on cg1
   1                             cgroup_destroy(cg1)
                                 → cg1 dying
   2                             bpf_cgrp_storage_free(cg1)
                                 → e1 unlinked; call_rcu queued
   3                                                             rcu_grace_period()
                                                                 → e1 freed
   4  READ_ONCE(e1->data)

shrunk: 41 steps, 5 preemptions → 5 steps, 2 preemptions
FAIL: expected pass, found a violation of no-use-after-free

replay: npx cgrpcheck replay ${UAF_TOKEN}
token: .cgrpcheck/last-violation.token (replay it with: npx cgrpcheck replay .cgrpcheck/last-violation.token)
`;

/** A fake whose check returns `report` as is. */
function engineReturning(report: ReturnType<typeof makeReport>): Engine {
  return { ...createFakeEngine(), check: async () => ({ ok: true, value: report }) };
}

describe('check', () => {
  test('a violation exits 1, prints the trace as columns and writes the token', async () => {
    const { code, out, err, io } = await cli(['check', 'uaf-on-destroy', '--seed', '42']);
    expect(code).toBe(1);
    expect(out).toBe(VIOLATION_TEXT);
    expect(err).toBe('');
    expect(io.files.get('/work/.cgrpcheck/last-violation.token')).toBe(`${UAF_TOKEN}\n`);
  });

  test('a pass exits 0 with a short summary', async () => {
    const { code, out, err } = await cli(['check', 'busy-get', '--seed', '42', '--runs', '50']);
    expect(code).toBe(0);
    expect(out).toBe(`seed: 42
scenario: busy-get (kernel 6.15, strategy random)
explored: 50 executions, 500 steps in 0.0 s
PASS: no violation in 50 executions (sampled, not exhaustive)
`);
    expect(err).toBe('');
  });

  test('an exhaustive pass says whether the space was covered', async () => {
    const full = await cli(['check', 'busy-get', '--seed', '1', '--strategy', 'dfs', '--runs', '6']);
    expect(full.out).toContain(
      'PASS: no violation in 6 executions (complete: the whole space was covered)\n',
    );
  });

  test('an exhaustive pass that did not cover its space says so on its verdict line; --strict fails it (exit 1)', async () => {
    const partial = makeReport('busy-get', '1', 5, { strategy: 'dfs' });
    const argv = ['check', 'busy-get', '--seed', '1', '--strategy', 'dfs'];
    const lax = await cli(argv, createFakeIo(), engineReturning(partial));
    expect(lax.code).toBe(0);
    expect(lax.out).toContain(
      'PASS (INCOMPLETE): no violation in the 5 executions explored; the search stopped before covering the space\n',
    );
    const strict = await cli([...argv, '--strict'], createFakeIo(), engineReturning(partial));
    expect(strict.code).toBe(1);
    const full = makeReport('busy-get', '1', 6, { strategy: 'dfs', complete: true });
    expect((await cli([...argv, '--strict'], createFakeIo(), engineReturning(full))).code).toBe(0);
  });

  test('an incomplete dpor pass prints the estimate of the whole search and its time at the run rate', async () => {
    const partial = makeReport('busy-get', '1', 50, {
      strategy: 'dpor',
      strategyInfo: { sleepBlocked: 0, wakeupInsertions: 60, infeasible: 0, estimatedExecutions: 400 },
    });
    const io = createFakeIo();
    const { out } = await cli(['check', 'busy-get', '--seed', '1', '--strategy', 'dpor'], io, {
      ...engineReturning(partial),
      check: async () => {
        io.time += 2_000;
        return { ok: true, value: partial };
      },
    });
    expect(out).toContain(
      "estimate: about 400 executions in all, from the branching seen so far (Knuth's estimator); about 16.0 s at this run's rate\n",
    );
  });

  test('a bounded pass that ran everything within its bound says so and satisfies --strict', async () => {
    const report = makeReport('busy-get', '42', 4, { strategy: 'bounded', completeWithinPreemptions: 2 });
    const { code, out } = await cli(
      ['check', 'busy-get', '--seed', '42', '--strategy', 'bounded', '--strict'],
      createFakeIo(),
      engineReturning(report),
    );
    expect(code).toBe(0);
    expect(out).toContain(
      'PASS: no violation in 4 executions (complete within 2 preemptions; executions with more were not explored)\n',
    );
  });

  test('a pass with unreached goals warns that it is vacuous for them', async () => {
    const report = makeReport('busy-get', '42', 3, { unreached: ['get-returned-null', 'lost-update'] });
    const { code, out } = await cli(
      ['check', 'busy-get', '--seed', '42'],
      createFakeIo(),
      engineReturning(report),
    );
    expect(code).toBe(0);
    expect(out).toContain(
      'warning: goals never reached: get-returned-null, lost-update; the pass is vacuous for them\n',
    );
  });

  test('a pass of a scenario that declares a violation fails: exit 1 and a FAIL line', async () => {
    const report = makeReport('uaf-on-destroy', '42', 3, { expect: 'no-use-after-free' });
    const { code, out } = await cli(
      ['check', 'uaf-on-destroy', '--seed', '42'],
      createFakeIo(),
      engineReturning(report),
    );
    expect(code).toBe(1);
    expect(out).toContain(
      'PASS: no violation in 3 executions (sampled, not exhaustive)\nFAIL: expected a violation of no-use-after-free, none found in 3 executions\n',
    );
  });

  test('the declared violation found is a pass: exit 0, the trace, an EXPECTED line', async () => {
    const report = makeReport('uaf-on-destroy', '42', 7, {
      expect: 'no-use-after-free',
      violation: UAF_VIOLATION,
    });
    const { code, out, io } = await cli(
      ['check', 'uaf-on-destroy', '--seed', '42'],
      createFakeIo(),
      engineReturning(report),
    );
    expect(code).toBe(0);
    expect(out).toContain(
      'shrunk: 41 steps, 5 preemptions → 5 steps, 2 preemptions\nEXPECTED: the scenario declares a violation of no-use-after-free; it was found\n',
    );
    expect(io.files.get('/work/.cgrpcheck/last-violation.token')).toBe(`${UAF_TOKEN}\n`);
  });

  test('another violation than the declared one fails', async () => {
    const report = makeReport('uaf-on-destroy', '42', 7, {
      expect: 'no-double-free',
      violation: UAF_VIOLATION,
    });
    const { code, out } = await cli(
      ['check', 'uaf-on-destroy', '--seed', '42'],
      createFakeIo(),
      engineReturning(report),
    );
    expect(code).toBe(1);
    expect(out).toContain(
      'FAIL: expected a violation of no-double-free, found a violation of no-use-after-free\n',
    );
  });

  test.each([
    [
      'unreached goals',
      { unreached: ['get-returned-null'] },
      'reachability goals never reached: get-returned-null',
    ],
    [
      'an exhaustive run that did not cover the space',
      { strategy: 'dpor', complete: false },
      'dpor did not cover the whole space in 3 executions',
    ],
  ])('--strict: a pass with %s exits 1, without it 0', async (_, extra, why) => {
    const report = makeReport('busy-get', '42', 3, extra);
    const loose = await cli(['check', 'busy-get', '--seed', '42'], createFakeIo(), engineReturning(report));
    expect(loose.code).toBe(0);
    expect(loose.out).not.toContain('FAIL');
    const strict = await cli(
      ['check', 'busy-get', '--seed', '42', '--strict'],
      createFakeIo(),
      engineReturning(report),
    );
    expect(strict.code).toBe(1);
    expect(strict.out).toContain(`FAIL: ${why}\n`);
  });

  test('--strict: a complete exhaustive pass exits 0', async () => {
    const report = makeReport('busy-get', '42', 6, { strategy: 'dfs', complete: true });
    const { code } = await cli(
      ['check', 'busy-get', '--seed', '42', '--strict'],
      createFakeIo(),
      engineReturning(report),
    );
    expect(code).toBe(0);
  });

  test('without --seed, one seed is picked from the clock, printed and used', async () => {
    const { out, engine } = await cli(['check', 'busy-get', '--runs', '1']);
    expect(out.split('\n')[0]).toBe(
      'seed: 1764034000000 (picked from the clock; add --seed 1764034000000 to repeat)',
    );
    expect(engine.checks[0]!.options.seed).toBe('1764034000000');
  });

  test('defaults reach the engine resolved', async () => {
    const { engine } = await cli(['check', 'busy-get', '--seed', '9']);
    expect(engine.checks).toEqual([
      {
        scenario: 'busy-get',
        options: {
          strategy: 'random',
          seed: '9',
          runs: 1000,
          depth: 3,
          preemptions: 2,
          maxSteps: 10_000,
          params: {},
          workers: 8,
        },
      },
    ]);
  });

  test('every check flag reaches the engine, in both --flag value and --flag=value forms', async () => {
    const argv = ['check', 'uaf-on-destroy', '--strategy=pct', '--seed', 's1', '--runs', '20', '--depth=5'];
    argv.push(
      '--preemptions',
      '0',
      '--max-steps',
      '300',
      '--kernel=7.0',
      '--set',
      'cpus=3',
      '--workers',
      '2',
    );
    argv.push('--shard', '1/3');
    const { engine } = await cli(argv);
    expect(engine.checks[0]!.options).toEqual({
      strategy: 'pct',
      seed: 's1',
      runs: 20,
      depth: 5,
      preemptions: 0,
      maxSteps: 300,
      kernel: '7.0',
      params: { cpus: 3 },
      workers: 2,
      shard: { index: 1, count: 3 },
    });
  });

  test('a scenario file goes to the engine by path', async () => {
    const io = createFakeIo();
    io.files.set('/work/scenarios/mine.json', '{}');
    io.folders.add('/work/scenarios');
    const { code, engine } = await cli(['check', 'scenarios/mine.json', '--seed', '1', '--runs', '2'], io);
    expect(code).toBe(0);
    expect(engine.loads).toEqual(['scenarios/mine.json']);
  });

  test('--out writes the format to the file, the token beside it, and the text to stdout', async () => {
    const { code, out, io } = await cli([
      'check',
      'uaf-on-destroy',
      '--seed',
      '42',
      '--json',
      '--out',
      'r.json',
    ]);
    expect(code).toBe(1);
    expect(JSON.parse(io.files.get('/work/r.json')!).verdict).toBe('violation');
    expect(io.files.get('/work/r.json.token')).toBe(`${UAF_TOKEN}\n`);
    expect(io.files.has('/work/.cgrpcheck/last-violation.token')).toBe(false);
    expect(out).toContain(
      'token: r.json.token (replay it with: npx cgrpcheck replay r.json.token)\nreport: r.json (json)\n',
    );
  });

  test('a machine format on stdout sends the token line to stderr', async () => {
    const { code, out, err } = await cli(['check', 'uaf-on-destroy', '--seed', '42', '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(out).seed).toBe('42');
    expect(err).toBe(
      'token: .cgrpcheck/last-violation.token (replay it with: npx cgrpcheck replay .cgrpcheck/last-violation.token)\n',
    );
  });

  test('an unwritable token file is a warning, not a failure', async () => {
    const io = createFakeIo();
    io.readOnly.add('/work');
    const { code, out } = await cli(['check', 'uaf-on-destroy', '--seed', '42'], io);
    expect(code).toBe(1);
    expect(out).toContain(
      'warning: could not write the token to .cgrpcheck/last-violation.token: read-only file system (EROFS)\n',
    );
  });

  test('an --out that cannot be written exits 2 but still prints the verdict', async () => {
    const io = createFakeIo();
    io.folders.add('/work/ro');
    io.readOnly.add('/work/ro');
    const { code, out, err } = await cli(
      ['check', 'busy-get', '--seed', '1', '--runs', '1', '--out', 'ro/r.xml'],
      io,
    );
    expect(code).toBe(2);
    expect(err).toBe("cgrpcheck: --out: cannot write 'ro/r.xml': read-only file system (EROFS)\n");
    expect(out).toContain('PASS: no violation in 1 execution ');
    expect(io.files.has('/work/ro/r.xml')).toBe(false);
  });
});

describe('internal errors exit 3 with a stack', () => {
  test('a throw from the engine is a checker bug', async () => {
    const bug = new Error('picked cpu 2; runnable = [0, 1]');
    const { code, out, err, io } = await cli(
      ['check', 'busy-get', '--out', 'r.json'],
      createFakeIo(),
      createFakeEngine({ throwInCheck: bug }),
    );
    expect(code).toBe(3);
    expect(out).toBe('');
    expect(err.split('\n').slice(0, 2)).toEqual([
      'cgrpcheck: internal error (a checker bug; please report it with the command line)',
      'Error: picked cpu 2; runnable = [0, 1]',
    ]);
    expect(err).toMatch(/\n\s+at /);
    expect(io.files.size).toBe(0);
    expect(io.interruptHandlers.size).toBe(0);
  });

  test('a throw from list is one too', async () => {
    const engine: Engine = {
      ...createFakeEngine(),
      list: () => {
        throw new TypeError('catalogue entry 3 has no name');
      },
    };
    const { code, err } = await cli(['list'], createFakeIo(), engine);
    expect(code).toBe(3);
    expect(err).toContain('TypeError: catalogue entry 3 has no name');
  });
});
