import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

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
  },
});
