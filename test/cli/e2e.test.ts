/**
 * The cli against the real engine: in-process with a fake io for the outputs,
 * and once through the built binary (dist/, made by `npm test` before vitest)
 * for exit codes, files and stderr as a shell sees them.
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
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
    // The entry declares atomic-add: reproducing it meets the expectation.
    expect(found.code).toBe(0);
    const report = JSON.parse(found.out) as CheckReport;
    expect(report.verdict).toBe('violation');
    expect(report.violation?.invariant).toBe('atomic-add');
    const replayed = await run(['replay', report.violation!.replay, '--json']);
    expect(replayed.code).toBe(0);
    const again = JSON.parse(replayed.out) as CheckReport;
    expect(again.violation?.message).toBe(report.violation?.message);
    expect(again.violation?.trace).toEqual(report.violation?.trace);
  });

  test('DOT names the objects of the scenario on its edges and chains every cluster in step order', async () => {
    const r = await run(['check', 'doc-counter-racy', '--seed', '1', '--workers', '1', '--format', 'dot']);
    const dot = r.out;
    expect(dot).toContain('[style=dashed, label="selem counters/app"]');
    expect(dot).not.toMatch(/label="obj \d/);
    const edges = new Set([...dot.matchAll(/^ {2}(s\d+) -> (s\d+)/gm)].map((m) => `${m[1]}>${m[2]}`));
    const clusters = dot.split('subgraph cluster_').slice(1);
    expect(clusters.length).toBeGreaterThan(1);
    for (const c of clusters) {
      const ids = [...c.split('}')[0]!.matchAll(/^ {4}(s\d+) \[/gm)].map((m) => m[1]!);
      for (let i = 1; i < ids.length; i++) expect(edges.has(`${ids[i - 1]}>${ids[i]}`)).toBe(true);
    }
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
    expect(violated.status).toBe(0);
    expect(violated.stdout).toContain('VIOLATION of atomic-add');
    expect(violated.stdout).toContain(
      'EXPECTED: the scenario declares a violation of atomic-add; it was found',
    );
    const tokenFile = join(dir, '.cgrpcheck/last-violation.token');
    expect(existsSync(tokenFile)).toBe(true);
    const replayed = shell(['replay', tokenFile], dir);
    expect(replayed.status).toBe(0);
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

describe('safe output and portable tokens, through the binary', () => {
  /** examples/doc-counter.json with a racy increment and `expect: pass`: an unexpected violation. */
  function racyCounter(dir: string): string {
    const def = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../examples/doc-counter.json'), 'utf8'),
    );
    def.$schema = undefined;
    def.name = 'racy-counter';
    def.programs[0].insns = [
      'call get map=counters cg=current flags=F_CREATE',
      'jnull r0 out',
      'ld r1 [r0+0]',
      'add r1 1',
      'st [r0+0] r1',
      'out: exit 0',
    ];
    def.check = ['atomic-add'];
    writeFileSync(join(dir, 'racy.json'), JSON.stringify(def, null, 2));
    return 'racy.json';
  }

  test('--out onto the scenario file is refused before exploring; the file is untouched', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgrpcheck-out-'));
    const file = racyCounter(dir);
    const before = readFileSync(join(dir, file), 'utf8');
    const r = shell(['check', file, '--out', file, '--workers', '1'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `cgrpcheck: --out: '${file}' is the scenario file; refusing to overwrite an input\n`,
    );
    expect(r.stdout).toBe('');
    expect(readFileSync(join(dir, file), 'utf8')).toBe(before);
  });

  test('--out /dev/full: the violation still exits 1, the device stays, the token reaches .cgrpcheck/', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgrpcheck-out-'));
    const file = racyCounter(dir);
    const r = shell(['check', file, '--seed', '1', '--workers', '1', '--out', '/dev/full'], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("cgrpcheck: --out: cannot write '/dev/full': no space left on device (ENOSPC)\n");
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
    expect(readFileSync(join(dir, '.cgrpcheck/last-violation.token'), 'utf8')).toMatch(/^cgrp1:/);
  });

  test('a token replays from another folder; without its file it names the file it needs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgrpcheck-token-'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'cgrpcheck-elsewhere-'));
    const file = racyCounter(dir);
    const found = shell(['check', file, '--seed', '1', '--workers', '1'], dir);
    expect(found.status).toBe(1);
    const token = readFileSync(join(dir, '.cgrpcheck/last-violation.token'), 'utf8').trim();
    const replayed = shell(['replay', token], elsewhere);
    expect(replayed.status).toBe(1);
    expect(replayed.stdout).toContain('VIOLATION of atomic-add');
    rmSync(join(dir, file));
    const missing = shell(['replay', token], elsewhere);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe(
      `cgrpcheck: token: needs the scenario file '${join(realpathSync(dir), file)}', which does not exist here; replay where it exists, or from a folder holding a '${file}' with the same content\n`,
    );
    // The same content under the same name in the working folder is accepted.
    racyCounter(elsewhere);
    expect(shell(['replay', token], elsewhere).status).toBe(1);
  });
});
