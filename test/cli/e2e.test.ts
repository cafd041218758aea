/**
 * The cli against the real engine: in-process with a fake io for the outputs,
 * and once through the built binary (dist/, made by `npm test` before vitest)
 * for exit codes, files and stderr as a shell sees them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { CheckReport } from '../../scenarios/engine/result.js';
import { createEngine } from '../../scenarios/index.js';
import { cli } from './harness.js';

const engine = createEngine();
const run = (argv: string[]) => cli(argv, undefined, engine);

describe('cgrpcheck with the real engine', () => {
  test('doc-counter passes: atomic adds lose nothing', async () => {
    const r = await run(['check', 'doc-counter', '--seed', '1', '--runs', '50', '--workers', '1']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('PASS: no violation in 50 executions');
  });

  test('doc-counter-racy is caught losing an increment, and its token replays the same trace', async () => {
    const found = await run([
      'check',
      'doc-counter-racy',
      '--seed',
      '1',
      '--runs',
      '300',
      '--json',
      '--workers',
      '1',
    ]);
    expect(found.code).toBe(1);
    const report = JSON.parse(found.out) as CheckReport;
    expect(report.verdict).toBe('violation');
    expect(report.violation?.invariant).toBe('atomic-add');
    const replayed = await run(['replay', report.violation!.replay, '--json']);
    expect(replayed.code).toBe(1);
    const again = JSON.parse(replayed.out) as CheckReport;
    expect(again.violation?.message).toBe(report.violation?.message);
    expect(again.violation?.trace).toEqual(report.violation?.trace);
  });

  test('list --json names every catalogue entry with its expectation', async () => {
    const r = await run(['list', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.out) as { name: string; expect: string }[];
    expect(list.find((s) => s.name === 'doc-counter')?.expect).toBe('pass');
    expect(list.find((s) => s.name === 'doc-counter-racy')?.expect).toBe('atomic-add');
  });

  test('an unknown scenario is bad input: exit 2 and one line', async () => {
    const r = await run(['check', 'doc-countr']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});

const MAIN = join(import.meta.dirname, '../../dist/cli/main.js');
const shell = (args: string[], cwd: string) =>
  spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: 'utf8' });

describe('the built binary', () => {
  test('dist/cli/main.js exists (npm test builds it before vitest)', () => {
    expect(existsSync(MAIN)).toBe(true);
  });

  test('exit codes and files as a shell sees them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgrpcheck-e2e-'));
    const violated = shell(
      ['check', 'doc-counter-racy', '--seed', '1', '--runs', '300', '--workers', '1'],
      dir,
    );
    expect(violated.status).toBe(1);
    expect(violated.stdout).toContain('VIOLATION of atomic-add');
    const tokenFile = join(dir, '.cgrpcheck/last-violation.token');
    expect(existsSync(tokenFile)).toBe(true);
    const replayed = shell(['replay', tokenFile], dir);
    expect(replayed.status).toBe(1);
    expect(replayed.stdout).toContain('VIOLATION of atomic-add');

    writeFileSync(join(dir, 'bad.json'), '{"name": "x",\n "kernel": 6.2,}');
    const bad = shell(['check', 'bad.json', '--out', 'report.json'], dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('bad.json:2:');
    expect(bad.stderr).not.toContain('    at ');
    expect(existsSync(join(dir, 'report.json'))).toBe(false);

    const negative = shell(['check', 'doc-counter', '--runs', '-3'], dir);
    expect(negative.status).toBe(2);
    expect(negative.stderr.trim()).toBe("cgrpcheck: --runs: expected a positive integer, got '-3'");
  });
});
