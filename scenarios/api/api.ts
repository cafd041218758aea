/**
 * The TypeScript API for test suites: check a scenario (a builder, a
 * definition, a catalogue name or a file path) and get a report value, or
 * assert it meets its expectation and get an error carrying the replay command.
 */
import { runCheck } from '../engine/check.js';
import type { RunOptions, StrategyName } from '../engine/engine.js';
import { loadScenario, type ScenarioSource, VALIDATE_OPTIONS } from '../engine/load.js';
import { prepareRun } from '../engine/prepare.js';
import { replayTokenReport } from '../engine/replayToken.js';
import type { CheckReport } from '../engine/result.js';
import type { ScenarioBuilder } from '../format/builder.js';
import { canonicalJson } from '../format/canonical.js';
import { scenarioInfo } from '../format/info.js';
import type { ScenarioDef } from '../format/types.js';
import { validateScenario } from '../format/validate.js';

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

/** The seed the API uses when none is given: fixed, so tests are reproducible. */
export const DEFAULT_API_SEED = 'cgrpcheck';

/** What {@link check} accepts as a scenario. */
export type ScenarioInput = ScenarioBuilder | ScenarioDef | string;

function sourceOf(input: ScenarioInput): ScenarioSource {
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

function runOptionsOf(o: CheckOptions): RunOptions {
  return {
    strategy: o.strategy ?? 'random',
    seed: o.seed ?? DEFAULT_API_SEED,
    runs: o.runs ?? 200,
    depth: o.depth ?? 3,
    preemptions: o.preemptions ?? 2,
    maxSteps: o.maxSteps ?? 10_000,
    ...(o.kernel === undefined ? {} : { kernel: o.kernel }),
    params: o.params ?? {},
    workers: 1,
  };
}

/** Checks a scenario; bad input throws (it is a bug in the test), violations are values. */
export async function check(input: ScenarioInput, options: CheckOptions = {}): Promise<CheckReport> {
  const source = sourceOf(input);
  const run = runOptionsOf(options);
  const prepared = prepareRun(source, run.kernel, run.params);
  if (!prepared.ok) throw new Error(prepared.error.message);
  const r = await runCheck(prepared.value, run, {});
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** Replays a token of `input` (made by {@link check}): the same violation and trace, or a divergence error. */
export function replay(input: ScenarioInput, token: string): CheckReport {
  const r = replayTokenReport(token, sourceOf(input));
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
 * (`pass` by default); the message carries the replay command.
 */
export async function assertScenario(input: ScenarioInput, options: CheckOptions = {}): Promise<CheckReport> {
  const report = await check(input, options);
  const expect = report.expect ?? 'pass';
  const got = report.violation?.invariant ?? 'pass';
  if (got === expect) return report;
  const where =
    report.violation === undefined
      ? ''
      : `: ${report.violation.message}\nreplay: ${replayHint(input, report.violation.replay)}`;
  throw new Error(`${report.scenario} (kernel ${report.kernel}): expected ${expect}, got ${got}${where}`);
}
