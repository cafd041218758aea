/** What one scenario of a suite run came to, for the lines, JUnit, annotations and the summary. */
import type { Outcome } from '../outcome.js';
import type { SuiteEntry } from './collect.js';
import type { SourceLocation } from './locate.js';

/** One scenario's result. */
export type SuiteResult =
  | {
      readonly status: 'passed' | 'failed';
      readonly entry: SuiteEntry;
      readonly name: string;
      readonly outcome: Outcome;
      /** Where its annotations point: the field of the first shortfall (or warning). */
      readonly location?: SourceLocation;
    }
  | {
      /** The engine refused the scenario (bad input found only when it ran). */
      readonly status: 'error';
      readonly entry: SuiteEntry;
      readonly name: string;
      readonly message: string;
      readonly location?: SourceLocation;
    }
  | {
      /** Ctrl-C stopped the suite before it ran. */
      readonly status: 'not-run';
      readonly entry: SuiteEntry;
      readonly name: string;
    };

/** Counts by status, in a fixed order. */
export interface SuiteTotals {
  readonly scenarios: number;
  readonly passed: number;
  readonly failed: number;
  readonly errors: number;
  readonly notRun: number;
}

/** Totals of `results`. */
export function totalsOf(results: readonly SuiteResult[]): SuiteTotals {
  const count = (s: SuiteResult['status']) => results.filter((r) => r.status === s).length;
  return {
    scenarios: results.length,
    passed: count('passed'),
    failed: count('failed'),
    errors: count('error'),
    notRun: count('not-run'),
  };
}

/** The one-line reason of a result: its shortfalls, its error, or its warnings. */
export function reasonOf(r: SuiteResult): string {
  if (r.status === 'error') return r.message;
  if (r.status === 'not-run') return 'not run (interrupted)';
  const j = r.outcome.judgement;
  if (!j.isMet) return j.shortfalls.map((s) => s.message).join('; ');
  if (j.expected !== 'pass') return `${j.expected} found as declared`;
  return j.warnings.map((w) => `warning: ${w.message}`).join('; ');
}
