/**
 * DPOR on the model itself: on catalogue scenarios small enough to enumerate,
 * the reduced search runs exactly one complete execution per Mazurkiewicz
 * trace (counted by naive enumeration with the same dependence). The
 * executions it abandons are pinned too (none here). The figures are those of
 * `npm run bench`, section 2.
 */
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../../scenarios/engine/load.js';
import { prepareRun } from '../../../scenarios/engine/prepare.js';
import { createDfsStrategy } from '../../../scheduler/dfs.js';
import { createDporStrategy } from '../../../scheduler/dpor.js';
import { explore } from '../../../scheduler/explore.js';
import { canonicalTrace, recordingStrategy, withoutChecks } from '../../../scheduler/mazurkiewicz.js';
import type { Strategy } from '../../../scheduler/strategy.js';
import type { ExecutionFactory } from '../../../scheduler/task.js';

function factoryOf(name: string, params: Record<string, number>): ExecutionFactory {
  const source = loadScenario(name);
  if (!source.ok) throw new Error(source.error.message);
  const run = prepareRun(source.value, undefined, params);
  if (!run.ok) throw new Error(run.error.message);
  return withoutChecks(run.value.factory);
}

/** Explores with `strategy`, canonicalising every complete execution's trace. */
function traces(f: ExecutionFactory, strategy: Strategy) {
  const seen: string[] = [];
  const r = explore(
    f,
    recordingStrategy(strategy, (rec, o) => {
      if (o.status !== 'abandoned') seen.push(canonicalTrace(rec));
    }),
    // Violations (the deadlock of map-free-deadlock-before) end an execution, not the search.
    { maxExecutions: 20_000, onlyInvariant: '\u0000none' },
  );
  return { r, seen };
}

describe('dpor on model scenarios', () => {
  it.each([
    // scenario, params, naive interleavings, Mazurkiewicz traces, executions dpor abandons
    ['map-free-deadlock-before', {}, 1, 1, 0],
    // 4 traces: 13 before a live percpu_ref put became an atomic that commutes
    // with gets and other live puts (model/cgroup/cgroup.ts percpuRefPut).
    ['busy-cross-task-after', {}, 145, 4, 0],
    // 35 interleavings: 462 without atomic blocks, where the busy counter's steps
    // are scheduling points of their own (test/scenarios/compile/atomicBlocks.test.ts).
    // 1 trace (2 before live puts commuted): the CPU's get and the reader's lookup
    // only read, and the reader's get/put of the cgroup commutes with the CPU's.
    ['null-on-absent', { cpus: 1, iterations: 1 }, 35, 1, 0],
    // DPOR explored 6 of these 14 traces while an acquire that also wrote what
    // the lock guards hid its race with the previous acquire (scheduler/happensBefore.ts).
    ['prealloc-before-attach', { cpus: 1, iterations: 1 }, 16_227, 14, 0],
  ] as const)(
    '%s %o: naive %i, traces %i, dpor one execution per trace (%i abandoned)',
    (name, params, naive, count, abandoned) => {
      const f = factoryOf(name, params);
      const all = traces(f, createDfsStrategy());
      expect([all.r.complete, all.r.executions, new Set(all.seen).size]).toEqual([true, naive, count]);
      const reduced = traces(f, createDporStrategy());
      expect([reduced.r.complete, reduced.r.executions - abandoned, reduced.r.abandoned]).toEqual([
        true,
        count,
        abandoned,
      ]);
      expect(new Set(reduced.seen)).toEqual(new Set(all.seen));
    },
  );
});
