/**
 * A check run: explores a prepared scenario with one strategy, in chunks so a
 * front end stays responsive, then shrinks any violation to a minimal schedule
 * and packs it into a replay token.
 */
import { ERA_VERSIONS } from '../../model/core/era.js';
import { encodeToken } from '../../scheduler/scheduleCodec.js';
import { shrinkSchedule } from '../../scheduler/shrink.js';
import type { StrategyInfo } from '../../scheduler/strategy.js';
import {
  type CommittedRun,
  commitUnits,
  createInProcessExecutor,
  type UnitExecutor,
} from '../workers/workerCommit.js';
import { ledgerOf } from '../workers/workerLedger.js';
import { createThreadExecutor, workerEntryPath } from '../workers/workerPool.js';
import {
  isSymmetryUsed,
  planRun,
  type RunPlan,
  UNIT_EXECUTIONS,
  type UnitResult,
  type UnitViolation,
} from '../workers/workerUnits.js';
import type { Loaded, RunHooks, RunOptions } from './engine.js';
import type { PreparedRun } from './prepare.js';
import type { CheckReport, FoundViolation } from './result.js';
import { replayRows } from './trace.js';

/** Executions per chunk; between chunks the run yields to the event loop. */
export const CHUNK_EXECUTIONS = UNIT_EXECUTIONS;

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
  found: UnitViolation,
  executionIndex: number,
): FoundViolation {
  const shrunk = shrinkSchedule(run.factory, found.choices, found.invariant, {
    maxSteps: options.maxSteps,
  });
  const choices = shrunk.status === 'shrunk' ? shrunk.choices : found.choices;
  const replayed = replayRows(run.factory, choices, options.maxSteps);
  const violation = replayed.outcome.violation ?? { invariant: found.invariant, message: found.message };
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

export { shardExecutions } from '../workers/workerUnits.js';

/** Picks where units run: worker threads when more than one is asked for and built, else the main thread. */
export type ExecutorChoice = (
  run: PreparedRun,
  options: RunOptions,
  plan: RunPlan,
  hooks: RunHooks,
) => UnitExecutor;

/** The default {@link ExecutorChoice}. */
export const chooseExecutor: ExecutorChoice = (run, options, plan, hooks) => {
  const units = plan.isIndexed ? Math.ceil(plan.cap / UNIT_EXECUTIONS) : plan.subtrees.length;
  // Two units per worker at least: below that, starting threads costs more than it saves.
  const slots = Math.max(1, Math.min(options.workers, Math.floor(units / 2)));
  const entry = slots > 1 ? workerEntryPath() : undefined;
  if (entry === undefined) return createInProcessExecutor([run], hooks.shouldStop ?? (() => false));
  return createThreadExecutor(entry, run.source, options, slots);
};

/**
 * Explores `run` until the strategy is exhausted, `runs` executions ran, a
 * violation, or a stop; on `options.workers` threads, with a result that does
 * not depend on how many.
 */
export async function runCheck(
  run: PreparedRun,
  options: RunOptions,
  hooks: RunHooks = {},
  choose: ExecutorChoice = chooseExecutor,
): Promise<Loaded<CheckReport>> {
  const plan = planRun(run, options);
  const executor = choose(run, options, plan, hooks);
  let committed: CommittedRun;
  try {
    committed = await commitUnits(plan, executor, hooks);
  } finally {
    await executor.close();
  }
  return { ok: true, value: reportOf(run, options, plan, committed) };
}

/** Combines the strategy facts of committed units into the facts of one run. */
export function mergeStrategyInfo(
  infos: readonly StrategyInfo[],
  preemptionsOf: readonly number[],
  fallback: StrategyInfo,
): StrategyInfo {
  if (infos.length === 0) return fallback;
  const first = infos[0]!;
  switch (first.name) {
    case 'pct':
      return infos.reduce((a, b) => (b.name === 'pct' && a.name === 'pct' && b.tasks > a.tasks ? b : a));
    case 'dpor': {
      const all = infos as Extract<StrategyInfo, { name: 'dpor' }>[];
      const sum = (f: (i: (typeof all)[number]) => number) => all.reduce((n, i) => n + f(i), 0);
      return {
        name: 'dpor',
        sleepBlocked: sum((i) => i.sleepBlocked),
        wakeupInsertions: sum((i) => i.wakeupInsertions),
        infeasible: sum((i) => i.infeasible),
        estimatedExecutions: sum((i) => i.estimatedExecutions),
      };
    }
    case 'bounded': {
      const perBound: number[] = [];
      infos.forEach((info, u) => {
        if (info.name !== 'bounded') return;
        info.perBound.forEach((n, b) => {
          const at = b + (preemptionsOf[u] ?? 0);
          while (perBound.length <= at) perBound.push(0);
          perBound[at]! += n;
        });
      });
      return {
        name: 'bounded',
        maxPreemptions: fallback.name === 'bounded' ? fallback.maxPreemptions : 0,
        perBound,
      };
    }
    default:
      return first;
  }
}

/**
 * DPOR's estimate for a run split into `total` subtrees of which the first
 * `begun` ran: the subtrees not begun are taken to be as large on average (a
 * run a violation ended counts only what it began, as its merged shards do).
 */
function withSubtreesEstimated(info: StrategyInfo, begun: number, total: number): StrategyInfo {
  if (info.name !== 'dpor' || begun === 0 || begun >= total) return info;
  return { ...info, estimatedExecutions: Math.round((info.estimatedExecutions * total) / begun) };
}

/** The strategy facts of a run that explored nothing. */
function emptyInfo(options: RunOptions, plan: RunPlan): StrategyInfo {
  switch (options.strategy) {
    case 'random':
      return { name: 'random', seed: options.seed };
    case 'pct':
      return {
        name: 'pct',
        seed: options.seed,
        depth: options.depth,
        maxStepsEstimate: plan.context.pctEstimate,
        tasks: 0,
        guarantee: 0,
      };
    case 'dpor':
      return { name: 'dpor', sleepBlocked: 0, wakeupInsertions: 0, infeasible: 0, estimatedExecutions: 0 };
    case 'bounded':
      return { name: 'bounded', maxPreemptions: options.preemptions, perBound: [0] };
    default:
      return { name: 'dfs' };
  }
}

/** Goals no committed execution met, in registration order. */
function unreachedOf(results: readonly UnitResult[]): string[] {
  const hit = new Map<string, boolean>();
  for (const r of results) {
    for (const [id, at] of r.reached) hit.set(id, (hit.get(id) ?? false) || (at >= 0 && at < r.executions));
  }
  return [...hit].filter(([, h]) => !h).map(([id]) => id);
}

function reportOf(run: PreparedRun, options: RunOptions, plan: RunPlan, c: CommittedRun): CheckReport {
  const sum = (f: (r: UnitResult) => number) => c.results.reduce((n, r) => n + f(r), 0);
  const preemptions = c.results.map((r) => plan.subtrees[r.order]?.preemptions ?? 0);
  const info = withSubtreesEstimated(
    mergeStrategyInfo(
      c.results.map((r) => r.info),
      preemptions,
      emptyInfo(options, plan),
    ),
    c.results.length,
    c.results.at(-1)?.violation === undefined ? plan.subtrees.length : c.results.length,
  );
  const last = c.results.at(-1);
  const found = last?.violation;
  const violation =
    found === undefined
      ? undefined
      : packViolation(
          run,
          options,
          found,
          plan.isIndexed ? found.executionIndex : c.offsets.at(-1)! + found.position,
        );
  const complete =
    !plan.isIndexed && !plan.isBoundPruned && c.isAllCommitted && c.results.every((r) => r.complete);
  // bounded ran out of executions within its bound (it stops by itself there), the space goes on.
  const isWithinBound =
    options.strategy === 'bounded' &&
    !complete &&
    violation === undefined &&
    c.isAllCommitted &&
    c.results.every((r) => r.stoppedBy === 'exhausted');
  const shard = options.shard;
  return {
    scenario: run.source.info.name,
    kernel: ERA_VERSIONS[run.era],
    strategy: options.strategy,
    seed: options.seed,
    params: run.def.params,
    verdict: violation === undefined ? 'pass' : 'violation',
    complete: complete && violation === undefined,
    ...(isWithinBound ? { completeWithinPreemptions: options.preemptions } : {}),
    ...(run.def.expect === undefined ? {} : { expect: run.def.expect }),
    stats: {
      executions: sum((r) => r.executions),
      steps: sum((r) => r.steps),
      elapsedMs: 0,
      abandoned: sum((r) => r.abandoned),
    },
    unreached: violation === undefined ? unreachedOf(c.results) : [],
    ...(shard === undefined ? {} : { shard: { ...shard, ledger: ledgerOf(plan, c, complete) } }),
    ...(isSymmetryUsed(run, options) ? { symmetry: run.symmetry } : {}),
    strategyInfo: strategyFacts(info),
    ...(violation === undefined ? {} : { violation }),
  };
}
