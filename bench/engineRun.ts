/** Running the engine from the bench: a catalogue entry, options with defaults, a wall-clock budget. */

import { runCheck } from '../scenarios/engine/check.js';
import type { RunOptions, StrategyName } from '../scenarios/engine/engine.js';
import { loadScenario } from '../scenarios/engine/load.js';
import { type PreparedRun, prepareRun } from '../scenarios/engine/prepare.js';
import type { CheckReport } from '../scenarios/engine/result.js';

/** A prepared catalogue entry; throws on a bad name or parameter (a bench bug). */
export function prepareEntry(name: string, params: Readonly<Record<string, number>> = {}): PreparedRun {
  const source = loadScenario(name);
  if (!source.ok) throw new Error(source.error.message);
  const run = prepareRun(source.value, undefined, params);
  if (!run.ok) throw new Error(run.error.message);
  return run.value;
}

/** Run options for the bench. */
export function benchOptions(
  strategy: StrategyName,
  seed: string,
  runs: number,
  workers: number,
  params: Readonly<Record<string, number>> = {},
): RunOptions {
  return { strategy, seed, runs, depth: 3, preemptions: 2, maxSteps: 10_000, params, workers };
}

/** A report and its wall time. */
export interface TimedReport {
  readonly report: CheckReport;
  readonly ms: number;
  readonly isStopped: boolean;
  /**
   * Executions/s after the first second (thread start-up and JIT warm-up
   * excluded), from the run's progress reports; undefined for runs too short.
   */
  readonly steadyPerSecond: number | undefined;
}

/** Seconds of a timed run that count as start-up. */
const WARM_UP_SECONDS = 1;

/** Runs the engine's check for at most `seconds` of wall time. */
export async function timedCheck(
  run: PreparedRun,
  options: RunOptions,
  seconds: number,
): Promise<TimedReport> {
  const start = performance.now();
  let isStopped = false;
  const shouldStop = (): boolean => {
    if (performance.now() - start > seconds * 1000) isStopped = true;
    return isStopped;
  };
  let warm: { ms: number; executions: number } | undefined;
  let last: { ms: number; executions: number } | undefined;
  const onProgress = (p: { readonly executions: number }): void => {
    const ms = performance.now() - start;
    if (warm === undefined && ms >= WARM_UP_SECONDS * 1000) warm = { ms, executions: p.executions };
    last = { ms, executions: p.executions };
  };
  const r = await runCheck(run, options, { shouldStop, onProgress });
  if (!r.ok) throw new Error(r.error.message);
  const steadyPerSecond =
    warm === undefined || last === undefined || last.ms - warm.ms < 1000
      ? undefined
      : ((last.executions - warm.executions) * 1000) / (last.ms - warm.ms);
  return { report: r.value, ms: performance.now() - start, isStopped, steadyPerSecond };
}
