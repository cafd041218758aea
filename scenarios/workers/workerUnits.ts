/**
 * The units of work a check run is cut into, and the one function that runs a
 * unit: the main thread and every worker thread call the same
 * {@link runUnit}, so a run's result never depends on where its units ran.
 *
 * Random and PCT runs are cut into blocks of consecutive positions of the
 * shard's execution sequence (execution i depends only on (seed, i)); an
 * exhaustive run is cut into the subtrees of scheduler/subtrees.ts, the same
 * for any number of workers. Units are committed in order (workerCommit.ts).
 */
import { createBoundedStrategy } from '../../scheduler/bounded.js';
import { createDfsStrategy } from '../../scheduler/dfs.js';
import { createDporStrategy } from '../../scheduler/dpor.js';
import { explore, type StopReason } from '../../scheduler/explore.js';
import { createPctStrategy } from '../../scheduler/pct.js';
import { createRandomStrategy } from '../../scheduler/random.js';
import type { Strategy, StrategyInfo } from '../../scheduler/strategy.js';
import { restrictToSubtree, type Subtree, splitSearchTree } from '../../scheduler/subtrees.js';
import type { RunOptions } from '../engine/engine.js';
import type { PreparedRun } from '../engine/prepare.js';
import { estimateSteps } from '../engine/strategies.js';

/** Executions per block of a random or PCT run, and per explore call inside any unit. */
export const UNIT_EXECUTIONS = 64;

/** A block of positions p (execution index shard.index + p·shard.count) of a random or PCT run. */
export interface BlockUnit {
  readonly kind: 'block';
  /** Position of this unit in the run's commit order. */
  readonly order: number;
  readonly first: number;
  readonly count: number;
}

/** One subtree of an exhaustive run, explored for at most `cap` executions. */
export interface SubtreeUnit {
  readonly kind: 'subtree';
  readonly order: number;
  readonly subtree: Subtree;
  readonly cap: number;
}

/** A unit of work. */
export type WorkUnit = BlockUnit | SubtreeUnit;

/** What every unit of one run shares (sent once per unit; plain data). */
export interface UnitContext {
  readonly options: RunOptions;
  /** PCT's k, measured once on the main thread. */
  readonly pctEstimate: number;
}

/** A violation found by a unit, before shrinking (plain data, so it crosses threads). */
export interface UnitViolation {
  /** Execution ordinal within the unit (0-based). */
  readonly position: number;
  /** Global execution index (random, pct); for subtrees the committer computes it. */
  readonly executionIndex: number;
  readonly invariant: string;
  readonly message: string;
  readonly choices: readonly number[];
  readonly failingSteps: number;
  readonly preemptions: number;
}

/** The outcome of one unit (plain data). */
export interface UnitResult {
  readonly order: number;
  readonly executions: number;
  readonly steps: number;
  readonly abandoned: number;
  readonly stoppedBy: StopReason;
  readonly complete: boolean;
  readonly info: StrategyInfo;
  /** Goal id → ordinal of the first execution that met it (-1 = none), in registration order. */
  readonly reached: readonly (readonly [string, number])[];
  /** Steps of each execution, when the run is a shard (the merge trims by them). */
  readonly stepsPerExecution?: readonly number[];
  readonly violation?: UnitViolation;
}

/** How a run is cut into units, and facts the committer needs. */
export interface RunPlan {
  readonly context: UnitContext;
  /** Exhaustive runs: this run's subtrees, in commit order (a shard's share of the split). */
  readonly subtrees: readonly Subtree[];
  readonly isIndexed: boolean;
  /** Exhaustive runs: a bounded split dropped prefixes, so the run cannot be complete. */
  readonly isBoundPruned: boolean;
  /** Executions the run may explore at most (for the shard, when sharded). */
  readonly cap: number;
}

const isIndexedStrategy = (o: RunOptions): boolean => o.strategy === 'random' || o.strategy === 'pct';

/** Executions shard `index` of `count` runs out of `runs`: indices index, index+count, … below runs. */
export function shardExecutions(
  runs: number,
  shard: { readonly index: number; readonly count: number },
): number {
  return shard.index >= runs ? 0 : Math.ceil((runs - shard.index) / shard.count);
}

/** Cuts a run into units; depends on the scenario and options, never on the worker count. */
export function planRun(run: PreparedRun, options: RunOptions): RunPlan {
  const shard = options.shard ?? { index: 0, count: 1 };
  const pctEstimate =
    options.strategy === 'pct' ? estimateSteps(run.factory, options.seed, options.maxSteps) : 0;
  const context: UnitContext = { options, pctEstimate };
  if (isIndexedStrategy(options)) {
    const total = shardExecutions(options.runs, shard);
    return { context, subtrees: [], isIndexed: true, isBoundPruned: false, cap: total };
  }
  const split = splitSearchTree(run.factory, {
    isReduced: options.strategy === 'dpor',
    maxSteps: options.maxSteps,
    ...(options.strategy === 'bounded' ? { maxPreemptions: options.preemptions } : {}),
  });
  const subtrees = split.subtrees.filter((_, j) => j % shard.count === shard.index);
  return { context, subtrees, isIndexed: false, isBoundPruned: split.isBoundPruned, cap: options.runs };
}

