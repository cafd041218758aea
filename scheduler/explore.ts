/**
 * The runner: asks a strategy for executions until it runs out, a violation
 * is found, or a budget is spent. Budgets are checked between executions only;
 * the core never reads the clock (the cli passes `shouldStop`).
 */
import { ChoiceLog, DEFAULT_MAX_STEPS, runExecution } from './execute.js';
import { replay } from './replay.js';
import type { ExecutionOutcome, Strategy, StrategyInfo } from './strategy.js';
import type { ExecutionFactory, Violation } from './task.js';
import type { TraceStep } from './trace.js';

export { DEFAULT_MAX_STEPS } from './execute.js';

/** Default number of executions per explore call. */
export const DEFAULT_MAX_EXECUTIONS = 10_000;

/** One finished execution, passed to {@link ExploreOptions.onExecutionEnd}. */
export interface ExecutionRecord {
  readonly index: number;
  readonly outcome: ExecutionOutcome;
  /** The exact choice stream of this execution. */
  readonly choices: readonly number[];
}

/** Options of {@link explore}; every field is optional. */
export interface ExploreOptions {
  /** Step budget per execution; exceeding it is a `no-livelock` violation. @defaultValue DEFAULT_MAX_STEPS */
  readonly maxSteps?: number;
  /** Executions to run at most. @defaultValue DEFAULT_MAX_EXECUTIONS */
  readonly maxExecutions?: number;
  /** Checked between executions; true stops the search (the cli's time budget). @defaultValue never stops */
  readonly shouldStop?: () => boolean;
  /**
   * When set, violations of other invariants end their execution but not the
   * search (shrinking and minimality checks use it). @defaultValue undefined (any violation stops)
   */
  readonly onlyInvariant?: string;
  /** Called after each execution with its choice stream (costs a copy per execution). @defaultValue none */
  readonly onExecutionEnd?: (record: ExecutionRecord) => void;
  /** Index of the first execution (indexed strategies only: random, pct). @defaultValue 0 */
  readonly firstExecution?: number;
  /**
   * Distance between execution indices; shard k of m uses firstExecution k and
   * executionStride m (indexed strategies only). @defaultValue 1
   */
  readonly executionStride?: number;
}

/** {@link ExploreOptions} with every field set. */
export interface ResolvedExploreOptions {
  readonly maxSteps: number;
  readonly maxExecutions: number;
  readonly shouldStop: () => boolean;
  readonly onlyInvariant: string | undefined;
  readonly onExecutionEnd: ((record: ExecutionRecord) => void) | undefined;
  readonly firstExecution: number;
  readonly executionStride: number;
}

/** Fills in defaults; throws on nonsensical budgets (bad input at construction). */
export function resolveExploreOptions(options: ExploreOptions = {}): ResolvedExploreOptions {
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const maxExecutions = options.maxExecutions ?? DEFAULT_MAX_EXECUTIONS;
  if (!(maxSteps > 0)) throw new Error(`maxSteps must be > 0, got ${maxSteps}`);
  if (!(maxExecutions > 0)) throw new Error(`maxExecutions must be > 0, got ${maxExecutions}`);
  const firstExecution = options.firstExecution ?? 0;
  const executionStride = options.executionStride ?? 1;
  if (!Number.isInteger(firstExecution) || firstExecution < 0) {
    throw new Error(`firstExecution must be an integer >= 0, got ${firstExecution}`);
  }
  if (!Number.isInteger(executionStride) || executionStride < 1) {
    throw new Error(`executionStride must be an integer >= 1, got ${executionStride}`);
  }
  return {
    firstExecution,
    executionStride,
    maxSteps,
    maxExecutions,
    shouldStop: options.shouldStop ?? (() => false),
    onlyInvariant: options.onlyInvariant,
    onExecutionEnd: options.onExecutionEnd,
  };
}

