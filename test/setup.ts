/**
 * Vitest setup of every test file: the run's seeds (resolved once in
 * globalSetup.ts from CGRPCHECK_TEST_SEED / CGRPCHECK_TEST_SEEDS, with a fixed
 * default, so `npm test` needs no variable in any CI).
 */
import fc from 'fast-check';
import { inject } from 'vitest';

/** Every seed of this run: the fixed one first, then those derived for this commit. */
export const TEST_SEEDS: readonly number[] = inject('testSeeds');
/** The fixed seed of this run, shared by fast-check's defaults and the checker's own tests. */
export const TEST_SEED = TEST_SEEDS[0]!;
fc.configureGlobal({ seed: TEST_SEED, numRuns: 100 });
