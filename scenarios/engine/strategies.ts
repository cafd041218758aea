/**
 * Builds scheduler strategies from run options. PCT needs an estimate k of
 * the steps per execution; it is measured on one seeded random execution so
 * that it is the same in every run with the same seed.
 */
import { createBoundedStrategy } from '../../scheduler/bounded.js';
import { createDfsStrategy } from '../../scheduler/dfs.js';
import { createDporStrategy } from '../../scheduler/dpor.js';
import { explore } from '../../scheduler/explore.js';
import { createPctStrategy } from '../../scheduler/pct.js';
import { createRandomStrategy } from '../../scheduler/random.js';
import type { Strategy } from '../../scheduler/strategy.js';
import type { ExecutionFactory } from '../../scheduler/task.js';
import type { RunOptions } from './engine.js';

/** Steps of one seeded random execution: PCT's k. */
export function estimateSteps(factory: ExecutionFactory, seed: string, maxSteps: number): number {
  const r = explore(factory, createRandomStrategy(`${seed}/estimate`), { maxExecutions: 1, maxSteps });
  return Math.max(1, r.steps);
}

/** A fresh strategy for `options`; exhaustive strategies keep their search state in it. */
export function createStrategy(factory: ExecutionFactory, options: RunOptions): Strategy {
  switch (options.strategy) {
    case 'random':
      return createRandomStrategy(options.seed);
    case 'pct':
      return createPctStrategy(
        { depth: options.depth, maxStepsEstimate: estimateSteps(factory, options.seed, options.maxSteps) },
        options.seed,
      );
    case 'dpor':
      return createDporStrategy();
    case 'dfs':
      return createDfsStrategy();
    case 'bounded':
      return createBoundedStrategy({ maxPreemptions: options.preemptions });
  }
}
