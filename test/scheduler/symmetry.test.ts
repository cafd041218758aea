/**
 * Symmetry (scheduler/symmetry.ts): interchangeable tasks start in index
 * order. The search then explores one trace per class of renamings, and loses
 * no verdict and no final state: on random small programs with two or three
 * copies of one task (plus maybe another task), DPOR with the gates reaches
 * exactly the final states and violations that naive enumeration without them
 * reaches.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDfsStrategy } from '../../scheduler/dfs.js';
import { createDporStrategy } from '../../scheduler/dpor.js';
import { explore } from '../../scheduler/explore.js';
import { recordExecution } from '../../scheduler/mazurkiewicz.js';
import type { Strategy } from '../../scheduler/strategy.js';
import { checkSymmetryClasses, type SymmetryClass, withSymmetry } from '../../scheduler/symmetry.js';
import type { ExecutionFactory } from '../../scheduler/task.js';
import { TEST_SEED } from '../setup.js';
import {
  acquire,
  at,
  choice,
  incFromReg,
  local,
  lostUpdate,
  type Op,
  type ProgramSpec,
  post,
  program,
  read,
  release,
  set,
  take,
  waitFor,
} from './programs.js';

/** Gate ids far from the programs' own (0, 1, 2, ... by first use). */
const gate = (i: number, j: number): number => 1000 + 10 * i + j;

/** Every execution's end: its final variables (or its violation), and its spelling. */
function outcomes(f: ExecutionFactory, strategy: Strategy, finals: string[]) {
  const ends = new Set<string>();
  const spelled: string[] = [];
  const r = explore(f, strategy, {
    onlyInvariant: '\u0000none',
    onExecutionEnd: (e) => {
      // An execution DPOR gave up (a reordering that turned out disabled) ends nowhere.
      if (e.outcome.status === 'abandoned') return;
      ends.add(e.outcome.violation?.invariant ?? finals.at(-1)!);
      spelled.push(
        recordExecution(f, e.choices)
          .events.map((ev) => (ev.task < 0 ? `@${ev.time}` : 'ABCD'[ev.task]!))
          .join(''),
      );
    },
  });
  return { r, ends, spelled };
}

/** The spec with a checkEnd that records the final variables, sorted, in `finals`. */
function recording(spec: ProgramSpec, finals: string[]): ProgramSpec {
  return {
    ...spec,
    checkEnd: (s) => {
      finals.push(
        [...s.vars]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([k, v]) => `${k}=${v}`)
          .join(' '),
      );
      return spec.checkEnd?.(s);
    },
  };
}

function compare(spec: ProgramSpec, classes: readonly SymmetryClass[]) {
  const finalsAll: string[] = [];
  const finalsSym: string[] = [];
  const all = outcomes(program(recording(spec, finalsAll)), createDfsStrategy(), finalsAll);
  const f = withSymmetry(program(recording(spec, finalsSym)), classes, gate);
  const sym = outcomes(f, createDporStrategy(), finalsSym);
  return { all, sym };
}

describe('symmetry', () => {
  it('two copies of a lost update: 6 interleavings, 4 traces, 3 with the gate', () => {
    // A, B: read(x); write(x = reg + 1). The 6 interleavings form 4 traces:
    // AABB, BBAA, {ABAB, BAAB} and {ABBA, BABA} (the two reads commute). With
    // B's first step gated behind A's, the reads are ordered and only AABB,
    // ABAB and ABBA remain: BBAA is AABB renamed. (ABAB renamed is BABA, of
    // ABBA's trace: starting in index order keeps one trace per renaming
    // class only up to the first steps, so 3 rather than the 2 classes.)
    const spec = lostUpdate(2, 1);
    const plain = explore(program(spec), createDporStrategy(), { onlyInvariant: '\u0000none' });
    expect([plain.complete, plain.executions]).toEqual([true, 4]);
    const { all, sym } = compare(spec, [[0, 1]]);
    expect([all.r.complete, all.r.executions]).toEqual([true, 6]);
    expect([sym.r.complete, sym.r.executions, sym.r.abandoned]).toEqual([true, 3, 0]);
    expect(sym.spelled).toEqual(['AABB', 'ABAB', 'ABBA']);
    expect([...sym.ends].sort()).toEqual([...all.ends].sort());
    // x = 2 after AABB; the lost update (x = 1) after ABAB and ABBA.
    expect([...sym.ends].sort()).toEqual(['atomic-add', 'x=2']);
  });

  it('rejects a class that repeats, misorders or overruns its tasks', () => {
    expect(() => checkSymmetryClasses([[0]], 2)).toThrow(/at least two/);
    expect(() => checkSymmetryClasses([[1, 0]], 2)).toThrow(/out of order/);
    expect(() => checkSymmetryClasses([[0, 2]], 2)).toThrow(/out of range/);
    expect(() =>
      checkSymmetryClasses(
        [
          [0, 1],
          [1, 2],
        ],
        3,
      ),
    ).toThrow(/repeated/);
  });

  const objs = fc.constantFrom('x', 'y');
  const op: fc.Arbitrary<Op[]> = fc.oneof(
    objs.map((o) => [read(o)]),
    objs.map((o) => [incFromReg(o)]),
    fc.tuple(objs, fc.integer({ min: 1, max: 2 })).map(([o, v]) => [set(o, v)]),
    fc
      .tuple(fc.constantFrom('L', 'M'), objs)
      .map(([l, o]) => [acquire(l), read(o), incFromReg(o), release(l)]),
    fc.constantFrom<Op[]>(
      [acquire('L'), acquire('M'), release('M'), release('L')],
      [acquire('M'), acquire('L'), release('L'), release('M')],
      [choice(2)],
      [local()],
      [post('s')],
      [take('s')],
      [at(5, local('timer'))],
    ),
    objs.map((o) => [waitFor(o, 1)]),
  );
  const body = fc.array(op, { minLength: 1, maxLength: 3 }).map((ops) => ops.flat());
  const symmetric = fc
    .tuple(body, fc.integer({ min: 2, max: 3 }), fc.option(body, { nil: undefined }))
    .filter(([b, n, other]) => b.length * n + (other?.length ?? 0) <= 9)
    .map(([b, n, other]): { spec: ProgramSpec; classes: SymmetryClass[] } => {
      const copies = Array.from({ length: n }, (_, i) => ({ name: `T${i}`, ops: b }));
      const tasks = other === undefined ? copies : [{ name: 'U', ops: other }, ...copies];
      const first = other === undefined ? 0 : 1;
      const cls = Array.from({ length: n }, (_, i) => first + i);
      const checkEnd: ProgramSpec['checkEnd'] = (s) =>
        s.get('x') === 2 ? { invariant: 'x-is-2', message: 'x = 2' } : undefined;
      return { spec: { tasks, checkEnd }, classes: [cls] };
    });

  it('property: on random programs with copies of one task, dpor with symmetry reaches the same final states and violations as naive enumeration', () => {
    fc.assert(
      fc.property(symmetric, ({ spec, classes }) => {
        const { all, sym } = compare(spec, classes);
        expect(sym.r.complete).toBe(true);
        expect([...sym.ends].sort()).toEqual([...all.ends].sort());
        // Never more executions than plain DPOR.
        const plain = explore(program(spec), createDporStrategy(), { onlyInvariant: '\u0000none' });
        expect(sym.r.executions).toBeLessThanOrEqual(plain.executions);
      }),
      { seed: TEST_SEED, numRuns: 300 },
    );
  });
});
