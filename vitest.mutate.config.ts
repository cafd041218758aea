import { defineConfig } from 'vitest/config';
import type { Reporter, TestModule, Vitest } from 'vitest/node';
import { DEFAULT_TEST_SEED } from './test/seeds.js';
import base from './vitest.config.js';

// The fixed seed only: derived seeds follow the commit, and the seed is part of
// a seeded test's name, so with them every commit would rename tests and the
// incremental file could reuse none of their results (and a seed that happens
// to hit a bug would fail Stryker's dry run instead of the suite).
process.env.CGRPCHECK_TEST_SEEDS ??= String(DEFAULT_TEST_SEED);

/**
 * Makes a test file that fails to load (a syntax error in a module it imports)
 * an error of the run. Stryker's vitest runner counts only the tests it sees, so
 * without this such a file silently contributes no tests: its mutants read as
 * NoCoverage in the dry run (scheduler/wakeupTree.ts once showed 0 %) and as
 * Survived in a mutant run. With it, the dry run fails loudly and a mutant that
 * breaks loading is reported as a runtime error.
 */
class FailedLoadReporter implements Reporter {
  private vitest: Vitest | undefined;
  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    for (const m of testModules)
      for (const e of m.errors())
        this.vitest?.state.catchError(new Error(`${m.moduleId} failed to load: ${e.message}`), 'Load Error');
  }
}

/**
 * The tests `npm run mutate` runs against each mutant: those of the mutated
 * folders (model/, properties/, scheduler/). The score then says how well each
 * folder's own tests pin its behaviour; the catalogue's end-to-end runs would
 * kill more mutants by accident, at seconds per mutant.
 */
export default defineConfig({
  test: {
    ...base.test,
    // Replaces (not extends) the base list.
    include: ['test/model/**/*.test.ts', 'test/properties/**/*.test.ts', 'test/scheduler/**/*.test.ts'],
    hookTimeout: 60_000,
    reporters: ['default', new FailedLoadReporter()],
  },
});
