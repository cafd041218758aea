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
import { acquire, at, type ProgramSpec, program, read, release, set, smallProgram } from './programs.js';

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
