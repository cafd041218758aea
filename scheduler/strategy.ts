/**
 * The interface every search strategy implements, one per file (random.ts,
 * pct.ts, dfs.ts, dpor.ts, bounded.ts, replay.ts). A strategy only produces
 * decisions; the step loop (execute.ts) records them in the choice stream.
 */
import type { Task, TaskId, Violation } from './task.js';

/** What a strategy may inspect while deciding. Valid only during one execution. */
export interface SchedulerView {
  /** The execution's tasks, indexed by TaskId. */
  readonly tasks: readonly Task[];
  /** Current virtual time. */
  now(): number;
  /** Steps run so far in this execution. */
  steps(): number;
}

/** How one execution ended. */
export type ExecutionStatus = 'finished' | 'violated' | 'abandoned';

/** Summary of one execution, handed to {@link Strategy.endExecution}. */
export interface ExecutionOutcome {
  /** 'abandoned' when the strategy pruned it (DPOR: sleep-set blocked). */
  readonly status: ExecutionStatus;
  readonly violation: Violation | undefined;
  readonly steps: number;
  /** Switches away from a task that was still runnable. */
  readonly preemptions: number;
  /** Times the virtual clock moved forward. */
  readonly clockAdvances: number;
}

/** Per-strategy statistics and guarantees, reported in every explore result. */
export type StrategyInfo =
  | { readonly name: 'random'; readonly seed: string }
  | {
      readonly name: 'pct';
      readonly seed: string;
      readonly depth: number;
      readonly maxStepsEstimate: number;
      /** Largest task count seen (n in the bound). */
      readonly tasks: number;
      /** Per-execution probability bound 1/(n·k^(d−1)) of hitting a depth-d bug. */
      readonly guarantee: number;
    }
  | { readonly name: 'dfs' }
  | {
      readonly name: 'dpor';
      readonly sleepBlocked: number;
      readonly wakeupInsertions: number;
      /** Wakeup sequences dropped because their step could not run there (a wait another step satisfies). */
      readonly infeasible: number;
      /**
       * Executions the whole search will take, estimated from the branching
       * seen so far (estimateSearchSize in dpor.ts); exact once it is done.
       */
      readonly estimatedExecutions: number;
    }
  | {
      readonly name: 'bounded';
      readonly maxPreemptions: number;
      /** perBound[b] = executions with exactly b preemptions explored so far. */
      readonly perBound: readonly number[];
    }
  | { readonly name: 'replay' };

/** The names in {@link StrategyInfo}; also the strategy field of a replay token. */
export type StrategyName = StrategyInfo['name'];

/**
 * Decides which task runs next and every data choice. Called by the step loop
 * only; `nextTask` may return undefined to abandon the execution (pruning).
 */
export interface Strategy {
  readonly name: StrategyName;
  /** True when running out of executions means the whole space was covered. */
  readonly isExhaustive: boolean;
  /**
   * True when execution i depends only on (seed, i), so executions may be run
   * in any order or split across workers (random, pct); exhaustive searches are sequential.
   */
  readonly isIndexed: boolean;
  /** Starts execution `index` (0, 1, ...); false ends the search. */
  beginExecution(index: number): boolean;
  /** Picks one of `runnable` (ascending ids, non-empty); `current` ran the last step. */
  nextTask(runnable: readonly TaskId[], current: TaskId | undefined, view: SchedulerView): TaskId | undefined;
  /** A data choice in [0, n). */
  choose(n: number): number;
  /** Called after the picked task's step ran (before invariant checks). */
  afterStep?(task: TaskId, view: SchedulerView): void;
  /** Called when the virtual clock advanced to `now` because nothing could run. */
  onClockAdvance?(now: number): void;
  /** Ends the current execution. */
  endExecution(outcome: ExecutionOutcome): void;
  /** Statistics so far. */
  info(): StrategyInfo;
}
