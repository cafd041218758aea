/**
 * Vitest global setup: resolves the run's seeds once, prints them with the line
 * that reruns one, and hands them to every test file (see setup.ts).
 */
import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';
import { resolveTestSeeds } from './seeds.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testSeeds: number[];
  }
}

/** The commit under test, or undefined outside a git checkout. */
function headCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

export default function setup(project: TestProject): void {
  const commit = headCommit();
  const seeds = resolveTestSeeds(process.env, commit);
  const from = commit === undefined ? 'the fixed seed' : `the fixed seed and commit ${commit.slice(0, 12)}`;
  process.stdout.write(
    `test seeds: ${seeds.join(', ')} (the first is fixed; the others derive from ${from}). ` +
      `Rerun one: CGRPCHECK_TEST_SEEDS=<seed> npx vitest run\n`,
  );
  project.provide('testSeeds', seeds);
}
