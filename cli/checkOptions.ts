/**
 * Turns the flags of `cgrpcheck check` into the engine's RunOptions, every
 * default resolved, plus what only the cli uses (the time budget).
 */
import type { ParamInfo, RunOptions, StrategyName } from '../scenarios/engine/engine.js';
import { flagValue, hasFlag, type ParsedArgs } from './argv.js';
import {
  DEFAULT_DEPTH,
  DEFAULT_MAX_STEPS,
  DEFAULT_PREEMPTIONS,
  DEFAULT_RUNS,
  DEFAULT_STRATEGY,
  UNBOUNDED_RUNS,
} from './defaults.js';
import type { CliIo } from './io.js';
import { UsageError } from './usageError.js';
import {
  parseChoice,
  parseKernel,
  parseNonNegativeInt,
  parsePositiveInt,
  parsePositiveSeconds,
  parseSeed,
  parseSets,
  parseShard,
  STRATEGIES,
} from './values.js';

/** A validated check request. */
export interface CheckRequest {
  readonly target: string;
  readonly run: RunOptions;
  readonly isSeedFromClock: boolean;
  /** `--strict`: an incomplete, stopped or vacuous pass fails. */
  readonly isStrict: boolean;
  readonly budgetMs?: number;
}

/** Validates every check flag; picks the seed from the clock (once) when `--seed` is absent. */
export function resolveCheckRequest(args: ParsedArgs, io: CliIo): CheckRequest {
  const target = checkTarget(args.positionals);
  const opt = <T>(name: string, parse: (flag: string, raw: string) => T, fallback: T): T => {
    const raw = flagValue(args, name);
    return raw === undefined ? fallback : parse(`--${name}`, raw);
  };
  const strategy = opt<StrategyName>('strategy', (f, r) => parseChoice(f, r, STRATEGIES), DEFAULT_STRATEGY);
  const budgetRaw = flagValue(args, 'time-budget');
  const budgetMs =
    budgetRaw === undefined ? undefined : parsePositiveSeconds('--time-budget', budgetRaw) * 1000;
  const runs = opt('runs', parsePositiveInt, budgetMs === undefined ? DEFAULT_RUNS : UNBOUNDED_RUNS);
  const depth = opt('depth', parsePositiveInt, DEFAULT_DEPTH);
  const preemptions = opt('preemptions', parseNonNegativeInt, DEFAULT_PREEMPTIONS);
  const maxSteps = opt('max-steps', parsePositiveInt, DEFAULT_MAX_STEPS);
  const workers = opt('workers', parsePositiveInt, io.parallelism);
  const kernelRaw = flagValue(args, 'kernel');
  const shardRaw = flagValue(args, 'shard');
  const params = parseSets(args.flags.get('set') ?? []);
  const seedRaw = flagValue(args, 'seed');
  const seed = seedRaw === undefined ? String(Math.floor(io.now())) : parseSeed(seedRaw);
  const run: RunOptions = {
    strategy,
    seed,
    runs,
    depth,
    preemptions,
    maxSteps,
    params,
    workers,
    ...(kernelRaw === undefined ? {} : { kernel: parseKernel(kernelRaw) }),
    ...(shardRaw === undefined ? {} : { shard: parseShard(shardRaw) }),
  };
  return {
    target,
    run,
    isSeedFromClock: seedRaw === undefined,
    isStrict: hasFlag(args, 'strict'),
    ...(budgetMs === undefined ? {} : { budgetMs }),
  };
}

function checkTarget(positionals: readonly string[]): string {
  if (positionals.length === 0) throw new UsageError('check: missing scenario name or file');
  if (positionals.length > 1) throw new UsageError(`check: unexpected argument '${positionals[1]}'`);
  if (positionals[0] === '') throw new UsageError('check: empty scenario name');
  return positionals[0]!;
}

/** Checks `--set` keys and values against the scenario's parameters. */
export function checkParams(
  scenario: string,
  params: Readonly<Record<string, number>>,
  infos: readonly ParamInfo[],
): void {
  for (const [key, value] of Object.entries(params)) {
    const info = infos.find((p) => p.name === key);
    if (!info) {
      const known = infos.length === 0 ? 'it has none' : `known: ${infos.map((p) => p.name).join(', ')}`;
      throw new UsageError(`--set: scenario '${scenario}' has no parameter '${key}' (${known})`);
    }
    if (value < info.min || value > info.max) {
      throw new UsageError(`--set: ${key}=${value} is outside ${info.min}..${info.max}`);
    }
  }
}
