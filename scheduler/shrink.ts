/**
 * Schedule shrinking: reduces a failing choice stream to a smaller one that
 * still violates the same invariant. Order of "smaller": fewer preemptions,
 * then fewer steps, then fewer clock advances, then a shorter stream.
 *
 * 1. Greedy delta debugging on the stream (drop a preemption, truncate there,
 *    delete single entries and chunks, zero data choices), each candidate run
 *    by lenient replay, which repairs misfits without preempting.
 * 2. A preemption-bounded search (bounded.ts) for the same invariant with fewer
 *    preemptions: if it finds one, that count is minimal; if it completes
 *    without, the current count is. Then step 1 again to cut steps.
 */
import { createBoundedStrategy } from './bounded.js';
import { ChoiceLog, DEFAULT_MAX_STEPS, runExecution } from './execute.js';
import { explore } from './explore.js';
import { createReplayStrategy } from './replay.js';
import type { ExecutionOutcome, Strategy } from './strategy.js';
import type { ExecutionFactory, Violation } from './task.js';

/** Options of {@link shrinkSchedule}. */
export interface ShrinkOptions {
  /** Step budget per replay. @defaultValue DEFAULT_MAX_STEPS */
  readonly maxSteps?: number;
  /** Candidate replays for the greedy passes. @defaultValue 5_000 */
  readonly maxAttempts?: number;
  /** Executions for the minimal-preemption search; 0 skips it. @defaultValue 20_000 */
  readonly maxMinimalityExecutions?: number;
}

/** Size of a schedule, compared in field order. */
export interface ScheduleSize {
  readonly preemptions: number;
  readonly steps: number;
  readonly clockAdvances: number;
  readonly choices: number;
}

/** The outcome of shrinking. */
export type ShrinkResult =
  | {
      readonly status: 'shrunk';
      /** Exact stream of the smallest failing execution found (replays strictly). */
      readonly choices: readonly number[];
      readonly violation: Violation;
      readonly before: ScheduleSize;
      readonly after: ScheduleSize;
      /** Candidate replays tried. */
      readonly attempts: number;
      /** True when the bounded search proved no schedule with fewer preemptions violates the invariant. */
      readonly isMinimalPreemptions: boolean;
    }
  | { readonly status: 'not-reproduced'; readonly reason: string };

interface Run {
  readonly choices: number[];
  readonly outcome: ExecutionOutcome;
  /** Stream index of each preempting pick, with the task it preempted. */
  readonly preemptions: { readonly at: number; readonly current: number }[];
  /** Stream indices of data choices. */
  readonly data: number[];
}

function runLeniently(factory: ExecutionFactory, choices: readonly number[], maxSteps: number): Run {
  const inner = createReplayStrategy(choices, true);
  const run: Run = { choices: [], outcome: undefined!, preemptions: [], data: [] };
  let index = 0;
  const observed: Strategy = {
    ...inner,
    nextTask(runnable, current, view) {
      const p = inner.nextTask(runnable, current, view)!;
      if (current !== undefined && p !== current && runnable.includes(current)) {
        run.preemptions.push({ at: index, current });
      }
      index++;
      return p;
    },
    choose(n) {
      run.data.push(index++);
      return inner.choose(n);
    },
  };
  const log = new ChoiceLog();
  inner.beginExecution(0);
  const outcome = runExecution(factory, observed, { log, maxSteps });
  return { ...run, choices: log.snapshot(), outcome };
}

function sizeOf(r: Run): ScheduleSize {
  const o = r.outcome;
  return {
    preemptions: o.preemptions,
    steps: o.steps,
    clockAdvances: o.clockAdvances,
    choices: r.choices.length,
  };
}

function isSmaller(a: ScheduleSize, b: ScheduleSize): boolean {
  if (a.preemptions !== b.preemptions) return a.preemptions < b.preemptions;
  if (a.steps !== b.steps) return a.steps < b.steps;
  if (a.clockAdvances !== b.clockAdvances) return a.clockAdvances < b.clockAdvances;
  return a.choices < b.choices;
}

function* candidates(best: Run): Generator<number[]> {
  const c = best.choices;
  for (const { at, current } of best.preemptions) {
    yield [...c.slice(0, at), current, ...c.slice(at + 1)];
    yield c.slice(0, at);
    yield [...c.slice(0, at), ...c.slice(at + 1)];
  }
  for (const at of best.data) if (c[at]! > 0) yield [...c.slice(0, at), 0, ...c.slice(at + 1)];
  for (let size = c.length >> 1; size >= 1; size >>= 1) {
    for (let start = 0; start + size <= c.length; start += size)
      yield [...c.slice(0, start), ...c.slice(start + size)];
  }
}

/**
 * Shrinks a failing choice stream; the result replays to a violation of the
 * same `invariant`. Returns 'not-reproduced' when `choices` does not violate it.
 */
export function shrinkSchedule(
  factory: ExecutionFactory,
  choices: readonly number[],
  invariant: string,
  options: ShrinkOptions = {},
): ShrinkResult {
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const maxAttempts = options.maxAttempts ?? 5_000;
  const maxMinimality = options.maxMinimalityExecutions ?? 20_000;
  const isTarget = (r: Run): boolean => r.outcome.violation?.invariant === invariant;
  const start = runLeniently(factory, choices, maxSteps);
  if (!isTarget(start)) {
    const got = start.outcome.violation?.invariant ?? 'no violation';
    return { status: 'not-reproduced', reason: `the stream replays to ${got}, not ${invariant}` };
  }
  let best = start;
  let attempts = 0;
  const greedy = (): void => {
    for (let improved = true; improved && attempts < maxAttempts; ) {
      improved = false;
      for (const cand of candidates(best)) {
        if (attempts++ >= maxAttempts) break;
        const r = runLeniently(factory, cand, maxSteps);
        if (isTarget(r) && isSmaller(sizeOf(r), sizeOf(best))) {
          best = r;
          improved = true;
          break;
        }
      }
    }
  };
  greedy();
  let isMinimal = best.outcome.preemptions === 0;
  if (!isMinimal && maxMinimality > 0) {
    const strategy = createBoundedStrategy({ maxPreemptions: best.outcome.preemptions - 1 });
    const found = explore(factory, strategy, {
      maxSteps,
      maxExecutions: maxMinimality,
      onlyInvariant: invariant,
    });
    if (found.status === 'violated') {
      best = runLeniently(factory, found.choices, maxSteps);
      isMinimal = true;
      greedy();
    } else isMinimal = found.stoppedBy === 'exhausted';
  }
  return {
    status: 'shrunk',
    choices: best.choices,
    violation: best.outcome.violation!,
    before: sizeOf(start),
    after: sizeOf(best),
    attempts,
    isMinimalPreemptions: isMinimal,
  };
}
