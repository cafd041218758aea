/**
 * `CI=true npm test` needs no other variable: vitest's set-up, run the way CI
 * runs it (CI=true, no seed variable), passes and prints the seeds it used; a
 * malformed override stops the run before any test, naming the value.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';

/** Runs vitest on one small test file with `env` as the whole environment (plus PATH and HOME). */
function runVitest(env: Record<string, string>) {
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  return spawnSync('npx', ['vitest', 'run', 'test/scheduler/scheduleCodec.test.ts'], {
    cwd: new URL('..', import.meta.url).pathname,
    env: { ...base, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

describe('vitest set-up as CI runs it', () => {
  test('CI=true and no seed variable: the run passes and prints the fixed seed first', () => {
    const r = runVitest({ CI: 'true' });
    expect(r.stdout).toMatch(/test seeds: 20261125, \d+, \d+ \(the first is fixed;/);
    expect(r.status).toBe(0);
  });

  test('a malformed CGRPCHECK_TEST_SEED fails the run before any test, naming the value', () => {
    const r = runVitest({ CI: 'true', CGRPCHECK_TEST_SEED: 'abc' });
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain("CGRPCHECK_TEST_SEED: 'abc' is not a seed");
  });
});
