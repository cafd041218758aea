/**
 * The TypeScript API for test suites: check a scenario (a builder, a
 * definition, a catalogue name or a file path) and get a report value, or
 * assert it meets its expectation and get an error carrying the replay command.
 */
import { runCheck } from '../engine/check.js';
import type { RunOptions, StrategyName } from '../engine/engine.js';
import { judgeReport } from '../engine/expectation.js';
import { loadScenario, type ScenarioSource, VALIDATE_OPTIONS } from '../engine/load.js';
import { prepareRun } from '../engine/prepare.js';
import { replayTokenReport } from '../engine/replayToken.js';
import type { CheckReport } from '../engine/result.js';
import type { ScenarioBuilder } from '../format/builder.js';
import { canonicalJson } from '../format/canonical.js';
import { scenarioInfo } from '../format/info.js';
import type { ScenarioDef } from '../format/types.js';
import { validateScenario } from '../format/validate.js';
import {
  API_STRATEGIES,
  checkOptionKeys,
  OptionError,
  optionalBoolean,
  optionalChoice,
  optionalInt,
  optionalKernel,
  optionalParams,
  optionalSeed,
} from './apiOptions.js';

/** Options of {@link check}; every field optional. */
export interface CheckOptions {
  /** @defaultValue 'random' */
  readonly strategy?: StrategyName;
  /** @defaultValue DEFAULT_API_SEED */
  readonly seed?: string;
  /** @defaultValue 200 */
  readonly runs?: number;
  /** PCT depth. @defaultValue 3 */
  readonly depth?: number;
  /** Preemption bound for `bounded`. @defaultValue 2 */
  readonly preemptions?: number;
  /** @defaultValue 10_000 */
  readonly maxSteps?: number;
  /** `6.2`, `6.15` or `7.0`; defaults to the scenario's own. */
  readonly kernel?: string;
  readonly params?: Readonly<Record<string, number>>;
}

/** Options of {@link assertScenario}: {@link CheckOptions} and strictness. */
export interface AssertOptions extends CheckOptions {
  /** An incomplete exhaustive run or unreached reachability goals fail too. @defaultValue false */
  readonly strict?: boolean;
}

const CHECK_KEYS = [
  'strategy',
  'seed',
  'runs',
  'depth',
  'preemptions',
  'maxSteps',
  'kernel',
  'params',
] as const;

/** The seed the API uses when none is given: fixed, so tests are reproducible. */
export const DEFAULT_API_SEED = 'cgrpcheck';

/** What {@link check} accepts as a scenario. */
export type ScenarioInput = ScenarioBuilder | ScenarioDef | string;

function sourceOf(input: ScenarioInput, fn: string): ScenarioSource {
  if (typeof input !== 'string' && (typeof input !== 'object' || input === null || Array.isArray(input))) {
    throw new OptionError(
      fn,
      'scenario',
      input,
      'a builder, a scenario definition, a catalogue name or a file path',
    );
  }
  if (typeof input === 'string') {
    const r = loadScenario(input);
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  }
  const r =
    'build' in input ? input.build(VALIDATE_OPTIONS) : validateScenario(input, 'scenario', VALIDATE_OPTIONS);
  if (!r.ok) throw new Error(r.error.message);
  return {
    info: scenarioInfo(r.value),
    def: r.value,
    id: `api:${r.value.name}`,
    canonical: canonicalJson(r.value),
  };
}

/** Validates every option like the cli's flags (an OptionError naming the field) and fills the defaults. */
function runOptionsOf(options: unknown, fn: string, extraKeys: readonly string[] = []): RunOptions {
  const o = checkOptionKeys(fn, options, [...CHECK_KEYS, ...extraKeys]);
  const kernel = optionalKernel(fn, 'options.kernel', o.kernel);
  return {
    strategy: optionalChoice(fn, 'options.strategy', o.strategy, API_STRATEGIES) ?? 'random',
    seed: optionalSeed(fn, 'options.seed', o.seed) ?? DEFAULT_API_SEED,
    runs: optionalInt(fn, 'options.runs', o.runs, 1) ?? 200,
    depth: optionalInt(fn, 'options.depth', o.depth, 1) ?? 3,
    preemptions: optionalInt(fn, 'options.preemptions', o.preemptions, 0) ?? 2,
    maxSteps: optionalInt(fn, 'options.maxSteps', o.maxSteps, 1) ?? 10_000,
    ...(kernel === undefined ? {} : { kernel }),
    params: optionalParams(fn, 'options.params', o.params) ?? {},
    workers: 1,
  };
}

/**
 * Checks a scenario; bad input throws (it is a bug in the test; a bad option is
 * an OptionError naming the field), violations are values.
 */
export async function check(input: ScenarioInput, options: CheckOptions = {}): Promise<CheckReport> {
  return checkAs('check', input, options);
}

async function checkAs(
  fn: string,
  input: ScenarioInput,
  options: unknown,
  extraKeys: readonly string[] = [],
): Promise<CheckReport> {
  const run = runOptionsOf(options, fn, extraKeys);
  const source = sourceOf(input, fn);
  const prepared = prepareRun(source, run.kernel, run.params);
  if (!prepared.ok) throw new Error(prepared.error.message);
  const r = await runCheck(prepared.value, run, {});
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Replays a token of `input` (made by {@link check}): the same violation and trace, or a divergence error. */
export function replay(input: ScenarioInput, token: string): CheckReport {
  if (typeof token !== 'string' || token.trim() === '') {
    throw new OptionError('replay', 'token', token, 'a replay token (cgrp1:…)');
  }
  const r = replayTokenReport(token, sourceOf(input, 'replay'));
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** The command or call that replays a report's violation. */
function replayHint(input: ScenarioInput, token: string): string {
  return typeof input === 'string'
    ? `npx cgrpcheck replay ${token}`
    : `replay(scenario, '${token}') from cgrpcheck`;
}

/**
 * Checks a scenario and throws unless the verdict matches its `expect`
 * (`pass` by default; with `strict`, only a complete, non-vacuous pass); the
 * message carries the replay command.
 */
export async function assertScenario(
  input: ScenarioInput,
  options: AssertOptions = {},
): Promise<CheckReport> {
  const o = checkOptionKeys('assertScenario', options, [...CHECK_KEYS, 'strict']);
  const isStrict = optionalBoolean('assertScenario', 'options.strict', o.strict) ?? false;
  const report = await checkAs('assertScenario', input, options, ['strict']);
  const j = judgeReport(report, { isStrict });
  if (j.isMet) return report;
  const where =
    report.violation === undefined
      ? ''
      : `: ${report.violation.message}\nreplay: ${replayHint(input, report.violation.replay)}`;
  const head = `${report.scenario} (kernel ${report.kernel})`;
  if (j.expected === j.got) {
    // Only a strict shortfall: the verdict matched, the run did not prove enough.
    throw new Error(`${head}: ${j.shortfalls.map((x) => x.message).join('; ')} (strict)`);
  }
  throw new Error(`${head}: expected ${j.expected}, got ${j.got}${where}`);
}
