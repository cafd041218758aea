/**
 * PCT, probabilistic concurrency testing: Burckhardt, Kothari, Musuvathi,
 * Nagarakatte, "A Randomized Scheduler with Probabilistic Guarantees of
 * Finding Bugs", ASPLOS 2010. Each execution gives the n tasks random distinct
 * priorities d..d+n-1, picks d-1 random change points in [1, k], always runs
 * the highest-priority runnable task, and after the step numbered k_i lowers
 * the running task's priority to i. A bug of depth d is found with probability
 * at least 1/(n·k^(d−1)) per execution.
 */
import { createRng, deriveSeed, type Rng } from './rng.js';
import type { SchedulerView, Strategy, StrategyInfo } from './strategy.js';
import type { TaskId } from './task.js';

/** Options of {@link createPctStrategy}. */
export interface PctOptions {
  /** Bug depth d: number of ordering constraints to hit (d-1 priority changes). @defaultValue 3 */
  readonly depth?: number;
  /** Estimate k of the steps per execution; change points fall in [1, k]. @defaultValue 100 */
  readonly maxStepsEstimate?: number;
}

/** The PCT lower bound 1/(n·k^(d−1)) on finding a depth-d bug in one execution (0 when n = 0). */
export function pctGuarantee(tasks: number, maxStepsEstimate: number, depth: number): number {
  return tasks === 0 ? 0 : 1 / (tasks * maxStepsEstimate ** (depth - 1));
}

/** PCT over tasks; execution i uses only `deriveSeed(seed, i)`. */
export function createPctStrategy(options: PctOptions, seed: string): Strategy {
  const depth = options.depth ?? 3;
  const k = options.maxStepsEstimate ?? 100;
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`depth must be an integer >= 1, got ${depth}`);
  if (!Number.isInteger(k) || k < 1) throw new Error(`maxStepsEstimate must be an integer >= 1, got ${k}`);
  let rng: Rng = createRng(deriveSeed(seed, 0));
  let priority: number[] = [];
  // Stryker disable next-line ArrayDeclaration: afterStep compares its entries with a step number, which a string never equals
  let changeAt: number[] = []; // changeAt[i-1] = k_i
  let maxTasks = 0;

  const assign = (n: number): void => {
    priority = Array.from({ length: n }, (_, t) => depth + t);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      [priority[i], priority[j]] = [priority[j]!, priority[i]!];
    }
    changeAt = Array.from({ length: depth - 1 }, () => 1 + rng.nextInt(k));
    maxTasks = Math.max(maxTasks, n);
  };

  return {
    name: 'pct',
    isExhaustive: false,
    isIndexed: true,
    beginExecution(index: number): boolean {
      rng = createRng(deriveSeed(seed, index));
      priority = [];
      return true;
    },
    nextTask(runnable: readonly TaskId[], _current: TaskId | undefined, view: SchedulerView): TaskId {
      if (priority.length === 0) assign(view.tasks.length);
      let best = runnable[0]!;
      // Stryker disable next-line EqualityOperator: priorities are distinct (d..d+n-1 at start, each lowered value i+1 given once), so >= picks the same task
      for (const t of runnable) if (priority[t]! > priority[best]!) best = t;
      return best;
    },
    choose(n: number): number {
      return n === 1 ? 0 : rng.nextInt(n);
    },
    afterStep(task: TaskId, view: SchedulerView): void {
      const s = view.steps();
      // Stryker disable next-line EqualityOperator,ArithmeticOperator: changeAt[length] is undefined, never a step number; i - 1 shifts every lowered priority by 2, all still below every initial one (>= depth) and in the same order
      for (let i = 0; i < changeAt.length; i++) if (changeAt[i] === s) priority[task] = i + 1;
    },
    endExecution(): void {},
    info: (): StrategyInfo => ({
      name: 'pct',
      seed,
      depth,
      maxStepsEstimate: k,
      tasks: maxTasks,
      guarantee: pctGuarantee(maxTasks, k, depth),
    }),
  };
}
