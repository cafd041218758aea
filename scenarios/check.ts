/**
 * A check run: explores a prepared scenario with one strategy, in chunks so a
 * front end stays responsive, then shrinks any violation to a minimal schedule
 * and packs it into a replay token.
 */
import { ERA_VERSIONS } from '../model/era.js';
import { type ExploreResult, explore } from '../scheduler/explore.js';
import { encodeToken } from '../scheduler/scheduleCodec.js';
import { shrinkSchedule } from '../scheduler/shrink.js';
import type { StrategyInfo } from '../scheduler/strategy.js';
import type { Loaded, RunHooks, RunOptions } from './engine.js';
import type { PreparedRun } from './prepare.js';
import type { CheckReport, FoundViolation } from './result.js';
import { createStrategy } from './strategies.js';
import { replayRows } from './trace.js';

/** Executions per chunk; between chunks the run yields to the event loop. */
export const CHUNK_EXECUTIONS = 64;

/** Strategy facts worth printing, as flat key/value pairs. */
export function strategyFacts(info: StrategyInfo): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(info)) {
    if (k === 'name') continue;
    out[k] = Array.isArray(v) ? v.join(',') : (v as string | number);
  }
  return out;
}

/** Shrinks a violating stream, replays the result with rows, and makes its token. */
export function packViolation(
  run: PreparedRun,
  options: RunOptions,
  found: Extract<ExploreResult, { status: 'violated' }>,
  executionIndex: number,
): FoundViolation {
  const shrunk = shrinkSchedule(run.factory, found.choices, found.violation.invariant, {
    maxSteps: options.maxSteps,
  });
  const choices = shrunk.status === 'shrunk' ? shrunk.choices : found.choices;
  const replayed = replayRows(run.factory, choices, options.maxSteps);
  const violation = replayed.outcome.violation ?? found.violation;
  const before = { steps: found.failingSteps, preemptions: found.preemptions };
  const after =
    shrunk.status === 'shrunk'
      ? { steps: shrunk.after.steps, preemptions: shrunk.after.preemptions }
      : before;
  const replay = encodeToken({
    ...run.identity,
    strategy: options.strategy,
    seed: options.seed,
    executionIndex,
    choices,
  });
  return {
    invariant: violation.invariant,
    message: violation.message,
    replay,
    trace: replayed.rows,
    shrink: { before, after },
    execution: executionIndex,
  };
}

/** Executions shard `index` of `count` runs out of `runs`: indices index, index+count, … below runs. */
export function shardExecutions(
  runs: number,
  shard: { readonly index: number; readonly count: number },
): number {
  return shard.index >= runs ? 0 : Math.ceil((runs - shard.index) / shard.count);
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Explores `run` until the strategy is exhausted, `runs` executions ran, a violation, or a stop. */
export async function runCheck(
  run: PreparedRun,
  options: RunOptions,
  hooks: RunHooks = {},
): Promise<Loaded<CheckReport>> {
  const strategy = createStrategy(run.factory, options);
  const shouldStop = hooks.shouldStop ?? (() => false);
  let executions = 0;
  let steps = 0;
  let sleepBlocked = 0;
  let complete = false;
  let info: StrategyInfo = strategy.info();
  let violation: FoundViolation | undefined;
  const shard = options.shard ?? { index: 0, count: 1 };
  const total = shardExecutions(options.runs, shard);
  while (executions < total && violation === undefined && !shouldStop()) {
    const chunk = Math.min(CHUNK_EXECUTIONS, total - executions);
    const first = shard.index + executions * shard.count;
    const r = explore(run.factory, strategy, {
      maxSteps: options.maxSteps,
      maxExecutions: chunk,
      shouldStop,
      ...(strategy.isIndexed ? { firstExecution: first, executionStride: shard.count } : {}),
    });
    info = r.strategy;
    if (r.status === 'violated') {
      const index = strategy.isIndexed ? r.executionIndex : executions + r.executions - 1;
      violation = packViolation(run, options, r, index);
    }
    executions += r.executions;
    steps += r.steps;
    sleepBlocked += r.sleepBlocked;
    hooks.onProgress?.({ executions, steps, violations: violation === undefined ? 0 : 1 });
    if (r.stoppedBy === 'exhausted') {
      complete = r.complete;
      break;
    }
    await nextTurn();
  }
  return {
    ok: true,
    value: reportOf(run, options, { executions, steps, sleepBlocked, complete, info, violation }),
  };
}

interface RunTotals {
  readonly executions: number;
  readonly steps: number;
  readonly sleepBlocked: number;
  readonly complete: boolean;
  readonly info: StrategyInfo;
  readonly violation: FoundViolation | undefined;
}

function reportOf(run: PreparedRun, options: RunOptions, t: RunTotals): CheckReport {
  return {
    scenario: run.source.info.name,
    kernel: ERA_VERSIONS[run.era],
    strategy: options.strategy,
    seed: options.seed,
    params: run.def.params,
    verdict: t.violation === undefined ? 'pass' : 'violation',
    complete: t.complete && t.violation === undefined,
    ...(run.def.expect === undefined ? {} : { expect: run.def.expect }),
    stats: { executions: t.executions, steps: t.steps, elapsedMs: 0, sleepBlocked: t.sleepBlocked },
    unreached: t.violation === undefined ? run.reachability.unreached() : [],
    ...(options.shard === undefined ? {} : { shard: options.shard }),
    strategyInfo: strategyFacts(t.info),
    ...(t.violation === undefined ? {} : { violation: t.violation }),
  };
}
