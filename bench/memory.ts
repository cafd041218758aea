/**
 * Section 4: peak memory of the exhaustive search (DPOR) on the largest
 * scenario it can finish, with the retained heap sampled (after a full GC)
 * as the search goes, to show it follows execution depth, not executions.
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createDporStrategy } from '../scheduler/dpor.js';
import { explore } from '../scheduler/explore.js';
import type { BenchConfig } from './config.js';
import { prepareEntry } from './engineRun.js';

/** One candidate's figures. */
export interface MemoryRow {
  readonly scenario: string;
  readonly params: Readonly<Record<string, number>>;
  readonly isFinished: boolean;
  readonly executions: number;
  /** Longest execution, in steps. */
  readonly maxDepth: number;
  readonly baselineMb: number;
  /** Largest retained heap above the baseline, over the samples. */
  readonly peakMb: number;
  /** [executions so far, retained heap above the baseline in MB]. */
  readonly samples: readonly (readonly [number, number])[];
}

/** Candidates in increasing size; each runs until it finishes or its time is up. */
const CANDIDATES: readonly { scenario: string; params: Record<string, number> }[] = [
  { scenario: 'null-on-absent', params: { cpus: 1, iterations: 1 } },
  { scenario: 'doc-counter', params: { cpus: 1, iterations: 1 } },
  { scenario: 'delete-from-program', params: { iterations: 1 } },
  { scenario: 'rmdir-while-counting', params: { cpus: 1, iterations: 1 } },
];

const SAMPLE_EVERY = 250;

function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function retainedMb(gc: () => void): number {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** Runs DPOR on each candidate until it finishes or its time is up. */
export function measureMemory(cfg: BenchConfig): MemoryRow[] {
  const gc = collector();
  const rows: MemoryRow[] = [];
  for (const c of CANDIDATES) {
    const factory = prepareEntry(c.scenario, c.params).factory;
    const baselineMb = retainedMb(gc);
    const samples: [number, number][] = [];
    let executions = 0;
    let maxDepth = 0;
    const start = performance.now();
    const r = explore(factory, createDporStrategy(), {
      maxExecutions: Number.MAX_SAFE_INTEGER,
      onlyInvariant: '\u0000none',
      shouldStop: () => performance.now() - start > cfg.memorySeconds * 1000,
      onExecutionEnd: (e) => {
        executions++;
        maxDepth = Math.max(maxDepth, e.outcome.steps);
        const isPowerOfTwo = (executions & (executions - 1)) === 0;
        if (isPowerOfTwo || executions % SAMPLE_EVERY === 0)
          samples.push([executions, retainedMb(gc) - baselineMb]);
      },
    });
    const peakMb = Math.max(0, ...samples.map(([, mb]) => mb));
    rows.push({
      scenario: c.scenario,
      params: c.params,
      isFinished: r.complete,
      executions: r.executions,
      maxDepth,
      baselineMb,
      peakMb,
      samples,
    });
  }
  return rows;
}
