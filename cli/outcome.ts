/** What a command hands to the formats: the engine's report plus what only the cli knows. */
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
}

/** Strategies that enumerate the space rather than sample it. */
export const EXHAUSTIVE_STRATEGIES: readonly string[] = ['dfs', 'dpor', 'bounded'];

/**
 * True for a pass of an exhaustive strategy that did not cover what it set
 * out to: the whole space, or for `bounded` every execution within its bound.
 * What `--strict` turns into a failure.
 */
export function isIncompleteExhaustive(r: CheckReport): boolean {
  return (
    EXHAUSTIVE_STRATEGIES.includes(r.strategy) &&
    r.verdict === 'pass' &&
    !r.complete &&
    r.completeWithinPreemptions === undefined
  );
}
