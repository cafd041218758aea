/**
 * Section 3: time to the first violation, median and maximum over seeds, for
 * every catalogue entry that expects a violation (the historical bugs'
 * `-before` entries and doc-counter-racy, discovered from the catalogue), per
 * strategy. DPOR and preemption bounding ignore the seed, so they run once.
 */

import type { ScenarioInfo, StrategyName } from '../scenarios/engine/engine.js';
import { createStrategy } from '../scenarios/engine/strategies.js';
import { explore } from '../scheduler/explore.js';
import type { BenchConfig } from './config.js';
import { benchOptions, prepareEntry } from './engineRun.js';

/** One (scenario, strategy) cell. */
export interface BugRow {
  readonly scenario: string;
  readonly expect: string;
  readonly strategy: StrategyName;
  readonly runs: number;
  readonly found: number;
  /** Over the runs that found it; undefined when none did. */
  readonly medianMs: number | undefined;
  readonly maxMs: number | undefined;
  readonly medianExecutions: number | undefined;
}

const SEEDED: readonly StrategyName[] = ['random', 'pct'];
const EXHAUSTIVE: readonly StrategyName[] = ['dpor', 'bounded'];

function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function searchOnce(info: ScenarioInfo, strategy: StrategyName, seed: string, cfg: BenchConfig) {
  const run = prepareEntry(info.name);
  const options = benchOptions(strategy, seed, cfg.bugRuns, 1);
  const start = performance.now();
  const s = createStrategy(run.factory, options);
  const r = explore(run.factory, s, {
    maxExecutions: cfg.bugRuns,
    onlyInvariant: info.expect,
    shouldStop: () => performance.now() - start > cfg.bugSeconds * 1000,
  });
  const ms = performance.now() - start;
  return r.status === 'violated' ? { ms, executions: r.executions } : undefined;
}

/** Searches every bug entry with every strategy. */
export function measureBugs(entries: readonly ScenarioInfo[], cfg: BenchConfig): BugRow[] {
  const rows: BugRow[] = [];
  for (const info of entries.filter((e) => e.expect !== 'pass')) {
    for (const strategy of [...SEEDED, ...EXHAUSTIVE]) {
      const seeds = SEEDED.includes(strategy) ? cfg.seeds : 1;
      const hits: { ms: number; executions: number }[] = [];
      for (let i = 0; i < seeds; i++) {
        const hit = searchOnce(info, strategy, `${cfg.seed}-${i}`, cfg);
        if (hit !== undefined) hits.push(hit);
        else if (i === 2 && hits.length === 0) break; // three misses in a row: not within this budget
      }
      rows.push({
        scenario: info.name,
        expect: info.expect,
        strategy,
        runs: seeds,
        found: hits.length,
        medianMs: median(hits.map((h) => h.ms)),
        maxMs: hits.length === 0 ? undefined : Math.max(...hits.map((h) => h.ms)),
        medianExecutions: median(hits.map((h) => h.executions)),
      });
    }
  }
  return rows;
}
