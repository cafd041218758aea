/**
 * Merging the JSON reports of the shards of one run into one verdict: the
 * violation of the lowest execution index wins, counts add up, and the run is
 * complete only when every shard covered its part.
 */
import { decodeToken, encodeToken } from '../../scheduler/scheduleCodec.js';
import { decodeCounts, type LedgerSubtree, type ShardLedger } from '../workers/workerLedger.js';
import { mergeStrategyInfo, strategyFacts } from './check.js';
import type { Loaded } from './engine.js';
import type { CheckReport, FoundViolation } from './result.js';

const SAME_FIELDS = ['scenario', 'kernel', 'strategy', 'seed'] as const;

function mismatch(reports: readonly CheckReport[]): string | undefined {
  const first = reports[0]!;
  for (const r of reports) {
    for (const f of SAME_FIELDS)
      if (r[f] !== first[f]) return `merge: shards disagree on ${f}: '${first[f]}' vs '${r[f]}'`;
    if (JSON.stringify(r.params) !== JSON.stringify(first.params)) return 'merge: shards disagree on params';
    if (JSON.stringify(r.symmetry) !== JSON.stringify(first.symmetry))
      return 'merge: shards disagree on symmetry';
    if (r.shard?.count !== first.shard?.count) return 'merge: shards disagree on the shard count';
  }
  const count = first.shard?.count ?? 1;
  const seen = new Set(reports.map((r) => r.shard?.index ?? 0));
  if (seen.size !== reports.length) return 'merge: the same shard appears twice';
  if (seen.size !== count) {
    const missing = [...Array(count).keys()].filter((i) => !seen.has(i));
    return `merge: missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')}`;
  }
  return undefined;
}

/** Counts and strategy facts of the merged run. */
interface MergedTotals {
  readonly executions: number;
  readonly steps: number;
  readonly abandoned: number;
  readonly complete: boolean;
  readonly strategyInfo: Record<string, string | number> | undefined;
  readonly violation: FoundViolation | undefined;
}

/** Random/PCT shards: everything up to the lowest violating index, trimmed per execution. */
function mergeExecutions(sorted: readonly CheckReport[]): MergedTotals | undefined {
  const ledgers = sorted.map((r) => r.shard?.ledger);
  if (ledgers.some((l) => l?.kind !== 'executions')) return undefined;
  const violation = sorted
    .flatMap((r) => (r.violation === undefined ? [] : [r.violation]))
    .sort((a, b) => a.execution - b.execution)[0];
  const last = violation?.execution ?? Number.POSITIVE_INFINITY;
  let executions = 0;
  let steps = 0;
  sorted.forEach((r, i) => {
    const ledger = ledgers[i]! as Extract<ShardLedger, { kind: 'executions' }>;
    const { index, count } = r.shard!;
    decodeCounts(ledger.steps).forEach((n, p) => {
      if (index + p * count > last) return;
      executions++;
      steps += n;
    });
  });
  const infos = ledgers.flatMap((l) => (l?.kind === 'executions' && l.info !== undefined ? [l.info] : []));
  return {
    executions,
    steps,
    abandoned: 0,
    complete: false,
    strategyInfo:
      infos.length === 0 ? sorted[0]!.strategyInfo : strategyFacts(mergeStrategyInfo(infos, [], infos[0]!)),
    violation,
  };
}

