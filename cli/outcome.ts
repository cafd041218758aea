/** What a command hands to the formats: the engine's report plus what only the cli knows. */
import type { Judgement } from '../scenarios/engine/expectation.js';
import type { CheckReport } from '../scenarios/engine/result.js';

/** Why a run stopped before its runs were done. */
export type StopReason = 'time-budget' | 'interrupt';

/** A finished check, replay or merge, ready to print. */
export interface Outcome {
  /** The engine's report, with `stats.elapsedMs` measured by the cli. */
  readonly report: CheckReport;
  /** True when the cli picked the seed from the clock. */
  readonly isSeedFromClock: boolean;
  readonly stoppedBy?: StopReason;
  /** Human lines about the stop and how to resume (empty when it ran to the end). */
  readonly notes: readonly string[];
  /** The report judged against the scenario's `expect`: decides the exit code. */
  readonly judgement: Judgement;
}

/** Strategies that enumerate the space rather than sample it. */
export const EXHAUSTIVE_STRATEGIES: readonly string[] = ['dfs', 'dpor', 'bounded'];
