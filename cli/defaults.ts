/** Defaults of `cgrpcheck check`, as the usage text and README state them. */

/** Executions for random/pct; a cap for the exhaustive strategies. */
export const DEFAULT_RUNS = 1000;
/** PCT depth d. */
export const DEFAULT_DEPTH = 3;
/** Preemption bound of `bounded`. */
export const DEFAULT_PREEMPTIONS = 2;
export const DEFAULT_MAX_STEPS = 10_000;
export const DEFAULT_STRATEGY = 'random';
export const DEFAULT_FORMAT = 'text';
/** Where a violation's replay token goes when there is no `--out`, under the cwd. */
export const DEFAULT_TOKEN_FILE = '.cgrpcheck/last-violation.token';
/** `--runs` when only `--time-budget` bounds the run: the budget decides. */
export const UNBOUNDED_RUNS = Number.MAX_SAFE_INTEGER;
