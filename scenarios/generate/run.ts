/**
 * Runs one generated case: validates and compiles its scenario, then replays
 * its choice stream leniently for one execution. Deterministic: the same case
 * gives the same outcome and the same exact stream.
 */
import { DEFAULT_MAX_STEPS } from '../../scheduler/execute.js';
import { replayLeniently } from '../../scheduler/replay.js';
import type { ExecutionOutcome } from '../../scheduler/strategy.js';
import { optionalInt } from '../api/apiOptions.js';
import { type ScenarioSource, VALIDATE_OPTIONS } from '../engine/load.js';
import { type PreparedRun, prepareRun } from '../engine/prepare.js';
import { canonicalJson } from '../format/canonical.js';
import { scenarioInfo } from '../format/info.js';
import type { ScenarioDef } from '../format/types.js';
import { validateScenario } from '../format/validate.js';
import type { GeneratedCase } from './arbitraries.js';

/** Options of {@link runGeneratedCase}. */
export interface RunCaseOptions {
  /** Step budget of the execution; exceeding it is a `no-livelock` violation. @defaultValue DEFAULT_MAX_STEPS */
  readonly maxSteps?: number;
}

/** One generated case, run. */
export interface GeneratedRun {
  readonly case: GeneratedCase;
  readonly prepared: PreparedRun;
  readonly outcome: ExecutionOutcome;
  /** The decisions that actually ran: replays exactly (scenarios/engine/trace.ts replayRows). */
  readonly choices: readonly number[];
  readonly maxSteps: number;
}

/** A validated ad-hoc scenario as a source, id `generated:<name>`; throws if `def` does not validate. */
export function generatedSource(def: ScenarioDef): ScenarioSource {
  const r = validateScenario(def, `generated:${def.name}`, VALIDATE_OPTIONS);
  if (!r.ok) throw new Error(`generated scenario does not validate: ${r.error.message}`);
  return {
    info: scenarioInfo(r.value),
    def: r.value,
    id: `generated:${r.value.name}`,
    canonical: canonicalJson(r.value),
  };
}

/** Compiles a scenario under its own kernel; throws with the input error (e.g. a program the verifier refuses). */
export function prepareGenerated(def: ScenarioDef): PreparedRun {
  const prepared = prepareRun(generatedSource(def), undefined, {});
  if (!prepared.ok) throw new Error(`generated scenario does not compile: ${prepared.error.message}`);
  return prepared.value;
}

/** Runs `c` once; bad scenarios throw (see {@link prepareGenerated}), violations are values. */
export function runGeneratedCase(c: GeneratedCase, options: RunCaseOptions = {}): GeneratedRun {
  const maxSteps =
    optionalInt('runGeneratedCase', 'options.maxSteps', options.maxSteps, 1) ?? DEFAULT_MAX_STEPS;
  const prepared = prepareGenerated(c.def);
  const run = replayLeniently(prepared.factory, c.schedule, maxSteps);
  return { case: c, prepared, outcome: run.outcome, choices: run.choices, maxSteps };
}
