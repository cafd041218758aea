/**
 * The JSON report: the engine's CheckReport in a fixed key order, plus
 * `stoppedBy` when a time budget or Ctrl-C cut the run short. `cgrpcheck
 * merge` reads it back.
 */
import type { Outcome } from '../outcome.js';

/** Renders `outcome` as pretty JSON ending in a newline. */
export function renderJson(outcome: Outcome): string {
  const r = outcome.report;
  const ordered = {
    scenario: r.scenario,
    kernel: r.kernel,
    strategy: r.strategy,
    seed: r.seed,
    params: r.params,
    verdict: r.verdict,
    complete: r.complete,
    completeWithinPreemptions: r.completeWithinPreemptions,
    expect: r.expect,
    expectation: {
      met: outcome.judgement.isMet,
      expected: outcome.judgement.expected,
      got: outcome.judgement.got,
      shortfalls: outcome.judgement.shortfalls,
      warnings: outcome.judgement.warnings,
    },
    stats: r.stats,
    unreached: r.unreached,
    shard: r.shard,
    symmetry: r.symmetry,
    strategyInfo: r.strategyInfo,
    stoppedBy: outcome.stoppedBy,
    violation: r.violation,
  };
  return `${JSON.stringify(ordered, null, 2)}\n`;
}
