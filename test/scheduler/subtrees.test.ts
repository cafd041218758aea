/**
 * A split search (scheduler/subtrees.ts), as workers and CI shards run it:
 * the subtrees, each explored by DPOR from its prefix's sleep set, together
 * run exactly one complete execution per Mazurkiewicz trace.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDporStrategy } from '../../scheduler/dpor.js';
import { explore } from '../../scheduler/explore.js';
import { canonicalTrace, countMazurkiewiczTraces, recordingStrategy } from '../../scheduler/mazurkiewicz.js';
import { restrictToSubtree, splitSearchTree } from '../../scheduler/subtrees.js';
import { TEST_SEEDS } from '../setup.js';
import {
  acquire,
  acquireSetting,
  at,
  type ProgramSpec,
  post,
  program,
  read,
  release,
  set,
  smallProgram,
  take,
  waitFor,
} from './programs.js';

/** Complete executions of every subtree, canonicalised; and how many traces there are. */
function runSplit(spec: ProgramSpec) {
  const f = program(spec);
  const split = splitSearchTree(f, { isReduced: true, maxSteps: 1_000, minSubtrees: 4, maxDepth: 3 });
  const seen: string[] = [];
  for (const sub of split.subtrees) {
    const s = restrictToSubtree(createDporStrategy({ initialSleep: sub.sleep }), sub);
    const recording = recordingStrategy(s, (rec, o) => {
      if (o.status !== 'abandoned') seen.push(canonicalTrace(rec));
    });
    explore(f, recording, { onlyInvariant: '\u0000none' });
  }
  const truth = countMazurkiewiczTraces(f);
  return { subtrees: split.subtrees.length, seen, truth };
}

describe('split dpor', () => {
  it('a race across the split (a read moved before the locked write) is found: 9 traces in 6 subtrees', () => {
    // T1 writes x, then writes it again under L; T0 and T2 read x. The order
    // "T1 w, T1 lock, T2 r, T1 w, T0 r" needs T2's read moved before T1's
    // second write inside the subtree whose prefix put T1's lock second, where
    // T0 sleeps: asleep from a split, T0 does not make that reordering redundant.
    const spec = {
      tasks: [
        { name: 'T0', ops: [at(5, read('x'))] },
        { name: 'T1', ops: [at(5, set('x', 1)), acquire('L'), set('x', 3), release('L')] },
        { name: 'T2', ops: [at(5, read('x'))] },
      ],
    };
    const got = runSplit(spec);
    expect([got.subtrees, got.seen.length, got.truth.traces]).toEqual([6, 9, 9]);
    expect(new Set(got.seen)).toEqual(new Set(got.truth.canonical));
  });

  it('a take blocked where a subtree gives its execution up still races with the take that won: 3 traces', () => {
    // Found by the property below under seed 401495547. T0 posts one item; T1
    // (after waiting for T0's flag) and T2 race to take it. In the subtree whose
    // prefix runs T1's wait, T0's read of x sleeps; once T1 takes the item, T2
    // is blocked and T0 asleep, so the search gives that execution up. The race
    // of T2's take with T1's must still be seen there: it is the only way to
    // "T2 takes, writes x, T0 reads it" (T0 cannot read before in this subtree,
    // and in T2's own subtree T1's wait sleeps to the end).
    const spec = {
      tasks: [
        { name: 'T0', ops: [set('y', 1), post('s'), read('x')] },
        { name: 'T1', ops: [waitFor('y', 1), take('s')] },
        { name: 'T2', ops: [take('s'), acquireSetting('L', 'x', 1), release('L')] },
      ],
    };
    const got = runSplit(spec);
    expect([got.subtrees, got.seen.length, got.truth.traces]).toEqual([3, 3, 3]);
    expect(new Set(got.seen)).toEqual(new Set(got.truth.canonical));
  });

  it.each(TEST_SEEDS)(
    'property: on random small programs the subtrees run each trace exactly once (seed %i)',
    (seed) => {
      fc.assert(
        fc.property(smallProgram(), (spec) => {
          const got = runSplit(spec);
          expect(got.seen.length).toBe(got.truth.traces);
          expect(new Set(got.seen)).toEqual(new Set(got.truth.canonical));
        }),
        { seed, numRuns: 1_000 },
      );
    },
  );
});
