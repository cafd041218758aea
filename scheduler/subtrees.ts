/**
 * Splitting an exhaustive search into disjoint subtrees, so that worker
 * threads and CI shards can explore parts of it independently and still add
 * up to one run. A subtree is the set of executions whose choice stream starts
 * with a given prefix of `depth` decisions (task picks and data choices); the
 * prefixes are enumerated depth first in ascending order, so exploring the
 * subtrees in order is a depth-first search of the whole tree.
 *
 * Sleep sets (Godefroid, "Partial-Order Methods for the Verification of
 * Concurrent Systems", LNCS 1032, 1996) carry the partial-order reduction across
 * the split: the prefix levels are fully expanded, a task whose step was
 * explored in an earlier sibling sleeps until a dependent step runs, and a
 * prefix that picks a sleeping task is dropped. DPOR starts each subtree with
 * the sleep set its prefix ends in, so no Mazurkiewicz trace is explored twice.
 * For preemption bounding, the prefix's preemptions count against the bound.
 */
import { ChoiceLog, runExecution } from './execute.js';
import { isConflicting } from './happensBefore.js';
import type { ExecutionOutcome, SchedulerView, Strategy, StrategyInfo } from './strategy.js';
import type { Access, ExecutionFactory, TaskId } from './task.js';
import type { SleepEntry } from './wakeupTree.js';

/** One part of a split search tree. */
export interface Subtree {
  /** The forced first decisions of every execution in it. */
  readonly prefix: readonly number[];
  /** Tasks asleep after the prefix (DPOR only; empty otherwise). */
  readonly sleep: readonly SleepEntry[];
  /** Preemptions the prefix makes. */
  readonly preemptions: number;
}

/** Options of {@link splitSearchTree}. */
export interface SplitOptions {
  /** Use sleep sets across prefixes (DPOR). @defaultValue false */
  readonly isReduced?: boolean;
  /** Drop prefixes with more preemptions than this (preemption bounding). @defaultValue unbounded */
  readonly maxPreemptions?: number;
  /** Deepen the prefixes until there are at least this many subtrees. @defaultValue DEFAULT_MIN_SUBTREES */
  readonly minSubtrees?: number;
  /** Never make prefixes longer than this. @defaultValue DEFAULT_MAX_SPLIT_DEPTH */
  readonly maxDepth?: number;
  readonly maxSteps: number;
}

/** Subtrees a split aims for: enough to keep a few workers busy and balanced. */
export const DEFAULT_MIN_SUBTREES = 16;
/** Longest prefix a split uses. */
export const DEFAULT_MAX_SPLIT_DEPTH = 12;

/** What the search meets right after a prefix. */
type NextDecision =
  | {
      readonly kind: 'pick';
      readonly runnable: readonly TaskId[];
      readonly accesses: readonly (readonly Access[])[];
      readonly current: TaskId | undefined;
    }
  | { readonly kind: 'choice'; readonly n: number }
  | { readonly kind: 'end' };

/** Runs the prefix and reports the next decision, abandoning the execution there. */
function probe(factory: ExecutionFactory, prefix: readonly number[], maxSteps: number): NextDecision {
  let d = 0;
  let found: NextDecision | undefined;
  const probeStrategy: Strategy = {
    name: 'replay',
    isExhaustive: false,
    isIndexed: false,
    beginExecution: () => true,
    nextTask(runnable: readonly TaskId[], current: TaskId | undefined, view: SchedulerView) {
      if (found !== undefined) return undefined;
      if (d < prefix.length) return prefix[d++] as TaskId;
      found = {
        kind: 'pick',
        runnable: runnable.slice(),
        accesses: runnable.map((t) => view.tasks[t]!.peek()!.accesses),
        current,
      };
      return undefined;
    },
    choose(n: number): number {
      if (d < prefix.length) return prefix[d++]!;
      found ??= { kind: 'choice', n };
      return 0;
    },
    endExecution(_o: ExecutionOutcome): void {},
    info: (): StrategyInfo => ({ name: 'replay' }),
  };
  runExecution(factory, probeStrategy, { log: new ChoiceLog(), maxSteps });
  return found ?? { kind: 'end' };
}

/** A split: the subtrees in search order, and whether the preemption bound dropped any prefix. */
export interface SearchSplit {
  readonly subtrees: readonly Subtree[];
  /** True when a prefix over `maxPreemptions` was dropped (the bounded space is then not the whole space). */
  readonly isBoundPruned: boolean;
}

