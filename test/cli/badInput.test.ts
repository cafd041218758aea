/**
 * Bad input: each case exits 2 with exactly one line on stderr naming the
 * problem (no stack), prints nothing on stdout, and leaves no file behind.
 */
import { describe, expect, test } from 'vitest';
import { createFakeEngine } from './fakeEngine.js';
import { createFakeIo, type FakeIo } from './fakeIo.js';
import { cli } from './harness.js';

const OUT = ['--out', 'report.json'];
const CHECK = ['check', 'uaf-on-destroy'];

/** Files the cases start with: a scenario the engine rejects, a token file, shard reports. */
function seededIo(): FakeIo {
  const io = createFakeIo();
  io.files.set('/work/broken.json', '{"tasks":[{"ops":"lock"}]}');
  io.files.set('/work/locked.token', 'cgrp1.uaf-on-destroy.6-2.AbC_d-9\n');
  io.unreadable.add('/work/locked.token');
  io.files.set('/work/empty.token', '\n');
  io.files.set('/work/notjson.json', '{"scenario": ');
  io.files.set('/work/array.json', '[1, 2]');
  io.files.set(
    '/work/partial.json',
    '{"scenario":"x","kernel":"6.2","strategy":"random","seed":"1","verdict":"maybe"}',
  );
  io.files.set('/work/a.json', JSON.stringify(shard('uaf-on-destroy')));
  io.files.set('/work/b.json', JSON.stringify(shard('busy-get')));
  io.folders.add('/work/reports');
  return io;
}

function shard(scenario: string): object {
  const stats = { executions: 5, steps: 50, elapsedMs: 1, abandoned: 0 };
  return {
    scenario,
    kernel: '6.2',
    strategy: 'dfs',
    seed: '1',
    params: {},
    verdict: 'pass',
    complete: false,
    stats,
    unreached: [],
  };
}

