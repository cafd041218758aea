/**
 * Vitest setup: every randomised test reads its seed from here, so a CI
 * failure replays locally with the same value (test/testSeed.ts resolves it;
 * test/globalSetup.ts prints it once per run).
 */
import fc from 'fast-check';
import { resolveTestSeed } from './testSeed.js';

const resolved = resolveTestSeed(process.env);
if (!resolved.ok) throw new Error(resolved.message);
/** The fixed seed of this test run, shared by fast-check and the checker's own tests. */
export const TEST_SEED = resolved.seed;
fc.configureGlobal({ seed: TEST_SEED, numRuns: 100 });
