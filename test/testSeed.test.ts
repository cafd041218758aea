/**
 * The test run's seed: `CI=true npm test` needs no other variable (a fixed
 * default, printed), CGRPCHECK_TEST_SEED overrides it, a bad value is refused.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { DEFAULT_TEST_SEED, describeTestSeed, resolveTestSeed } from './testSeed.js';

describe('resolveTestSeed', () => {
  test('unset or empty: the fixed default, whatever CI says', () => {
    expect(resolveTestSeed({ CI: 'true' })).toEqual({ ok: true, seed: 20261125, source: 'default' });
    expect(resolveTestSeed({ CGRPCHECK_TEST_SEED: '' })).toEqual({
      ok: true,
      seed: DEFAULT_TEST_SEED,
      source: 'default',
    });
  });

  test('the override wins and is printed as such', () => {
    const r = resolveTestSeed({ CI: 'true', CGRPCHECK_TEST_SEED: '-42' });
    expect(r).toEqual({ ok: true, seed: -42, source: 'CGRPCHECK_TEST_SEED' });
    expect(r.ok && describeTestSeed(r)).toBe('test seed: -42 (from CGRPCHECK_TEST_SEED)');
  });

  test.each(['abc', '1.5', '2147483648', '12x'])('a bad override %s is refused with its value', (raw) => {
    expect(resolveTestSeed({ CGRPCHECK_TEST_SEED: raw })).toEqual({
      ok: false,
      message: `CGRPCHECK_TEST_SEED: expected a 32-bit integer, got '${raw}' (unset it to use 20261125)`,
    });
  });
});

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
  test('CI=true and no seed variable: the run passes and prints the default seed', () => {
    const r = runVitest({ CI: 'true' });
    expect(r.stdout).toContain('test seed: 20261125 (the default; set CGRPCHECK_TEST_SEED to override)');
    expect(r.status).toBe(0);
  });

  test('a bad CGRPCHECK_TEST_SEED fails the run before any test, naming the value', () => {
    const r = runVitest({ CI: 'true', CGRPCHECK_TEST_SEED: 'abc' });
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain("CGRPCHECK_TEST_SEED: expected a 32-bit integer, got 'abc'");
  });
});
