/**
 * Iterative preemption bounding: Musuvathi & Qadeer, "Iterative Context
 * Bounding for Systematic Testing of Multithreaded Programs", PLDI 2007.
 * Explores every execution with 0 preemptions, then every execution with
 * exactly 1, ..., up to `maxPreemptions`; each execution runs exactly once. A
 * preemption is switching away from a task that was still runnable.
 */
import { DecisionStack } from './dfs.js';
import type { Strategy, StrategyInfo } from './strategy.js';
import type { TaskId } from './task.js';

/** Options of {@link createBoundedStrategy}. */
export interface BoundedOptions {
  /** Largest preemption bound to explore. @defaultValue DEFAULT_MAX_PREEMPTIONS */
  readonly maxPreemptions?: number;
}

/** Default largest preemption bound. */
export const DEFAULT_MAX_PREEMPTIONS = 2;

/**
 * Bound b runs, from each b-preemption frontier prefix (a choice-stream prefix
 * ending in its b-th preemption), a DFS over non-preempting decisions; each
 * preempting alternative met on the way becomes a frontier prefix of bound b+1.
 */
export function createBoundedStrategy(options: BoundedOptions = {}): Strategy {
  const maxPreemptions = options.maxPreemptions ?? DEFAULT_MAX_PREEMPTIONS;
  if (!Number.isInteger(maxPreemptions) || maxPreemptions < 0) {
    throw new Error(`maxPreemptions must be an integer >= 0, got ${maxPreemptions}`);
  }
  const perBound: number[] = [0];
  let bound = 0;
  let frontier: number[][] = [[]];
  let nextFrontier: number[][] = [];
  let item = 0;
  let stack = new DecisionStack();
  // Stryker disable next-line ArrayDeclaration: beginExecution empties it before every execution
  const path: number[] = [];
  let isDone = false;
  let isCovered = false;

  const prefix = (): readonly number[] => frontier[item]!;
  const nextItem = (): void => {
    stack = new DecisionStack();
    if (++item < frontier.length) return;
    item = 0;
    frontier = nextFrontier;
    nextFrontier = [];
    if (frontier.length === 0) {
      isDone = true;
      isCovered = true;
    } else if (++bound > maxPreemptions) isDone = true;
    else perBound.push(0);
  };

  return {
    name: 'bounded',
    isIndexed: false,
    get isExhaustive() {
      return isCovered;
    },
    beginExecution(): boolean {
      stack.rewind();
      path.length = 0;
      return !isDone;
    },
    nextTask(runnable: readonly TaskId[], current: TaskId | undefined): TaskId {
      const pre = prefix();
      if (path.length < pre.length) {
        const t = pre[path.length]! as TaskId;
        if (!runnable.includes(t)) {
          throw new Error(
            `nondeterministic execution: prefix picks task ${t}; runnable = [${runnable.join(', ')}]`,
          );
        }
        path.push(t);
        return t;
      }
      const isCurrentRunnable = runnable.includes(current as TaskId); // false for undefined
      if (isCurrentRunnable && !stack.isReplaying()) {
        for (const t of runnable) if (t !== current) nextFrontier.push([...path, t]);
      }
      const t = isCurrentRunnable ? (current as TaskId) : runnable[stack.next(runnable.length)]!;
      if (isCurrentRunnable) stack.next(1);
      path.push(t);
      return t;
    },
    choose(n: number): number {
      const pre = prefix();
      const v = path.length < pre.length ? pre[path.length]! : stack.next(n);
      path.push(v);
      return v;
    },
    endExecution(): void {
      perBound[bound]!++;
      if (!stack.advance()) nextItem();
    },
    info: (): StrategyInfo => ({ name: 'bounded', maxPreemptions, perBound: perBound.slice() }),
  };
}