const CASES: readonly [string, readonly string[], string][] = [
  ['no command', [], "missing command (see 'cgrpcheck --help')"],
  ['unknown command', ['chek', 'uaf-on-destroy'], "unknown command 'chek'"],
  ['unknown option', [...CHECK, '--frobnicate', ...OUT], "unknown option '--frobnicate'"],
  ['option of another command', ['list', '--seed', '1'], "option '--seed' does not apply to 'list'"],
  ['option before the command', ['--json', 'list'], "missing command before '--json'"],
  ['missing scenario', ['check', ...OUT], 'check: missing scenario name or file'],
  ['two scenarios', [...CHECK, 'busy-get', ...OUT], "check: unexpected argument 'busy-get'"],
  ['unknown scenario', ['check', 'uaf', ...OUT], "unknown scenario 'uaf' (see 'cgrpcheck list')"],
  ['missing scenario file', ['check', 'missing.json', ...OUT], "check: no such file 'missing.json'"],
  [
    'folder as scenario file',
    ['check', 'reports/', ...OUT],
    "check: 'reports/' is a folder, not a scenario file",
  ],
  [
    'malformed scenario file',
    ['check', 'broken.json', ...OUT],
    "broken.json: tasks[0].ops: expected an array, got 'lock'",
  ],
  ['negative runs', [...CHECK, '--runs', '-3', ...OUT], "--runs: expected a positive integer, got '-3'"],
  ['zero runs', [...CHECK, '--runs=0', ...OUT], "--runs: expected a positive integer, got '0'"],
  ['fractional runs', [...CHECK, '--runs', '1.5', ...OUT], "--runs: expected a positive integer, got '1.5'"],
  ['zero depth', [...CHECK, '--depth', '0', ...OUT], "--depth: expected a positive integer, got '0'"],
  [
    'negative preemptions',
    [...CHECK, '--preemptions', '-1', ...OUT],
    "--preemptions: expected a non-negative integer, got '-1'",
  ],
  [
    'max-steps not a number',
    [...CHECK, '--max-steps', 'lots', ...OUT],
    "--max-steps: expected a positive integer, got 'lots'",
  ],
  ['zero workers', [...CHECK, '--workers', '0', ...OUT], "--workers: expected a positive integer, got '0'"],
  [
    'zero time budget',
    [...CHECK, '--time-budget', '0', ...OUT],
    "--time-budget: expected a positive number of seconds, got '0'",
  ],
  [
    'time budget with a unit',
    [...CHECK, '--time-budget', '10s', ...OUT],
    "--time-budget: expected a positive number of seconds, got '10s'",
  ],
  [
    'shard index too big',
    [...CHECK, '--shard', '3/2', ...OUT],
    "--shard: index 3 is not below count 2 in '3/2'",
  ],
  [
    'shard not I/N',
    [...CHECK, '--shard', '1-2', ...OUT],
    "--shard: expected INDEX/COUNT such as 0/4, got '1-2'",
  ],
  [
    'unknown kernel',
    [...CHECK, '--kernel', '5.10', ...OUT],
    "--kernel: unknown kernel '5.10' (known: 6.2, 6.15, 7.0)",
  ],
  [
    'unknown strategy',
    [...CHECK, '--strategy', 'greedy', ...OUT],
    "--strategy: unknown value 'greedy' (known: random, pct, dpor, dfs, bounded)",
  ],
  [
    'unknown format',
    [...CHECK, '--format', 'yaml', ...OUT],
    "--format: unknown value 'yaml' (known: text, json, junit, chrome, dot)",
  ],
  [
    '--json with --format junit',
    [...CHECK, '--json', '--format', 'junit', ...OUT],
    '--json conflicts with --format junit',
  ],
  ['boolean flag with a value', [...CHECK, '--json=yes', ...OUT], "--json: takes no value, got '--json=yes'"],
  ['--set without =', [...CHECK, '--set', 'cpus', ...OUT], "--set: expected key=value, got 'cpus'"],
  [
    '--set not a number',
    [...CHECK, '--set', 'cpus=two', ...OUT],
    "--set: cpus: expected a number, got 'two'",
  ],
  [
    '--set key twice',
    [...CHECK, '--set', 'cpus=1', '--set', 'cpus=2', ...OUT],
    "--set: key 'cpus' given twice",
  ],
  [
    '--set unknown parameter',
    [...CHECK, '--set', 'cpu=2', ...OUT],
    "--set: scenario 'uaf-on-destroy' has no parameter 'cpu' (known: cpus)",
  ],
  ['--set out of range', [...CHECK, '--set', 'cpus=9', ...OUT], '--set: cpus=9 is outside 1..4'],
  ['flag given twice', [...CHECK, '--seed', '1', '--seed', '2', ...OUT], '--seed: given twice'],
  ['flag without its value', [...CHECK, ...OUT, '--seed'], '--seed: missing value'],
  ['flag followed by a flag', [...CHECK, '--seed', '--json', ...OUT], '--seed: missing value'],
  [
    'seed with a space',
    [...CHECK, '--seed', 'a b', ...OUT],
    "--seed: expected 1 to 64 letters, digits, '.', '_' or '-', got 'a b'",
  ],
  [
    '--out in a missing folder',
    [...CHECK, '--out', 'nowhere/report.json'],
    "--out: folder 'nowhere' does not exist",
  ],
  ['--out is a folder', [...CHECK, '--out', 'reports'], "--out: 'reports' is a folder"],
  ['replay without a token', ['replay', ...OUT], 'replay: missing token or token file'],
  [
    'unreadable token file',
    ['replay', 'locked.token', ...OUT],
    "replay: cannot read token file 'locked.token': permission denied (EACCES)",
  ],
  ['missing token file', ['replay', 'gone.token', ...OUT], "replay: no such token file 'gone.token'"],
  ['empty token file', ['replay', 'empty.token', ...OUT], "replay: token file 'empty.token' is empty"],
  [
    'malformed token',
    ['replay', 'garbage', ...OUT],
    "replay: malformed token 'garbage' (expected cgrp1.<scenario>...)",
  ],
  ['merge without files', ['merge', ...OUT], 'merge: missing report files'],
  ['merge of a missing file', ['merge', 'a.json', 'c.json', ...OUT], "merge: no such file 'c.json'"],
  [
    'merge of a file that is not JSON',
    ['merge', 'notjson.json', ...OUT],
    "merge: 'notjson.json' is not JSON (Unexpected end of JSON input)",
  ],
  [
    'merge of JSON that is not a report',
    ['merge', 'array.json', ...OUT],
    "merge: 'array.json' is not a cgrpcheck JSON report (not an object)",
  ],
  [
    'merge of a report with a bad verdict',
    ['merge', 'partial.json', ...OUT],
    `merge: 'partial.json' is not a cgrpcheck JSON report ('verdict' is not "pass" or "violation")`,
  ],
  [
    'merge of different scenarios',
    ['merge', 'a.json', 'b.json', ...OUT],
    "merge: reports of 'uaf-on-destroy' and 'busy-get'",
  ],
  ['help for an unknown command', ['help', 'chek'], "help: unknown command 'chek'"],
  ['list with an argument', ['list', 'all'], "list: unexpected argument 'all'"],
];

describe('bad input exits 2 with one line', () => {
  test.each(CASES)('%s', async (_, argv, message) => {
    const io = seededIo();
    const before = new Set(io.files.keys());
    const { code, out, err } = await cli([...argv], io);
    expect(code).toBe(2);
    expect(err).toBe(`cgrpcheck: ${message}\n`);
    expect(out).toBe('');
    expect([...io.files.keys()].filter((f) => !before.has(f))).toEqual([]);
  });

  test(`covers at least 15 kinds (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(15);
  });

  test('an input error from engine.check is bad input too', async () => {
    const engine = createFakeEngine({ checkError: "--kernel 6.2: scenario 'x' needs rqspinlock (7.0+)" });
    const { code, out, err, io } = await cli([...CHECK, ...OUT], createFakeIo(), engine);
    expect([code, out, err]).toEqual([
      2,
      '',
      "cgrpcheck: --kernel 6.2: scenario 'x' needs rqspinlock (7.0+)\n",
    ]);
    expect(io.files.size).toBe(0);
  });

  test('the engine never runs on bad input', async () => {
    const { engine } = await cli([...CHECK, '--runs', '-3']);
    expect(engine.checks).toEqual([]);
  });
});