/** The children of `node` one decision deeper, in ascending decision order. */
function expand(
  factory: ExecutionFactory,
  node: Subtree,
  options: SplitOptions,
  onBoundPruned: () => void,
): Subtree[] | undefined {
  const next = probe(factory, node.prefix, options.maxSteps);
  if (next.kind === 'end') return undefined;
  if (next.kind === 'choice') {
    return Array.from({ length: next.n }, (_, v) => ({ ...node, prefix: [...node.prefix, v] }));
  }
  const out: Subtree[] = [];
  const explored: SleepEntry[] = [];
  next.runnable.forEach((p, i) => {
    const accesses = next.accesses[i]!;
    const isAsleep = node.sleep.some((s) => s.task === p);
    const preemptions =
      node.preemptions +
      (next.current !== undefined && next.runnable.includes(next.current) && p !== next.current ? 1 : 0);
    const isOverBound = preemptions > (options.maxPreemptions ?? Number.POSITIVE_INFINITY);
    if (isOverBound) onBoundPruned();
    if (!isAsleep && !isOverBound) {
      const sleep = options.isReduced
        ? [...node.sleep, ...explored].filter((s) => s.task !== p && !isConflicting(s.accesses, accesses))
        : [];
      out.push({ prefix: [...node.prefix, p], sleep, preemptions });
    }
    if (options.isReduced && !isAsleep) explored.push({ task: p, accesses });
  });
  return out;
}

/**
 * Splits the tree of `factory` into subtrees, deepening level by level until
 * there are `minSubtrees` of them or `maxDepth` is reached. Depends only on the
 * factory and the options, never on how many workers will explore the parts.
 */
export function splitSearchTree(factory: ExecutionFactory, options: SplitOptions): SearchSplit {
  const minSubtrees = options.minSubtrees ?? DEFAULT_MIN_SUBTREES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_SPLIT_DEPTH;
  let level: Subtree[] = [{ prefix: [], sleep: [], preemptions: 0 }];
  let isBoundPruned = false;
  const onBoundPruned = (): void => {
    isBoundPruned = true;
  };
  for (let depth = 0; depth < maxDepth && level.length < minSubtrees; depth++) {
    const deeper: Subtree[] = [];
    let isGrowing = false;
    for (const node of level) {
      const children = expand(factory, node, options, onBoundPruned);
      if (children === undefined) deeper.push(node);
      else {
        deeper.push(...children);
        isGrowing = true;
      }
    }
    if (!isGrowing) break;
    level = deeper;
  }
  return { subtrees: level, isBoundPruned };
}

/**
 * Runs `inner` below a subtree's prefix: the prefix's decisions are replayed,
 * every later decision is the inner strategy's. Inner strategies see the
 * prefix steps as already done (their world starts after it).
 */
export function restrictToSubtree(inner: Strategy, subtree: Subtree): Strategy {
  const prefix = subtree.prefix;
  let d = 0;
  let isInnerStep = false;
  return {
    name: inner.name,
    isIndexed: false,
    get isExhaustive() {
      return inner.isExhaustive;
    },
    beginExecution(index: number): boolean {
      d = 0;
      isInnerStep = false;
      return inner.beginExecution(index);
    },
    nextTask(
      runnable: readonly TaskId[],
      current: TaskId | undefined,
      view: SchedulerView,
    ): TaskId | undefined {
      if (d < prefix.length) {
        const t = prefix[d++]! as TaskId;
        if (!runnable.includes(t)) {
          throw new Error(
            `nondeterministic execution: subtree prefix picks task ${t}; runnable = [${runnable.join(', ')}]`,
          );
        }
        isInnerStep = false;
        return t;
      }
      isInnerStep = true;
      return inner.nextTask(runnable, current, view);
    },
    choose(n: number): number {
      if (d < prefix.length) {
        const v = prefix[d++]!;
        if (v >= n) throw new Error(`nondeterministic execution: subtree prefix chooses ${v} of ${n}`);
        return v;
      }
      return inner.choose(n);
    },
    afterStep(task: TaskId, view: SchedulerView): void {
      if (isInnerStep) inner.afterStep?.(task, view);
    },
    onClockAdvance(now: number): void {
      inner.onClockAdvance?.(now);
    },
    endExecution(outcome: ExecutionOutcome): void {
      inner.endExecution(outcome);
    },
    info: (): StrategyInfo => inner.info(),
  };
}
