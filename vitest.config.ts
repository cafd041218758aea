import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/globalSetup.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 60_000,
    // Set-up hooks do real work too (findCounterexample in the showcase): the same bound as tests.
    hookTimeout: 60_000,
    pool: 'threads',
  },
});