/** Exhaustive shards: subtrees in global order up to and into the lowest violating one. */
function mergeSubtrees(sorted: readonly CheckReport[]): MergedTotals | undefined {
  const ledgers = sorted.map((r) => r.shard?.ledger);
  if (ledgers.some((l) => l?.kind !== 'subtrees')) return undefined;
  const count = sorted[0]!.shard!.count;
  const units: { unit: LedgerSubtree; report: CheckReport; global: number }[] = [];
  sorted.forEach((r, i) => {
    const ledger = ledgers[i]! as Extract<ShardLedger, { kind: 'subtrees' }>;
    ledger.subtrees.forEach((unit, order) => {
      units.push({ unit, report: r, global: r.shard!.index + order * count });
    });
  });
  units.sort((a, b) => a.global - b.global);
  let executions = 0;
  let steps = 0;
  let abandoned = 0;
  let violation: FoundViolation | undefined;
  const included: LedgerSubtree[] = [];
  for (const { unit, report } of units) {
    included.push(unit);
    if (unit.violationAt !== undefined && report.violation !== undefined) {
      violation = withExecution(report.violation, executions + unit.violationAt);
    }
    executions += unit.executions;
    steps += unit.steps;
    abandoned += unit.abandoned;
    if (violation !== undefined) break;
  }
  const isPruned = ledgers.some((l) => l?.kind === 'subtrees' && l.isBoundPruned);
  const first = sorted[0]!;
  const fallback = { name: 'dfs' } as const;
  const info = mergeStrategyInfo(
    included.map((u) => u.info),
    included.map((u) => u.preemptions),
    first.strategy === 'bounded'
      ? { name: 'bounded', maxPreemptions: Number(first.strategyInfo?.maxPreemptions ?? 0), perBound: [0] }
      : fallback,
  );
  return {
    executions,
    steps,
    abandoned,
    complete: !isPruned && sorted.every((r) => r.complete),
    strategyInfo: included.length === 0 ? first.strategyInfo : strategyFacts(info),
    violation,
  };
}

/** The violation with its execution ordinal (and its token's) set to the merged run's. */
function withExecution(v: FoundViolation, execution: number): FoundViolation {
  const token = decodeToken(v.replay);
  const replay = token.ok ? encodeToken({ ...token.value, executionIndex: execution }) : v.replay;
  return { ...v, execution, replay };
}

/** Plain sums, for reports without ledgers. */
function mergeSums(sorted: readonly CheckReport[]): MergedTotals {
  const violations = sorted.flatMap((r) => (r.violation === undefined ? [] : [r.violation]));
  violations.sort((a, b) => a.execution - b.execution);
  const sum = (f: (r: CheckReport) => number) => sorted.reduce((n, r) => n + f(r), 0);
  return {
    executions: sum((r) => r.stats.executions),
    steps: sum((r) => r.stats.steps),
    abandoned: sum((r) => r.stats.abandoned),
    complete: sorted.every((r) => r.complete),
    strategyInfo: sorted[0]!.strategyInfo,
    violation: violations[0],
  };
}

/**
 * One report for the whole run, identical whichever order the shards come in;
 * with ledgers (every shard of this version has one) it equals the report of
 * the unsharded run: the same verdict, counts, facts and violation.
 */
export function mergeReports(reports: readonly CheckReport[]): Loaded<CheckReport> {
  if (reports.length === 0) return { ok: false, error: { message: 'merge: no reports' } };
  const problem = mismatch(reports);
  if (problem !== undefined) return { ok: false, error: { message: problem } };
  const sorted = [...reports].sort((a, b) => (a.shard?.index ?? 0) - (b.shard?.index ?? 0));
  const t = mergeExecutions(sorted) ?? mergeSubtrees(sorted) ?? mergeSums(sorted);
  const first = sorted[0]!;
  const unreached = first.unreached.filter((id) => sorted.every((r) => r.unreached.includes(id)));
  const {
    shard: _shard,
    violation: _violation,
    strategyInfo: _info,
    completeWithinPreemptions: within,
    ...base
  } = first;
  const violation = t.violation;
  const isWithinBound =
    violation === undefined && !t.complete && sorted.every((r) => r.completeWithinPreemptions === within);
  return {
    ok: true,
    value: {
      ...base,
      verdict: violation === undefined ? 'pass' : 'violation',
      complete: violation === undefined && t.complete,
      ...(isWithinBound && within !== undefined ? { completeWithinPreemptions: within } : {}),
      stats: {
        executions: t.executions,
        steps: t.steps,
        elapsedMs: Math.max(...sorted.map((r) => r.stats.elapsedMs)),
        abandoned: t.abandoned,
      },
      unreached: violation === undefined ? unreached : [],
      ...(t.strategyInfo === undefined ? {} : { strategyInfo: t.strategyInfo }),
      ...(violation === undefined ? {} : { violation }),
    },
  };
}
