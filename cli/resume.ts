/**
 * What to print when a run stopped early: what was explored, and an honest
 * way to continue. Random and PCT sample independent executions, so a new
 * seed explores more; the exhaustive strategies keep no position, so a rerun
 * starts over and the way forward is to split the space into shards.
 */
import type { CheckReport } from '../scenarios/engine/result.js';
import type { FlagSpec } from './argv.js';
import { withoutFlags } from './flags.js';
import { EXHAUSTIVE_STRATEGIES, type StopReason } from './outcome.js';
import { cgrpcheckCommand, plural } from './shell.js';

/** Shards suggested when an unsharded exhaustive run is cut short. */
const SUGGESTED_SHARDS = 4;

/** The seed after `seed`: the next integer, or `seed.2` for other strings. */
export function nextSeed(seed: string): string {
  return /^\d+$/.test(seed) ? (BigInt(seed) + 1n).toString() : `${seed}.2`;
}

/** Lines about an early stop of `check <checkArgv>` (empty when it was not stopped). */
export function stopNotes(
  stoppedBy: StopReason | undefined,
  report: CheckReport,
  checkArgv: readonly string[],
  specs: readonly FlagSpec[],
): string[] {
  if (stoppedBy === undefined) return [];
  const n = plural(report.stats.executions, 'execution');
  const what = report.violation
    ? 'the violation above was found before the stop'
    : 'no violation in what was explored';
  const head =
    stoppedBy === 'interrupt'
      ? `interrupted (Ctrl-C) after ${n}; ${what}`
      : `stopped at the time budget after ${n}; ${what}`;
  if (report.violation) return [head];
  if (!EXHAUSTIVE_STRATEGIES.includes(report.strategy)) {
    const args = [...withoutFlags(checkArgv, ['seed'], specs), '--seed', nextSeed(report.seed)];
    return [
      head,
      `resume: ${report.strategy} samples independent executions and keeps no position; explore more with a new seed:`,
      `  ${cgrpcheckCommand(['check', ...args])}`,
    ];
  }
  const count = (report.shard?.count ?? 1) * SUGGESTED_SHARDS;
  const base = withoutFlags(checkArgv, ['shard', 'out', 'format', 'json'], specs);
  const shard = (i: number): string[] => [
    'check',
    ...base,
    '--shard',
    `${i}/${count}`,
    '--json',
    '--out',
    `shard-${i}.json`,
  ];
  const files = Array.from({ length: Math.min(count, SUGGESTED_SHARDS) }, (_, i) => `shard-${i}.json`);
  return [
    head,
    `resume: ${report.strategy} keeps no position, so a rerun starts over; split the space into ${count} shards, run each (in parallel or one at a time), then merge:`,
    `  ${cgrpcheckCommand(shard(0))}`,
    `  … through --shard ${count - 1}/${count}, then:`,
    `  ${cgrpcheckCommand(['merge', ...files])}${count > SUGGESTED_SHARDS ? ' …' : ''}`,
  ];
}
