/**
 * `cgrpcheck test` with the real engine and the real file system: the whole
 * catalogue meets its expectations (each `-before` entry by reproducing its
 * declared violation) with one JUnit testcase per entry; a `-before` entry
 * with its bug option removed fails with exit 1, a clear line and an
 * annotation on its `expect` line.
 */
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createNodeIo } from '../../../cli/nodeIo.js';
import { runCli } from '../../../cli/runCli.js';
import { locateCatalogueEntry } from '../../../cli/suite/locate.js';
import { createEngine } from '../../../scenarios/index.js';

const engine = createEngine();
const ROOT = join(import.meta.dirname, '../../..');
const BROKEN = 'create-on-dying-before-without-bug.json';

/** Runs the cli in `cwd` over the real file system, capturing stdout and stderr. */
async function run(argv: string[], cwd: string, env: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const io = {
    ...createNodeIo('0.0.0', 1, ROOT),
    cwd,
    env,
    stdout: (t: string) => {
      out += t;
    },
    stderr: (t: string) => {
      err += t;
    },
  };
  const code = await runCli(argv, io, engine);
  return { code, out, err };
}

describe('cgrpcheck test, real engine', () => {
  test('--catalogue: every entry meets its expectation; one JUnit testcase per entry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgrpcheck-suite-'));
    const r = await run(['test', '--catalogue', '--junit', 'junit.xml'], dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const names = engine.list().map((s) => s.name);
    expect(names).toHaveLength(35);
    expect(r.out).toContain('35 scenarios: 35 passed, 0 failed; every scenario met its expectation\n');
    expect(r.out).toContain(
      'PASS  create-on-dying-before: no-create-on-dying found as declared (random, 1 execution,',
    );
    const xml = readFileSync(join(dir, 'junit.xml'), 'utf8');
    expect(xml).toContain('<testsuites name="cgrpcheck" tests="35" failures="0" errors="0" skipped="0"');
    expect([...xml.matchAll(/<testcase name="([^"]+)"/g)].map((m) => m[1])).toEqual(names);
  });

  test('a -before entry without its bug option fails: exit 1, the reason, an annotation on "expect"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgrpcheck-suite-'));
    copyFileSync(join(ROOT, 'test/cli/fixtures', BROKEN), join(dir, BROKEN));
    const summary = join(dir, 'summary.md');
    const r = await run(['test', BROKEN], dir, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary });
    expect(r.code).toBe(1);
    expect(r.out.split('\n')).toEqual([
      'cgrpcheck test: 1 scenario; seed catalogue',
      expect.stringMatching(
        /^FAIL {2}create-on-dying-before-without-bug\.json: expected a violation of no-create-on-dying, none found in 200 executions \(random, 200 executions, \d+\.\d s\)$/,
      ),
      '1 scenario: 0 passed, 1 failed; FAILED',
      `::error file=${BROKEN},line=6,title=cgrpcheck%3A ${BROKEN}::expected a violation of no-create-on-dying, none found in 200 executions`,
      '',
    ]);
    expect(readFileSync(join(dir, BROKEN), 'utf8').split('\n')[5]).toBe('  "expect": "no-create-on-dying",');
    expect(readFileSync(summary, 'utf8')).toContain(
      '| ❌ | files | `create-on-dying-before-without-bug.json` |',
    );
    const junit = await run(['test', BROKEN, '--junit', 'j.xml', '--github', 'off'], dir);
    expect(junit.code).toBe(1);
    expect(readFileSync(join(dir, 'j.xml'), 'utf8')).toMatch(
      /<testcase name="create-on-dying-before-without-bug\.json" classname="cgrpcheck\.files" time="\d+\.\d{3}" file="create-on-dying-before-without-bug\.json">\n {6}<failure message="expected a violation of no-create-on-dying, none found in 200 executions" type="missing-violation">/,
    );
  });

  test('a catalogue entry is located in the catalogue sources: its name, or its pair base name', () => {
    const io = { ...createNodeIo('0.0.0', 1, ROOT), cwd: ROOT };
    const at = (name: string) => locateCatalogueEntry(io, name);
    const line = (file: string, text: string) =>
      readFileSync(join(ROOT, file), 'utf8')
        .split('\n')
        .findIndex((l) => l.includes(text)) + 1;
    expect(at('doc-counter-racy')).toEqual({
      file: 'scenarios/catalogue/docCounter.ts',
      line: line('scenarios/catalogue/docCounter.ts', "'doc-counter-racy'"),
    });
    expect(at('map-free-deadlock-before')).toEqual({
      file: 'scenarios/catalogue/historical.ts',
      line: line('scenarios/catalogue/historical.ts', "'map-free-deadlock'"),
    });
  });

  test('examples/ as a suite: every example meets its expectation', async () => {
    const r = await run(['test', join(ROOT, 'examples')], ROOT);
    expect(r.code).toBe(0);
    expect(r.out).toContain('PASS  examples/doc-counter.json (random, 300 executions,');
  });
});
