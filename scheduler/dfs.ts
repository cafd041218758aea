/**
 * Naive exhaustive search: stateless depth-first enumeration of every
 * decision (which task steps, every data-choice value), visiting every
 * interleaving exactly once. For comparison and counting, not for speed.
 */
import type { ExecutionOutcome, Strategy, StrategyInfo } from './strategy.js';
import type { TaskId } from './task.js';

/**
 * The decision tree walker shared by the exhaustive strategies: decisions below
 * the replayed prefix are fresh (take option 0, remember the option count).
 */
export class DecisionStack {
  // invariant: chosen.length === counts.length and chosen[i] < counts[i]
  private readonly chosen: number[] = [];
  private readonly counts: number[] = [];
  private depth = 0;

  /** Restarts at the root for the next execution (keeping the path to replay). */
  rewind(): void {
    this.depth = 0;
  }

  /** Index of the option to take at the next decision, given its option count. */
  next(count: number): number {
    const d = this.depth++;
    if (d < this.chosen.length) {
      if (this.counts[d] !== count) {
        throw new Error(
          `nondeterministic execution: decision ${d} had ${this.counts[d]} options on the last run, now ${count}`,
        );
      }
      return this.chosen[d]!;
    }
    this.chosen.push(0);
    this.counts.push(count);
    return 0;
  }

  /** True while the next decision replays the previous path. */
  isReplaying(): boolean {
    return this.depth < this.chosen.length;
  }

  /** Drops decisions the last execution did not reach, then moves to the next path; false when none is left. */
  advance(): boolean {
    this.chosen.length = this.depth;
    this.counts.length = this.depth;
    while (this.chosen.length > 0) {
      const top = this.chosen.length - 1;
      if (this.chosen[top]! + 1 < this.counts[top]!) {
        this.chosen[top]!++;
        return true;
      }
      this.chosen.pop();
      this.counts.pop();
    }
    return false;
  }
}

/** Naive exhaustive DFS over all interleavings and data choices. */
export function createDfsStrategy(): Strategy {
  const stack = new DecisionStack();
  let isDone = false;
  return {
    name: 'dfs',
    isExhaustive: true,
    isIndexed: false,
    beginExecution(): boolean {
      stack.rewind();
      return !isDone;
    },
    nextTask(runnable: readonly TaskId[]): TaskId {
      return runnable[stack.next(runnable.length)]!;
    },
    choose(n: number): number {
      return stack.next(n);
    },
    endExecution(_outcome: ExecutionOutcome): void {
      isDone = !stack.advance();
    },
    info: (): StrategyInfo => ({ name: 'dfs' }),
  };
}
