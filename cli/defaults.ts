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
/**
 * The suite runner's budget for a scenario that declares none (and no config
 * default): the catalogue's own (scenarios/catalogue/budget.ts), so `test
 * --catalogue` gives the verdicts the catalogue test pins.
 */
export const DEFAULT_SUITE_STRATEGY = 'random';
export const DEFAULT_SUITE_RUNS = 300;
/** The suite runner's seed without `--seed` or a config `seed`: fixed, so CI runs repeat. */
export const DEFAULT_SUITE_SEED = 'catalogue';
/** `--github`: annotations and summary when GITHUB_ACTIONS is `true` (auto), always (on), never (off). */
export const GITHUB_MODES = ['auto', 'on', 'off'] as const;
/**
 * Worker threads per scenario in a suite run: one, since most scenarios finish
 * in fewer executions than threads take to start (the whole catalogue took
 * 26 s on one thread and 89 s on two, on a loaded 2-core machine).
 */
export const DEFAULT_SUITE_WORKERS = 1;
