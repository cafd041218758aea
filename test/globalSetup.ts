/** Runs once per vitest run: prints the seed (or rejects a bad override before any test starts). */
import { describeTestSeed, resolveTestSeed } from './testSeed.js';

/** Vitest's global set-up hook. */
export default function setup(): void {
  const resolved = resolveTestSeed(process.env);
  if (!resolved.ok) throw new Error(resolved.message);
  process.stdout.write(`${describeTestSeed(resolved)}\n`);
}
