/**
 * Whether a report meets its scenario's expectation: the verdict the suite
 * runner, `check`'s exit code and `assertScenario` share. A scenario that
 * declares a violation meets it when exactly that violation is found; one that
 * expects `pass` meets it when none is, and under `strict` only when the pass
 * is complete and not vacuous.
 */
import { REACHABILITY_IDS } from '../../properties/index.js';
import type { CheckReport } from './result.js';

/** Strategies that enumerate the space rather than sample it. */
export const EXHAUSTIVE_STRATEGY_NAMES: readonly string[] = ['dfs', 'dpor', 'bounded'];

/** Why a run stopped early, as the front end saw it. */
export type EarlyStop = 'time-budget' | 'interrupt';

/** One reason an expectation is not met. */
export interface Shortfall {
  readonly kind:
    | 'unexpected-violation'
    | 'missing-violation'
    | 'other-violation'
    | 'unreached-expectation'
    | 'stopped'
    | 'incomplete'
    | 'vacuous';
  /** One line, e.g. `expected a violation of atomic-add, none found in 300 executions`. */
  readonly message: string;
}

/** The judgement of one report. */
export interface Judgement {
  readonly isMet: boolean;
  /** `pass` or the invariant the scenario declares. */
  readonly expected: string;
  /** `pass` or the invariant found. */
  readonly got: string;
  /** Empty exactly when `isMet`. */
  readonly shortfalls: readonly Shortfall[];
  /** What a non-strict run let through (a stop, an incomplete or vacuous pass): printed, not failed. */
  readonly warnings: readonly Shortfall[];
}

/** How to judge: `isStrict` turns incomplete, stopped and vacuous passes into failures. */
export interface JudgeOptions {
  readonly isStrict?: boolean;
  readonly stoppedBy?: EarlyStop;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Judges `report` against its `expect` (`pass` when absent). */
export function judgeReport(report: CheckReport, options: JudgeOptions = {}): Judgement {
  const expected = report.expect ?? 'pass';
  const got = report.violation?.invariant ?? 'pass';
  const runs = plural(report.stats.executions, 'execution');
  const misses: Shortfall[] = [];
  if (expected === 'pass' && got !== 'pass') {
    misses.push({ kind: 'unexpected-violation', message: `expected pass, found a violation of ${got}` });
  } else if (expected !== 'pass' && got === 'pass') {
    misses.push({
      kind: 'missing-violation',
      message: `expected a violation of ${expected}, none found in ${runs}`,
    });
  } else if (expected !== got) {
    misses.push({
      kind: 'other-violation',
      message: `expected a violation of ${expected}, found a violation of ${got}`,
    });
  }
  // A result or final value the scenario says some execution shows is an
  // expectation of its own: unmet, it fails with or without --strict. Only the
  // named `reachability` goals (vacuity checks) wait for --strict.
  const promised = report.unreached.filter((g) => !REACHABILITY_IDS.includes(g));
  if (got === 'pass' && expected === 'pass' && promised.length > 0) {
    misses.push({
      kind: 'unreached-expectation',
      message: `expected in some execution, never seen in ${runs}: ${promised.join('; ')}`,
    });
  }
  const soft = got === 'pass' ? weakPass(report, options.stoppedBy) : [];
  const isStrict = options.isStrict === true;
  // A missed violation is already a failure; the weak-pass facts then only explain it.
  const shortfalls = isStrict && misses.length === 0 ? soft : misses;
  const warnings = isStrict && misses.length === 0 ? [] : soft;
  return { isMet: shortfalls.length === 0, expected, got, shortfalls, warnings };
}

/** What makes a pass weaker than it looks: a stop, an uncovered space, unreached goals. */
function weakPass(report: CheckReport, stoppedBy: EarlyStop | undefined): Shortfall[] {
  const out: Shortfall[] = [];
  const runs = plural(report.stats.executions, 'execution');
  if (stoppedBy === 'time-budget') {
    out.push({ kind: 'stopped', message: `stopped by the time budget after ${runs}` });
  } else if (stoppedBy === 'interrupt') {
    out.push({ kind: 'stopped', message: `interrupted after ${runs}` });
  }
  // A bounded run that ran every execution within its bound covered what it was asked to.
  const isCovered = report.complete || report.completeWithinPreemptions !== undefined;
  if (EXHAUSTIVE_STRATEGY_NAMES.includes(report.strategy) && !isCovered) {
    out.push({
      kind: 'incomplete',
      message: `${report.strategy} did not cover the whole space in ${runs}`,
    });
  }
  const named = report.unreached.filter((g) => REACHABILITY_IDS.includes(g));
  if (named.length > 0) {
    out.push({ kind: 'vacuous', message: `reachability goals never reached: ${named.join(', ')}` });
  }
  return out;
}
