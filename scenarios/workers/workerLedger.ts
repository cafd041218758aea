/**
 * A shard's ledger: what `merge` needs to turn the reports of N shards into the
 * report of the unsharded run, exactly. Random and PCT shards record the steps
 * of each execution (the run ends at the lowest violating index across all
 * shards, so the merge trims every shard at that index); exhaustive shards
 * record each of their subtrees' totals (the run ends inside the lowest
 * violating subtree).
 */
import type { StrategyInfo } from '../../scheduler/strategy.js';
import type { LedgerSubtree, ShardLedger } from '../engine/result.js';
import type { CommittedRun } from './workerCommit.js';
import type { RunPlan } from './workerUnits.js';

export type { LedgerSubtree, ShardLedger } from '../engine/result.js';

/** Varints (7 bits a byte) in base64url. */
export function encodeCounts(counts: readonly number[]): string {
  const bytes: number[] = [];
  for (let n of counts) {
    while (n >= 0x80) {
      bytes.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 0x80);
    }
    bytes.push(n);
  }
  return Buffer.from(bytes).toString('base64url');
}

/** Inverse of {@link encodeCounts}. */
export function decodeCounts(text: string): number[] {
  const bytes = Buffer.from(text, 'base64url');
  const out: number[] = [];
  let n = 0;
  let scale = 1;
  for (const b of bytes) {
    n += (b & 0x7f) * scale;
    if (b & 0x80) scale *= 0x80;
    else {
      out.push(n);
      n = 0;
      scale = 1;
    }
  }
  return out;
}

/** The ledger of a committed shard run. */
export function ledgerOf(plan: RunPlan, c: CommittedRun, _complete: boolean): ShardLedger {
  if (plan.isIndexed) {
    const steps = c.results.flatMap((r) => r.stepsPerExecution ?? []);
    const infos = c.results.map((r) => r.info);
    const info = infos.reduce<StrategyInfo | undefined>(
      (a, b) => (a === undefined || (a.name === 'pct' && b.name === 'pct' && b.tasks > a.tasks) ? b : a),
      undefined,
    );
    return { kind: 'executions', steps: encodeCounts(steps), info };
  }
  return {
    kind: 'subtrees',
    isBoundPruned: plan.isBoundPruned,
    subtrees: c.results.map((r) => ({
      executions: r.executions,
      steps: r.steps,
      abandoned: r.abandoned,
      complete: r.complete && r.stoppedBy !== 'shouldStop',
      preemptions: plan.subtrees[r.order]?.preemptions ?? 0,
      info: r.info,
      ...(r.violation === undefined ? {} : { violationAt: r.violation.position }),
    })),
  };
}