/**
 * Unit `order` of a plan, or undefined past the last. Blocks are made on
 * demand (a time-budgeted run has no useful upper bound); `remaining` caps a
 * subtree at what the run may still explore.
 */
export function unitAt(plan: RunPlan, order: number, remaining: number): WorkUnit | undefined {
  if (plan.isIndexed) {
    const first = order * UNIT_EXECUTIONS;
    if (first >= plan.cap) return undefined;
    return { kind: 'block', order, first, count: Math.min(UNIT_EXECUTIONS, plan.cap - first) };
  }
  const subtree = plan.subtrees[order];
  return subtree === undefined ? undefined : { kind: 'subtree', order, subtree, cap: Math.max(1, remaining) };
}

function strategyOf(unit: WorkUnit, ctx: UnitContext): Strategy {
  const o = ctx.options;
  if (unit.kind === 'block') {
    return o.strategy === 'pct'
      ? createPctStrategy({ depth: o.depth, maxStepsEstimate: ctx.pctEstimate }, o.seed)
      : createRandomStrategy(o.seed);
  }
  const s = unit.subtree;
  switch (o.strategy) {
    case 'dpor':
      return restrictToSubtree(createDporStrategy({ initialSleep: s.sleep }), s);
    case 'bounded':
      return restrictToSubtree(createBoundedStrategy({ maxPreemptions: o.preemptions - s.preemptions }), s);
    default:
      return restrictToSubtree(createDfsStrategy(), s);
  }
}

/** Hooks of {@link runUnit}; both are called between executions only. */
export interface UnitHooks {
  readonly shouldStop?: () => boolean;
  /** After each explore call: executions and steps of the unit so far. */
  readonly onChunk?: (executions: number, steps: number) => Promise<void> | void;
}

/**
 * Runs one unit to its end (its executions, its cap, its first violation, or a
 * stop). A pure function of (run, unit, context) unless stopped.
 */
export async function runUnit(
  run: PreparedRun,
  unit: WorkUnit,
  ctx: UnitContext,
  hooks: UnitHooks = {},
): Promise<UnitResult> {
  const o = ctx.options;
  const shard = o.shard ?? { index: 0, count: 1 };
  const strategy = strategyOf(unit, ctx);
  const shouldStop = hooks.shouldStop ?? (() => false);
  const limit = unit.kind === 'block' ? unit.count : unit.cap;
  const perExecution: number[] | undefined = shard.count > 1 ? [] : undefined;
  run.reachability.reset();
  let executions = 0;
  let steps = 0;
  let abandoned = 0;
  let stoppedBy: StopReason = 'maxExecutions';
  let violation: UnitViolation | undefined;
  while (executions < limit) {
    const first = unit.kind === 'block' ? shard.index + (unit.first + executions) * shard.count : 0;
    const r = explore(run.factory, strategy, {
      maxSteps: o.maxSteps,
      maxExecutions: Math.min(UNIT_EXECUTIONS, limit - executions),
      shouldStop,
      ...(unit.kind === 'block' ? { firstExecution: first, executionStride: shard.count } : {}),
      ...(perExecution === undefined ? {} : { onExecutionEnd: (e) => perExecution.push(e.outcome.steps) }),
    });
    if (r.status === 'violated') {
      const position = executions + r.executions - 1;
      violation = {
        position,
        executionIndex: unit.kind === 'block' ? r.executionIndex : position,
        invariant: r.violation.invariant,
        message: r.violation.message,
        choices: r.choices,
        failingSteps: r.failingSteps,
        preemptions: r.preemptions,
      };
    }
    executions += r.executions;
    steps += r.steps;
    abandoned += r.abandoned;
    stoppedBy = r.stoppedBy;
    if (r.stoppedBy !== 'maxExecutions') break;
    await hooks.onChunk?.(executions, steps);
  }
  return {
    order: unit.order,
    executions,
    steps,
    abandoned,
    stoppedBy,
    complete: stoppedBy === 'exhausted' && strategy.isExhaustive,
    info: strategy.info(),
    reached: run.reachability.firstReached(),
    ...(perExecution === undefined ? {} : { stepsPerExecution: perExecution }),
    ...(violation === undefined ? {} : { violation }),
  };
}
