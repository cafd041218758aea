/**
 * Random walk: every decision uniform among its options. Execution i is seeded
 * with deriveSeed(seed, i), so it depends only on (seed, i).
 */
import { createRng, deriveSeed, type Rng } from './rng.js';
import type { Strategy, StrategyInfo } from './strategy.js';
import type { TaskId } from './task.js';

/** Uniform random walk over tasks and data choices, reproducible from `seed`. */
export function createRandomStrategy(seed: string): Strategy {
  let rng: Rng = createRng(deriveSeed(seed, 0));
  return {
    name: 'random',
    isExhaustive: false,
    isIndexed: true,
    beginExecution(index: number): boolean {
      rng = createRng(deriveSeed(seed, index));
      return true;
    },
    nextTask(runnable: readonly TaskId[]): TaskId {
      return runnable.length === 1 ? runnable[0]! : runnable[rng.nextInt(runnable.length)]!;
    },
    choose(n: number): number {
      return n === 1 ? 0 : rng.nextInt(n);
    },
    endExecution(): void {},
    info: (): StrategyInfo => ({ name: 'random', seed }),
  };
}
