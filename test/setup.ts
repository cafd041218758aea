/**
 * Vitest setup: every randomised test reads its seed from CGRPCHECK_TEST_SEED,
 * so a CI failure replays locally with the same value. CI must set it.
 */
import fc from 'fast-check';

const DEFAULT_TEST_SEED = '20261125';
const raw = process.env.CGRPCHECK_TEST_SEED ?? (process.env.CI ? undefined : DEFAULT_TEST_SEED);
if (raw === undefined) {
  throw new Error('CGRPCHECK_TEST_SEED is not set: CI runs with a fixed seed (see .ci/run)');
}
/** The fixed seed of this test run, shared by fast-check and the checker's own tests. */
export const TEST_SEED = Number.parseInt(raw, 10);
fc.configureGlobal({ seed: TEST_SEED, numRuns: 100 });