/** Why the search ended. */
export type StopReason = 'exhausted' | 'violation' | 'maxExecutions' | 'shouldStop';

/** Counters shared by both outcomes of {@link explore}. */
export interface ExploreStats {
  readonly executions: number;
  /** Steps over all executions. */
  readonly steps: number;
  /**
   * Executions the strategy gave up before their end: sleep-set blocked (none
   * for an optimal DPOR), or a DPOR reversal whose step was disabled when reached.
   */
  readonly abandoned: number;
  /** Violations ignored because of `onlyInvariant`. */
  readonly ignoredViolations: number;
  /** True when an exhaustive strategy covered its whole space. */
  readonly complete: boolean;
  readonly stoppedBy: StopReason;
  readonly strategy: StrategyInfo;
}

/** The result of {@link explore}: never thrown, always returned. */
export type ExploreResult =
  | (ExploreStats & { readonly status: 'passed' })
  | (ExploreStats & {
      readonly status: 'violated';
      readonly violation: Violation;
      /** The failing execution's exact choice stream: `replay(factory, choices)` reproduces it. */
      readonly choices: readonly number[];
      readonly executionIndex: number;
      /** The strategy's seed (random, pct); execution i used `deriveSeed(seed, i)`. */
      readonly seed: string | undefined;
      /** Steps of the failing execution. */
      readonly failingSteps: number;
      readonly preemptions: number;
      readonly trace: readonly TraceStep[];
    });

/**
 * Runs executions of `factory` chosen by `strategy` until the strategy is
 * exhausted, a violation is found, or a budget runs out.
 */
export function explore(
  factory: ExecutionFactory,
  strategy: Strategy,
  options: ExploreOptions = {},
): ExploreResult {
  const opts = resolveExploreOptions(options);
  if (!strategy.isIndexed && (opts.firstExecution !== 0 || opts.executionStride !== 1)) {
    throw new Error(
      `strategy ${strategy.name} is sequential: firstExecution/executionStride need random or pct`,
    );
  }
  const log = new ChoiceLog();
  const ctx = { log, maxSteps: opts.maxSteps };
  let executions = 0;
  let steps = 0;
  let abandoned = 0;
  let ignoredViolations = 0;
  const stats = (stoppedBy: StopReason): ExploreStats => ({
    executions,
    steps,
    abandoned,
    ignoredViolations,
    complete: stoppedBy === 'exhausted' && strategy.isExhaustive,
    stoppedBy,
    strategy: strategy.info(),
  });
  for (let n = 0; ; n++) {
    const index = opts.firstExecution + n * opts.executionStride;
    if (n >= opts.maxExecutions) return { status: 'passed', ...stats('maxExecutions') };
    if (opts.shouldStop()) return { status: 'passed', ...stats('shouldStop') };
    if (!strategy.beginExecution(index)) return { status: 'passed', ...stats('exhausted') };
    const outcome = runExecution(factory, strategy, ctx);
    executions++;
    steps += outcome.steps;
    if (outcome.status === 'abandoned') abandoned++;
    strategy.endExecution(outcome);
    opts.onExecutionEnd?.({ index, outcome, choices: log.snapshot() });
    const v = outcome.violation;
    if (v === undefined) continue;
    if (opts.onlyInvariant !== undefined && v.invariant !== opts.onlyInvariant) {
      ignoredViolations++;
      continue;
    }
    const choices = log.snapshot();
    const replayed = replay(factory, choices, { maxSteps: opts.maxSteps });
    if (replayed.status === 'diverged') {
      throw new Error(`checker bug: a recorded stream does not replay: ${replayed.divergence.reason}`);
    }
    const info = strategy.info();
    return {
      ...stats('violation'),
      status: 'violated',
      violation: v,
      choices,
      executionIndex: index,
      seed: 'seed' in info ? info.seed : undefined,
      failingSteps: outcome.steps,
      preemptions: outcome.preemptions,
      trace: replayed.trace,
    };
  }
}
