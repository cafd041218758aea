import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDfsStrategy } from '../../scheduler/dfs.js';
import { createDporStrategy } from '../../scheduler/dpor.js';
import { type ExploreOptions, explore } from '../../scheduler/explore.js';
import { canonicalTraceOf, countMazurkiewiczTraces, recordExecution } from '../../scheduler/mazurkiewicz.js';
import type { ExecutionFactory } from '../../scheduler/task.js';
import { TEST_SEEDS } from '../setup.js';
import {
  acquire,
  acquireSetting,
  at,
  atomicInc,
  choice,
  idleTake,
  incFromReg,
  independentTasks,
  local,
  lostUpdate,
  type ProgramSpec,
  post,
  program,
  read,
  release,
  set,
  smallProgram,
  take,
  tryLock,
  waitFor,
} from './programs.js';

// Ignore every violation so that deadlocked executions are counted too.
const ALL: ExploreOptions = { onlyInvariant: '\u0000none' };

/** Spells an execution: task letters, data choices in parentheses, `@t` for clock advances. */
function spell(f: ExecutionFactory, choices: readonly number[]): string {
  const rec = recordExecution(f, choices);
  return rec.events
    .map((e) => (e.task < 0 ? `@${e.time}` : 'ABC'[e.task]! + (e.choices.length ? `(${e.choices})` : '')))
    .join('');
}

function runDpor(spec: ProgramSpec) {
  const f = program(spec);
  const executions: string[] = [];
  const keys = new Set<string>();
  const r = explore(f, createDporStrategy(), {
    ...ALL,
    onExecutionEnd: (e) => {
      if (e.outcome.status === 'abandoned') return;
      executions.push(spell(f, e.choices));
      keys.add(canonicalTraceOf(f, e.choices));
    },
  });
  const naive = explore(f, createDfsStrategy(), ALL).executions;
  const truth = countMazurkiewiczTraces(f);
  const missed = truth.canonical.filter((k) => !keys.has(k)).length;
  return { r, executions, naive, traces: truth.traces, missed };
}

