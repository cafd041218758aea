/**
 * The vitest-facing piece: fast-check properties over generated cases. A
 * failure throws an Error whose message shows the shrunk scenario (compact and
 * as JSON), the schedule as it ran and the step-by-step trace.
 */
import fc from 'fast-check';
import { OptionError, optionalInt } from '../api/apiOptions.js';
import { replayRows } from '../engine/trace.js';
import { type CaseArbitraryOptions, caseArbitrary, type GeneratedCase } from './arbitraries.js';
import { describeRuns, describeScenario, describeTrace } from './describe.js';
import { type GeneratedRun, type RunCaseOptions, runGeneratedCase } from './run.js';

/** Judges one run: `true` or nothing passes; `false` or a reason fails. */
export type CasePredicate = (run: GeneratedRun) => boolean | string | undefined;

/** Trace rows a failure message prints at most. */
export const MAX_PRINTED_ROWS = 200;

/** The default predicate: the execution found no violation. */
export function noViolation(run: GeneratedRun): true | string {
  const v = run.outcome.violation;
  return v === undefined || `${v.invariant}: ${v.message}`;
}

/** Passes unless the run violated `invariant`; other violations count as passing. */
export function notViolating(invariant: string): CasePredicate {
  return (run) => {
    const v = run.outcome.violation;
    return v?.invariant !== invariant || `${v.invariant}: ${v.message}`;
  };
}

/** The failure text: reason, compact scenario, schedule, trace and scenario JSON. */
export function formatFailure(run: GeneratedRun, reason: string): string {
  const replayed = replayRows(run.prepared.factory, run.choices, run.maxSteps);
  const rows = replayed.rows;
  const shown = rows.slice(0, MAX_PRINTED_ROWS);
  const more = rows.length > shown.length ? `\n… ${rows.length - shown.length} more steps` : '';
  return [
    `generated case fails: ${reason}`,
    '--- scenario ---',
    describeScenario(run.case.def),
    '--- schedule ---',
    `stream [${run.case.schedule.join(', ')}], replayed leniently`,
    `ran ${rows.length} steps, ${run.outcome.preemptions} preemptions: ${describeRuns(rows)}`,
    `exact stream: [${run.choices.join(', ')}]`,
    '--- trace ---',
    `${describeTrace(shown)}${more}`,
    '--- scenario JSON ---',
    JSON.stringify(run.case.def, null, 2),
  ].join('\n');
}

/** Runs `c` and judges it; throws an Error with {@link formatFailure}'s text when it fails. */
export function assertCase(
  c: GeneratedCase,
  predicate: CasePredicate = noViolation,
  options: RunCaseOptions = {},
): GeneratedRun {
  const run = runGeneratedCase(c, options);
  const verdict = predicate(run);
  if (verdict === true || verdict === undefined) return run;
  throw new Error(formatFailure(run, verdict === false ? 'the predicate returned false' : verdict));
}

/** A fast-check property: every case of `arb` satisfies `predicate` (no violation by default). */
export function scenarioProperty(
  arb: fc.Arbitrary<GeneratedCase>,
  predicate: CasePredicate = noViolation,
  options: RunCaseOptions = {},
): fc.IPropertyWithHooks<[GeneratedCase]> {
  return fc.property(arb, (c) => {
    assertCase(c, predicate, options);
  });
}

/** Options of {@link checkGenerated}: what to generate, how to judge, and fast-check's parameters. */
export interface CheckGeneratedOptions extends CaseArbitraryOptions, RunCaseOptions {
  /** @defaultValue noViolation */
  readonly predicate?: CasePredicate;
  /** fast-check parameters (seed, numRuns, ...); the global configuration fills the rest. */
  readonly params?: fc.Parameters<[GeneratedCase]>;
}

/**
 * Asserts the property over generated cases; throws fast-check's report with
 * the shrunk case, whose failure text is in the message (includeErrorInReport).
 */
export function checkGenerated(options: CheckGeneratedOptions = {}): void {
  const { predicate, params, maxSteps } = checkGeneratedOptions('checkGenerated', options);
  const property = scenarioProperty(
    caseArbitrary(options),
    predicate,
    maxSteps === undefined ? {} : { maxSteps },
  );
  fc.assert(property, { includeErrorInReport: true, ...params });
}

/** Like {@link checkGenerated} but returns fast-check's run details (the shrunk counterexample, if any). */
export function findCounterexample(options: CheckGeneratedOptions = {}): fc.RunDetails<[GeneratedCase]> {
  const { predicate, params, maxSteps } = checkGeneratedOptions('findCounterexample', options);
  const property = scenarioProperty(
    caseArbitrary(options),
    predicate,
    maxSteps === undefined ? {} : { maxSteps },
  );
  return fc.check(property, params);
}

/** Checks the run options before any case is generated, so a bad one is an error, not a counterexample. */
function checkGeneratedOptions(fn: string, options: CheckGeneratedOptions): CheckGeneratedOptions {
  optionalInt(fn, 'options.maxSteps', options.maxSteps, 1);
  if (options.predicate !== undefined && typeof options.predicate !== 'function') {
    throw new OptionError(fn, 'options.predicate', options.predicate, 'a function');
  }
  const numRuns = options.params?.numRuns;
  optionalInt(fn, 'options.params.numRuns', numRuns, 1);
  return options;
}
