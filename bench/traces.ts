/**
 * Section 2: executions explored by the reduced exhaustive search (optimal
 * DPOR, plain and split into subtrees as workers and shards run it) against
 * naive enumeration and the number of Mazurkiewicz traces, for every catalogue
 * scenario small enough to enumerate at its smallest parameters.
 */

import type { ScenarioInfo } from '../scenarios/engine/engine.js';
import { createDfsStrategy } from '../scheduler/dfs.js';
import { createDporStrategy } from '../scheduler/dpor.js';
import { explore } from '../scheduler/explore.js';
import { canonicalTrace, recordingStrategy, withoutChecks } from '../scheduler/mazurkiewicz.js';
import type { Strategy } from '../scheduler/strategy.js';
import { restrictToSubtree, splitSearchTree } from '../scheduler/subtrees.js';
import type { ExecutionFactory } from '../scheduler/task.js';
import type { BenchConfig } from './config.js';
import { prepareEntry } from './engineRun.js';

/** One scenario's counts. */
export interface TraceRow {
  readonly scenario: string;
  readonly params: Readonly<Record<string, number>>;
  /** Undefined when the naive enumeration did not finish within its cap. */
  readonly naive: number | undefined;
  readonly traces: number | undefined;
  /** Plain DPOR: executions run to their end, and abandoned ones (sleep-blocked or infeasible). */
  readonly dpor: number | undefined;
  readonly dporAbandoned: number | undefined;
  /** DPOR split into subtrees (workers, shards): completed and abandoned executions. */
  readonly split: number | undefined;
  readonly splitAbandoned: number | undefined;
  readonly subtrees: number | undefined;
}

// An invariant id no execution reports, so that every violation is ignored and the search goes on.
const NO_INVARIANT = '\u0000none';

/** Wraps a strategy so that every execution's trace is canonicalised into `seen`. */
function recording(inner: Strategy, seen: Set<string>): Strategy {
  return recordingStrategy(inner, (rec) => seen.add(canonicalTrace(rec)));
}

function deadline(seconds: number): () => boolean {
  const start = performance.now();
  return () => performance.now() - start > seconds * 1000;
}

function countNaive(f: ExecutionFactory, cfg: BenchConfig): { naive: number; traces: number } | undefined {
  const seen = new Set<string>();
  const r = explore(f, recording(createDfsStrategy(), seen), {
    maxExecutions: cfg.enumerateCap,
    onlyInvariant: NO_INVARIANT,
    shouldStop: deadline(cfg.enumerateSeconds),
  });
  return r.complete ? { naive: r.executions, traces: seen.size } : undefined;
}

function countDpor(f: ExecutionFactory, cfg: BenchConfig): { done: number; abandoned: number } | undefined {
  const r = explore(f, createDporStrategy(), {
    maxExecutions: cfg.enumerateCap,
    onlyInvariant: NO_INVARIANT,
    shouldStop: deadline(cfg.enumerateSeconds),
  });
  // The search ran out of work (it may still not claim completeness: see `infeasible` in dpor.ts).
  const isFinished = r.stoppedBy === 'exhausted';
  return isFinished ? { done: r.executions - r.abandoned, abandoned: r.abandoned } : undefined;
}

function countSplit(
  f: ExecutionFactory,
  cfg: BenchConfig,
): { done: number; abandoned: number; subtrees: number } | undefined {
  const split = splitSearchTree(f, { isReduced: true, maxSteps: 10_000 });
  const stop = deadline(cfg.enumerateSeconds);
  let done = 0;
  let abandoned = 0;
  for (const s of split.subtrees) {
    const r = explore(f, restrictToSubtree(createDporStrategy({ initialSleep: s.sleep }), s), {
      maxExecutions: cfg.enumerateCap,
      onlyInvariant: NO_INVARIANT,
      shouldStop: stop,
    });
    if (r.stoppedBy !== 'exhausted') return undefined;
    done += r.executions - r.abandoned;
    abandoned += r.abandoned;
  }
  return { done, abandoned, subtrees: split.subtrees.length };
}

/** Counts every catalogue scenario at its smallest parameters. */
export function measureTraces(entries: readonly ScenarioInfo[], cfg: BenchConfig): TraceRow[] {
  return entries.map((info) => {
    const params = Object.fromEntries(info.params.map((p) => [p.name, p.min]));
    const f = withoutChecks(prepareEntry(info.name, params).factory);
    const naive = countNaive(f, cfg);
    const dpor = naive === undefined ? undefined : countDpor(f, cfg);
    const split = naive === undefined ? undefined : countSplit(f, cfg);
    return {
      scenario: info.name,
      params,
      naive: naive?.naive,
      traces: naive?.traces,
      dpor: dpor?.done,
      dporAbandoned: dpor?.abandoned,
      split: split?.done,
      splitAbandoned: split?.abandoned,
      subtrees: split?.subtrees,
    };
  });
}
