/**
 * Mutation testing (`npm run mutate`, not part of `npm test`): Stryker plants one
 * small bug at a time in the core (model/, properties/, scheduler/) and runs the
 * tests that cover it; a mutant no test kills is a gap in the suite. Incremental:
 * the result file is committed, so a rerun only tests mutants in changed code.
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  dryRunTimeoutMinutes: 30,
  coverageAnalysis: 'perTest',
  mutate: ['model/**/*.ts', 'properties/**/*.ts', 'scheduler/**/*.ts'],
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, reportTests: false, reportMutants: false },
  thresholds: { high: 90, low: 85, break: null },
  concurrency: 2,
  timeoutMS: 20000,
  // Stryker rewrites tsconfig.json with the TypeScript API, which the native
  // TypeScript 7 compiler does not ship; nothing in ours needs rewriting.
  tsconfigFile: 'tsconfig.stryker-none.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
