/**
 * Replay: drives one execution from a recorded choice stream. Strict replay
 * reports the first decision at which the stream no longer fits the execution
 * (the scenario or model changed); lenient replay repairs misfits with a
 * non-preemptive default, which is what schedule shrinking needs.
 */
import { ChoiceLog, DEFAULT_MAX_STEPS, runExecution } from './execute.js';
import type { ExecutionOutcome, SchedulerView, Strategy, StrategyInfo } from './strategy.js';
import type { ExecutionFactory, TaskId } from './task.js';
import { TraceRecorder, type TraceStep } from './trace.js';

/** Where a choice stream stopped fitting the execution. */
export interface Divergence {
  /** Steps completed before the misfit decision (the diverging step's index). */
  readonly step: number;
  /** Index of the misfit entry in the choice stream. */
  readonly choiceIndex: number;
  readonly reason: string;
}

/** A strategy that follows a choice stream; see {@link createReplayStrategy}. */
export interface ReplayStrategy extends Strategy {
  /** The first misfit, if any (strict mode stops there; lenient mode repairs and continues). */
  divergence(): Divergence | undefined;
}

function fallbackTask(runnable: readonly TaskId[], current: TaskId | undefined): TaskId {
  return current !== undefined && runnable.includes(current) ? current : runnable[0]!;
}

/**
 * Follows `choices` for one execution. Strict: on a misfit, record the
 * divergence and abandon at the next step. Lenient: replace a misfit (or a
 * missing entry) by the non-preemptive default (keep the current task, else the
 * lowest runnable id; value 0 for data choices) and continue.
 */
export function createReplayStrategy(choices: readonly number[], isLenient = false): ReplayStrategy {
  let pos = 0;
  let steps = 0;
  let first: Divergence | undefined;
  const diverge = (reason: string): void => {
    first ??= { step: steps, choiceIndex: pos, reason };
  };
  return {
    name: 'replay',
    isExhaustive: false,
    isIndexed: false,
    beginExecution: (index) => index === 0,
    nextTask(runnable: readonly TaskId[], current: TaskId | undefined, view: SchedulerView) {
      steps = view.steps();
      if (first !== undefined && !isLenient) return undefined;
      if (pos >= choices.length) {
        if (!isLenient) {
          diverge(`the stream ended after ${choices.length} choices; runnable = [${runnable.join(', ')}]`);
          return undefined;
        }
        pos++;
        return fallbackTask(runnable, current);
      }
      const v = choices[pos]!;
      if (runnable.includes(v as TaskId)) {
        pos++;
        return v as TaskId;
      }
      diverge(`the stream picks task ${v}; runnable = [${runnable.join(', ')}]`);
      pos++;
      return isLenient ? fallbackTask(runnable, current) : undefined;
    },
    choose(n: number): number {
      const v = choices[pos];
      if (v !== undefined && v < n) {
        pos++;
        return v;
      }
      diverge(
        v === undefined
          ? `the stream ended before a choice among ${n}`
          : `the stream gives ${v} for a choice among ${n}`,
      );
      pos++;
      return 0;
    },
    endExecution(outcome: ExecutionOutcome) {
      if (pos < choices.length && !isLenient) {
        steps = outcome.steps;
        diverge(
          `the execution ended (${outcome.status}) after ${pos} choices; the stream has ${choices.length}`,
        );
      }
    },
    info: (): StrategyInfo => ({ name: 'replay' }),
    divergence: () => first,
  };
}

/** Options of {@link replay}. */
export interface ReplayOptions {
  /** Step budget, as in explore. @defaultValue DEFAULT_MAX_STEPS */
  readonly maxSteps?: number;
}

/** The result of replaying a choice stream. */
export type ReplayResult =
  | { readonly status: 'replayed'; readonly outcome: ExecutionOutcome; readonly trace: readonly TraceStep[] }
  | {
      readonly status: 'diverged';
      readonly divergence: Divergence;
      /** The run up to the divergence. */
      readonly outcome: ExecutionOutcome;
      readonly trace: readonly TraceStep[];
    };

/**
 * Replays `choices` exactly and returns the trace and outcome (with its
 * violation, if any), or the first divergence when the stream does not fit.
 */
export function replay(
  factory: ExecutionFactory,
  choices: readonly number[],
  options: ReplayOptions = {},
): ReplayResult {
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const strategy = createReplayStrategy(choices);
  const recorder = new TraceRecorder();
  strategy.beginExecution(0);
  const outcome = runExecution(factory, strategy, { log: new ChoiceLog(), maxSteps, observer: recorder });
  strategy.endExecution(outcome);
  const divergence = strategy.divergence();
  if (divergence !== undefined) return { status: 'diverged', divergence, outcome, trace: recorder.steps };
  return { status: 'replayed', outcome, trace: recorder.steps };
}

/** Result of a lenient replay: what actually ran, as an exact (strictly replayable) stream. */
export interface LenientRun {
  readonly outcome: ExecutionOutcome;
  readonly choices: number[];
}

/** Replays `choices` leniently (see {@link createReplayStrategy}) and returns the exact stream that ran. */
export function replayLeniently(
  factory: ExecutionFactory,
  choices: readonly number[],
  maxSteps: number,
): LenientRun {
  const strategy = createReplayStrategy(choices, true);
  const log = new ChoiceLog();
  strategy.beginExecution(0);
  const outcome = runExecution(factory, strategy, { log, maxSteps });
  return { outcome, choices: log.snapshot() };
}

/** What a token is checked against: the scenario and model as they are now. */
export interface ScenarioIdentity {
  readonly scenarioId: string;
  readonly scenarioHash: string;
  readonly modelOptions: Readonly<Record<string, string | number>>;
}

/** Result of {@link replayToken}: what changed since the token was made, and the replay itself. */
export interface TokenReplay {
  /** One line per difference (scenario id, content hash, each model option); empty when unchanged. */
  readonly changes: readonly string[];
  readonly result: ReplayResult;
}

/** Lists how `current` differs from the identity recorded in a token. */
export function diffScenarioIdentity(recorded: ScenarioIdentity, current: ScenarioIdentity): string[] {
  const changes: string[] = [];
  if (recorded.scenarioId !== current.scenarioId) {
    changes.push(`scenario id: token has ${recorded.scenarioId}, replaying ${current.scenarioId}`);
  }
  if (recorded.scenarioHash !== current.scenarioHash) {
    changes.push(`scenario content changed (hash ${recorded.scenarioHash} → ${current.scenarioHash})`);
  }
  const keys = [
    ...new Set([...Object.keys(recorded.modelOptions), ...Object.keys(current.modelOptions)]),
  ].sort();
  for (const k of keys) {
    const a = recorded.modelOptions[k];
    const b = current.modelOptions[k];
    if (a !== b) changes.push(`model option ${k}: token has ${a ?? '(unset)'}, replaying ${b ?? '(unset)'}`);
  }
  return changes;
}

/**
 * Replays a decoded token against the current scenario: reports what changed
 * since the token was made and, if the stream no longer fits, the first step
 * at which it diverges.
 */
export function replayToken(
  token: ScenarioIdentity & { readonly choices: readonly number[] },
  current: ScenarioIdentity,
  factory: ExecutionFactory,
  options: ReplayOptions = {},
): TokenReplay {
  return { changes: diffScenarioIdentity(token, current), result: replay(factory, token.choices, options) };
}