describe('dpor (optimal: one execution per Mazurkiewicz trace)', () => {
  it.each([1, 2, 3, 4, 5])('2 tasks × %i independent steps: naive C(2n,n), dpor exactly 1', (n) => {
    const { r, naive, traces, executions } = runDpor(independentTasks(2, n));
    expect([naive, traces, r.executions]).toEqual([[2, 6, 20, 70, 252][n - 1], 1, 1]);
    expect(executions).toEqual(['A'.repeat(n) + 'B'.repeat(n)]);
    expect(r.complete).toBe(true);
  });

  it('2 tasks × 1 conflicting step: exactly 2 executions (x=1 then x=2, and x=2 then x=1)', () => {
    const { r, executions } = runDpor({
      tasks: [
        { name: 'A', ops: [set('x', 1)] },
        { name: 'B', ops: [set('x', 2)] },
      ],
    });
    expect(r.executions).toBe(2);
    expect(executions).toEqual(['AB', 'BA']);
  });

  // Each row: program, naive interleavings, Mazurkiewicz traces (= dpor executions), dpor's executions.
  const table: [string, ProgramSpec, number, number, string[]][] = [
    // A, B: r(x) w(x). Traces: AABB (x=2), ABAB (both read 0, B writes last; ≡ BAAB),
    // ABBA (both read 0, A writes last; ≡ BABA), BBAA (x=2).
    ['lost update (read/write mix)', lostUpdate(2, 1), 6, 4, ['AABB', 'ABAB', 'ABBA', 'BBAA']],
    [
      // 3 tasks: one writer, two readers; the readers commute with each other.
      'one writer, two readers (3 tasks)',
      {
        tasks: [
          { name: 'A', ops: [set('x', 1)] },
          { name: 'B', ops: [read('x')] },
          { name: 'C', ops: [read('x')] },
        ],
      },
      6,
      4,
      ['ABC', 'BAC', 'BCA', 'CAB'],
    ],
    [
      // message passing: B reads y then x; A writes x then y.
      'message passing',
      {
        tasks: [
          { name: 'A', ops: [set('x', 1), set('y', 1)] },
          { name: 'B', ops: [read('y'), read('x')] },
        ],
      },
      6,
      3,
      ['AABB', 'ABAB', 'BBAA'],
    ],
    [
      // a semaphore: C posts one token, A and B both want it; whoever loses
      // waits forever (a deadlock, still a trace). CBB is found from the
      // deadlock of CA, where B's pending take races with A's take.
      'two takers, one token',
      {
        tasks: [
          { name: 'A', ops: [take('s')] },
          { name: 'B', ops: [take('s'), local()] },
          { name: 'C', ops: [post('s')] },
        ],
      },
      2,
      2,
      ['CA', 'CBB'],
    ],
    [
      // two daemons wait idle for one token: whoever loses still waits idle at
      // the end, which is no deadlock; CBB is found from the end of CA, where
      // B's pending take races with A's take.
      'two idle takers, one token',
      {
        tasks: [
          { name: 'A', ops: [idleTake('s')] },
          { name: 'B', ops: [idleTake('s'), local()] },
          { name: 'C', ops: [post('s')] },
        ],
      },
      2,
      2,
      ['CA', 'CBB'],
    ],
    [
      // locks: only the order of the critical sections matters; the local steps commute.
      'locked increments',
      {
        tasks: ['A', 'B'].map((name) => ({
          name,
          ops: [local(), acquire('L'), read('x'), incFromReg('x'), release('L')],
        })),
      },
      12,
      2,
      ['AAAAABBBBB', 'ABBBBBAAAA'],
    ],
    [
      // lock plus an unprotected flag y (a write/read race outside the lock)
      'lock and unprotected flag',
      {
        tasks: [
          { name: 'A', ops: [acquire('L'), set('x', 1), release('L'), set('y', 1)] },
          { name: 'B', ops: [read('y'), acquire('L'), read('x'), release('L')] },
        ],
      },
      18,
      3,
      ['AAAABBBB', 'AAABABBB', 'BBBBAAAA'],
    ],
    [
      // 3 tasks contending for one lock: 3! orders of the critical sections
      'three tasks, one lock',
      {
        tasks: ['A', 'B', 'C'].map((name) => ({ name, ops: [acquire('L'), incFromReg('x'), release('L')] })),
      },
      6,
      6,
      ['AAABBBCCC', 'AAACCCBBB', 'BBBAAACCC', 'BBBCCCAAA', 'CCCAAABBB', 'CCCBBBAAA'],
    ],
    [
      // lock-order inversion: A-first, B-first, and the deadlock AB (A holds L1, B holds L2)
      'lock-order inversion (with its deadlock)',
      {
        tasks: [
          { name: 'A', ops: [acquire('L1'), acquire('L2'), release('L2'), release('L1')] },
          { name: 'B', ops: [acquire('L2'), acquire('L1'), release('L1'), release('L2')] },
        ],
      },
      6,
      3,
      ['AAAABBBB', 'AB', 'BBBABAAA'],
    ],
    [
      // virtual clock: A writes x at t=0 and at t=5; B reads x at t=5; C reads x at t=0.
      'timed writes and reads',
      {
        tasks: [
          { name: 'A', ops: [set('x', 1), at(5, set('x', 2))] },
          { name: 'B', ops: [at(5, read('x'))] },
          { name: 'C', ops: [read('x')] },
        ],
      },
      4,
      4,
      ['AC@5AB', 'AC@5BA', 'CA@5AB', 'CA@5BA'],
    ],
    [
      // atomics commute: three atomic increments of x are one trace
      'three atomic increments',
      { tasks: ['A', 'B', 'C'].map((name) => ({ name, ops: [atomicInc('x')] })) },
      6,
      1,
      ['ABC'],
    ],
    [
      // atomics conflict with a read: the reader sees x=0, 1 or 2 (before, between, after the adds)
      'two atomic increments and a reader',
      {
        tasks: [
          { name: 'A', ops: [atomicInc('x')] },
          { name: 'B', ops: [atomicInc('x')] },
          { name: 'C', ops: [read('x')] },
        ],
      },
      6,
      4,
      ['ABC', 'ACB', 'BCA', 'CAB'],
    ],
    [
      // a data choice inside A's first step: each value is a branch
      'data choice in a step',
      {
        tasks: [
          { name: 'A', ops: [choice(2), set('x', 1)] },
          { name: 'B', ops: [read('x')] },
        ],
      },
      6,
      4,
      ['A(0)AB', 'A(0)BA', 'A(1)AB', 'A(1)BA'],
    ],
  ];

  it.each(table)('%s: naive %i, traces = dpor = %i', (_name, spec, naive, traces, listed) => {
    const got = runDpor(spec);
    expect(got.naive).toBe(naive);
    expect(got.traces).toBe(traces);
    expect(got.r.executions).toBe(traces);
    expect(got.missed).toBe(0);
    expect(got.r.abandoned).toBe(0);
    expect(got.executions).toEqual(listed);
  });

  it('estimates the search size from the branching seen so far; exact once done (lost update, 3 tasks)', () => {
    const f = program(lostUpdate(3, 1));
    const estimates = [1, 2, 5, 10, 20, 40, 1000].map((n) => {
      const s = createDporStrategy();
      const r = explore(f, s, { ...ALL, maxExecutions: n });
      const info = s.info();
      return [r.executions, r.complete, info.name === 'dpor' ? info.estimatedExecutions : -1];
    });
    const traces = countMazurkiewiczTraces(f).traces;
    expect(traces).toBe(36);
    // Low while races are still being found, high once the explored siblings look large, exact at the end.
    expect(estimates).toEqual([
      [1, false, 4],
      [2, false, 6],
      [5, false, 8],
      [10, false, 26],
      [20, false, 63],
      [36, true, 36],
      [36, true, 36],
    ]);
  });

  it('a lock attempt that may run while the lock is held (an rqspinlock timeout) is reversed with the unlock too; every trace, not each once', () => {
    // B's attempt before A's lock, inside A's section (two failures: the data
    // choice), after A's unlock. Inside is found only by reversing B's attempt
    // with A's unlock, which a blocking lock never needs.
    const got = runDpor({
      tasks: [
        { name: 'A', ops: [acquire('L'), release('L')] },
        { name: 'B', ops: [tryLock('L'), release('L')] },
      ],
    });
    expect([got.naive, got.traces, got.missed, got.r.executions]).toEqual([6, 6, 0, 8]);
    // BBAA three times: the reversals of B's attempt with A's lock, from each
    // order inside, are not recognised as one (the lock rule assumes an acquire
    // that runs only when the lock is free).
    expect(got.executions).toEqual([
      'AABB',
      'AB(0)AB',
      'AB(0)BA',
      'AB(1)AB',
      'AB(1)BA',
      'BBAA',
      'BBAA',
      'BBAA',
    ]);
  });

  it('finds the lock-order deadlock and stops there', () => {
    const spec = table.find(([n]) => n.startsWith('lock-order'))![1];
    const r = explore(program(spec), createDporStrategy());
    expect(r.status).toBe('violated');
    if (r.status === 'violated')
      expect([r.violation.invariant, r.executionIndex, r.choices]).toEqual(['no-deadlock', 1, [0, 1]]);
  });

  /**
   * Counterexamples the property found under seeds other than the fixed one, with a
   * planted off-by-one in the wakeup tree's weak-initial check (the loop over the
   * steps before a task's first step starting at 1): it then treats a step whose
   * first predecessor conflicts with it as a weak initial, and misses one trace.
   */
  it.each([
    [
      'seed 418916: two waiters on flag y, one task writing it twice',
      [[waitFor('y', 1)], [set('y', 1), set('y', 1)], [waitFor('y', 1)]],
      4,
    ],
    [
      'seed 209458: a waiter, a locked writer that then waits, a writer-reader',
      [
        [waitFor('x', 1)],
        [acquire('L'), set('x', 3), release('L'), waitFor('x', 1)],
        [set('x', 1), read('x')],
      ],
      8,
    ],
    [
      // prealloc-before-attach 1×1 explored 6 of its 14 traces: the second
      // acquire also wrote what the lock guards, and that direct edge from the
      // first acquire hid their race (scheduler/happensBefore.ts).
      'two lock sections whose acquires write x, one after reading x',
      [
        [read('x'), acquireSetting('L', 'x', 1), release('L')],
        [acquireSetting('L', 'x', 2), release('L')],
      ],
      3,
    ],
  ] as const)('%s: every trace, each once', (_name, ops, traces) => {
    const got = runDpor({ tasks: ops.map((o, i) => ({ name: `T${i}`, ops: [...o] })) });
    expect([got.traces, got.missed, got.executions.length]).toEqual([traces, 0, traces]);
  });

  it.each(TEST_SEEDS)(
    'property: on random small programs (locks, reads/writes, waits, choices, timers) dpor visits each trace exactly once (seed %i)',
    (seed) => {
      fc.assert(
        fc.property(smallProgram(), (s) => {
          const got = runDpor(s);
          expect(got.missed).toBe(0);
          // One complete execution per trace. A reordering that turns out disabled
          // (a wait whose enabler it moved past) is dropped mid-execution; that
          // execution may then end sleep-blocked, so abandoned ones are not pinned.
          expect(got.executions.length).toBe(got.traces);
        }),
        { seed, numRuns: 400 },
      );
    },
  );
});
