/**
 * A drop-in for @fast-check/vitest's `test.prop` that registers the property once
 * per seed of the run (TEST_SEEDS: the fixed seed, then those derived for this
 * commit), the seed in each test's name so a failure says how to rerun it.
 */
import { fc, test as fcTest } from '@fast-check/vitest';
import { TEST_SEEDS } from './setup.js';

export { fc };

type Arbitraries<Ts extends unknown[]> = { [K in keyof Ts]: fc.Arbitrary<Ts[K]> };

export const test = {
  prop<Ts extends [unknown, ...unknown[]]>(arbitraries: Arbitraries<Ts>, params: fc.Parameters<Ts> = {}) {
    return (name: string, body: (...args: Ts) => unknown): void => {
      for (const seed of TEST_SEEDS) {
        const run = fcTest.prop(arbitraries as never, { ...params, seed } as never) as unknown as (
          n: string,
          b: (...args: Ts) => unknown,
        ) => void;
        run(`${name} (seed ${seed})`, body);
      }
    };
  },
};
