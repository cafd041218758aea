/**
 * Merging the JSON reports of the shards of one run into one verdict: the
 * violation of the lowest execution index wins, counts add up, and the run is
 * complete only when every shard covered its part.
 */
import type { Loaded } from './engine.js';
import type { CheckReport } from './result.js';

const SAME_FIELDS = ['scenario', 'kernel', 'strategy', 'seed'] as const;

function mismatch(reports: readonly CheckReport[]): string | undefined {
  const first = reports[0]!;
  for (const r of reports) {
    for (const f of SAME_FIELDS)
      if (r[f] !== first[f]) return `merge: shards disagree on ${f}: '${first[f]}' vs '${r[f]}'`;
    if (JSON.stringify(r.params) !== JSON.stringify(first.params)) return 'merge: shards disagree on params';
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

/** One report for the whole run, identical whichever order the shards come in. */
export function mergeReports(reports: readonly CheckReport[]): Loaded<CheckReport> {
  if (reports.length === 0) return { ok: false, error: { message: 'merge: no reports' } };
  const problem = mismatch(reports);
  if (problem !== undefined) return { ok: false, error: { message: problem } };
  const sorted = [...reports].sort((a, b) => (a.shard?.index ?? 0) - (b.shard?.index ?? 0));
  const violations = sorted.flatMap((r) => (r.violation === undefined ? [] : [r.violation]));
  violations.sort((a, b) => a.execution - b.execution);
  const first = sorted[0]!;
  const sum = (f: (r: CheckReport) => number) => sorted.reduce((n, r) => n + f(r), 0);
  const unreached = first.unreached.filter((id) => sorted.every((r) => r.unreached.includes(id)));
  const { shard: _shard, violation: _violation, ...base } = first;
  const violation = violations[0];
  return {
    ok: true,
    value: {
      ...base,
      verdict: violation === undefined ? 'pass' : 'violation',
      complete: violation === undefined && sorted.every((r) => r.complete),
      stats: {
        executions: sum((r) => r.stats.executions),
        steps: sum((r) => r.stats.steps),
        elapsedMs: Math.max(...sorted.map((r) => r.stats.elapsedMs)),
        sleepBlocked: sum((r) => r.stats.sleepBlocked),
      },
      unreached: violation === undefined ? unreached : [],
      ...(violation === undefined ? {} : { violation }),
    },
  };
}
