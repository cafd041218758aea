/**
 * The one seeded source of randomness. Only this file imports seedrandom;
 * strategies receive an {@link Rng}; nothing else draws random numbers.
 */
import seedrandom from 'seedrandom';

/** A deterministic pseudo-random source: the same seed gives the same sequence. */
export interface Rng {
  /** Uniform integer in [0, n); throws when n is not a positive integer (a caller bug). */
  nextInt(n: number): number;
}

/** Creates an Rng from a string seed (seedrandom's Alea generator). */
export function createRng(seed: string): Rng {
  const prng = seedrandom.alea(seed);
  return {
    nextInt(n: number): number {
      if (!Number.isInteger(n) || n <= 0) throw new Error(`nextInt(n) needs a positive integer, got ${n}`);
      return Math.floor(prng.double() * n);
    },
  };
}

/**
 * The seed of execution `index` of a run seeded with `seed`. Execution i depends
 * only on (seed, i), so workers and CI shards may split executions by index and
 * still produce byte-identical results.
 */
export function deriveSeed(seed: string, index: number): string {
  if (!Number.isInteger(index) || index < 0) throw new Error(`execution index must be >= 0, got ${index}`);
  return `${seed}#${index}`;
}
