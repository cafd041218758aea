/**
 * The seam between the cli (or any embedding) and the checker: everything a
 * front end needs, as values. The cli receives an Engine and never reaches
 * past it.
 */
import type { CheckReport } from './result.js';

/** A user-facing parameter of a scenario, with its default and range. */
export interface ParamInfo {
  readonly name: string;
  readonly description: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
}

/** A catalogue entry as `cgrpcheck list --json` prints it. */
export interface ScenarioInfo {
  readonly name: string;
  readonly description: string;
  /** Kernel version of its era, e.g. `6.2`. */
  readonly kernel: string;
  /** `pass` or the invariant id it must violate. */
  readonly expect: string;
  readonly params: readonly ParamInfo[];
  /** The budget its expected verdict needs, when more than the catalogue default (random, 300 runs). */
  readonly budget?: { readonly strategy?: StrategyName; readonly runs?: number };
}

/** Bad input, as one line naming the problem and where (file, field, value). */
export interface InputError {
  readonly message: string;
}

/** A value or an input error. */
export type Loaded<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: InputError };

/** Strategy names the engine accepts. */
export type StrategyName = 'random' | 'pct' | 'dpor' | 'dfs' | 'bounded';

/** Everything a check run takes; the cli resolves defaults before calling. */
export interface RunOptions {
  readonly strategy: StrategyName;
  readonly seed: string;
  /** Executions for random/pct; a cap for the exhaustive strategies. */
  readonly runs: number;
  /** PCT depth d. */
  readonly depth: number;
  /** Preemption bound for `bounded`. */
  readonly preemptions: number;
  readonly maxSteps: number;
  /** Kernel version override (`6.2`, `6.15`, `7.0`); undefined keeps the scenario's. */
  readonly kernel?: string;
  /** Parameter overrides (`--set key=value`). */
  readonly params: Readonly<Record<string, number>>;
  readonly workers: number;
  readonly shard?: { readonly index: number; readonly count: number };
}

/** Progress and budget callbacks; the engine calls them between executions only. */
export interface RunHooks {
  /** True when the run must stop (time budget, Ctrl-C). */
  shouldStop?(): boolean;
  onProgress?(p: { readonly executions: number; readonly steps: number; readonly violations: number }): void;
}

/** What a loaded scenario is to a front end: opaque, but named. */
export interface LoadedScenario {
  readonly info: ScenarioInfo;
}

/** The checker as a front end sees it. */
export interface Engine {
  /** The built-in catalogue, in a stable order. */
  list(): readonly ScenarioInfo[];
  /** A catalogue name or a path to a scenario JSON file. */
  load(nameOrPath: string): Loaded<LoadedScenario>;
  /** Checks a scenario; violations are values, never throws on them. */
  check(scenario: LoadedScenario, options: RunOptions, hooks?: RunHooks): Promise<Loaded<CheckReport>>;
  /** Replays a token (the string itself or a path to a file holding it). */
  replay(tokenOrPath: string): Loaded<CheckReport>;
  /** Merges the JSON reports of the shards of one run into one verdict. */
  merge(reports: readonly CheckReport[]): Loaded<CheckReport>;
}
