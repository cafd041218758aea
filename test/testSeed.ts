/**
 * The seed of a test run: CGRPCHECK_TEST_SEED when set, else a fixed default,
 * so `npm test` and `CI=true npm test` pass with no other variable and a
 * failure replays locally with the printed value.
 */

/** The seed every run uses unless CGRPCHECK_TEST_SEED overrides it. */
export const DEFAULT_TEST_SEED = 20261125;

/** A resolved seed and where it came from, or why the override is unusable. */
export type TestSeed =
  | { readonly ok: true; readonly seed: number; readonly source: 'default' | 'CGRPCHECK_TEST_SEED' }
  | { readonly ok: false; readonly message: string };

/** Reads the seed from `env`; an empty variable counts as unset. */
export function resolveTestSeed(env: Readonly<Record<string, string | undefined>>): TestSeed {
  const raw = env.CGRPCHECK_TEST_SEED;
  if (raw === undefined || raw === '') return { ok: true, seed: DEFAULT_TEST_SEED, source: 'default' };
  // fast-check takes a 32-bit integer seed.
  const n = /^-?\d{1,10}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) {
    return {
      ok: false,
      message: `CGRPCHECK_TEST_SEED: expected a 32-bit integer, got '${raw}' (unset it to use ${DEFAULT_TEST_SEED})`,
    };
  }
  return { ok: true, seed: n, source: 'CGRPCHECK_TEST_SEED' };
}

/** The line the run prints once, so a CI log shows how to replay it. */
export function describeTestSeed(seed: { readonly seed: number; readonly source: string }): string {
  return seed.source === 'default'
    ? `test seed: ${seed.seed} (the default; set CGRPCHECK_TEST_SEED to override)`
    : `test seed: ${seed.seed} (from CGRPCHECK_TEST_SEED)`;
}
