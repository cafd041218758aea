/** list, replay, merge, help and --version. */
import { describe, expect, test } from 'vitest';
import { createFakeIo } from './fakeIo.js';
import { CATALOGUE, makeReport, UAF_TOKEN, UAF_VIOLATION } from './fixtures.js';
import { cli } from './harness.js';

describe('list', () => {
  test('a table with each scenario and its parameters', async () => {
    const { code, out, err } = await cli(['list']);
    expect([code, err]).toEqual([0, '']);
    expect(out).toBe(`NAME            KERNEL  EXPECT  DESCRIPTION
uaf-on-destroy  6.2     pass    cgroup destroy races a storage get
    --set cpus=2  (1..4) CPUs running programs
busy-get        6.15    pass    get while the busy counter is held
`);
  });

  test('--json: an array of {name, description, kernel, expect, params}', async () => {
    const { code, out } = await cli(['list', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual(CATALOGUE);
    expect(Object.keys(JSON.parse(out)[0])).toEqual(['name', 'description', 'kernel', 'expect', 'params']);
  });
});

describe('replay', () => {
  test('a token on the command line', async () => {
    const { code, out } = await cli(['replay', UAF_TOKEN]);
    expect(code).toBe(1);
    expect(out).toContain('VIOLATION of no-use-after-free');
    expect(out).not.toContain('token:');
  });

  test('a token file, as check wrote it', async () => {
    const io = createFakeIo();
    await cli(['check', 'uaf-on-destroy', '--seed', '42'], io);
    io.out = '';
    const { code, out } = await cli(['replay', '.cgrpcheck/last-violation.token', '--format', 'junit'], io);
    expect(code).toBe(1);
    expect(out).toContain(
      '<failure message="expected pass, found a violation of no-use-after-free" type="no-use-after-free"',
    );
  });

  test('a token that no longer violates exits 0', async () => {
    const { code, out } = await cli(['replay', 'cgrp1.busy-get.pass']);
    expect(code).toBe(0);
    expect(out).toContain('PASS');
  });
});

describe('merge', () => {
  function shardIo(): ReturnType<typeof createFakeIo> {
    const io = createFakeIo();
    const a = {
      ...makeReport('uaf-on-destroy', '1', 5, { shard: { index: 0, count: 2 } }),
      stoppedBy: 'time-budget',
    };
    const b = makeReport('uaf-on-destroy', '1', 3, {
      shard: { index: 1, count: 2 },
      violation: UAF_VIOLATION,
    });
    io.files.set('/work/s0.json', JSON.stringify(a));
    io.files.set('/work/s1.json', JSON.stringify(b));
    return io;
  }

  test('merges shard reports into one verdict and saves its token', async () => {
    const { code, out, io } = await cli(['merge', 's0.json', 's1.json'], shardIo());
    expect(code).toBe(1);
    expect(out).toContain('explored: 8 executions');
    expect(out).toContain(
      'note: s0.json was stopped early (time-budget); the merge covers only what it explored\n',
    );
    expect(io.files.get('/work/.cgrpcheck/last-violation.token')).toBe(`${UAF_TOKEN}\n`);
  });

  test('the JSON of a merge reads back into another merge', async () => {
    const io = shardIo();
    await cli(['merge', 's0.json', 's1.json', '--json', '--out', 'm.json'], io);
    io.out = '';
    const { code, out } = await cli(['merge', 'm.json', '--json'], io);
    expect(code).toBe(1);
    expect(JSON.parse(out).stats.executions).toBe(8);
  });
});

describe('help and version', () => {
  test.each([['--help'], ['-h'], ['help']])('%s prints the usage and exits 0', async (flag) => {
    const { code, out, err } = await cli([flag]);
    expect([code, err]).toEqual([0, '']);
    expect(out).toContain('usage:\n  cgrpcheck list [--json]\n');
    expect(out).toContain(
      "exit codes: 0 the scenario met its expectation ('expect': pass, or the declared\n  violation found), 1 it did not, 2 bad input or usage, 3 internal error\n",
    );
  });

  test('check --help lists the check options and runs nothing', async () => {
    const { code, out, engine } = await cli(['check', '--help']);
    expect(code).toBe(0);
    expect(out).toContain('--time-budget SECONDS');
    expect(engine.checks).toEqual([]);
  });

  test('--version prints the package version', async () => {
    expect(await cli(['--version'])).toMatchObject({ code: 0, out: 'cgrpcheck 0.1.0\n', err: '' });
  });
});
