import { describe, expect, it } from 'vitest';
import { createDfsStrategy } from '../../scheduler/dfs.js';
import { explore } from '../../scheduler/explore.js';
import { spellSchedule } from '../../scheduler/mazurkiewicz.js';
import { acquire, choice, independentTasks, local, program, release } from './programs.js';

describe('dfs (naive exhaustive)', () => {
  it('2 tasks × 2 independent steps: exactly C(4,2) = 6 interleavings, in DFS order', () => {
    const seen: string[] = [];
    const r = explore(program(independentTasks(2, 2)), createDfsStrategy(), {
      onExecutionEnd: (e) => seen.push(spellSchedule(e.choices)),
    });
    expect(r.status).toBe('passed');
    expect(r.executions).toBe(6);
    expect(r.complete).toBe(true);
    expect(r.stoppedBy).toBe('exhausted');
    expect(seen).toEqual(['AABB', 'ABAB', 'ABBA', 'BAAB', 'BABA', 'BBAA']);
  });

  it.each([
    [1, 2],
    [2, 6],
    [3, 20],
    [4, 70],
    [5, 252],
  ])('2 tasks × %i independent steps: C(2n, n) = %i interleavings', (n, count) => {
    const r = explore(program(independentTasks(2, n)), createDfsStrategy());
    expect(r.executions).toBe(count);
    expect(r.steps).toBe(count * 2 * n);
  });

  it('3 tasks × 2 steps: the multinomial 6!/(2!·2!·2!) = 90 interleavings', () => {
    expect(explore(program(independentTasks(3, 2)), createDfsStrategy()).executions).toBe(90);
  });

  it('enumerates every data-choice value as a branch: choose(3) then 2 orders = 6 executions', () => {
    // world choice 0,1,2 × {AB, BA}
    const f = program({
      initialChoices: [3],
      tasks: [
        { name: 'A', ops: [local()] },
        { name: 'B', ops: [local()] },
      ],
    });
    const seen: number[][] = [];
    explore(f, createDfsStrategy(), { onExecutionEnd: (e) => seen.push([...e.choices]) });
    expect(seen).toEqual([
      [0, 0, 1],
      [0, 1, 0],
      [1, 0, 1],
      [1, 1, 0],
      [2, 0, 1],
      [2, 1, 0],
    ]);
  });

  it('a choice inside a step branches too: choose(2) in A, then B: 2 × 2 = 4 executions', () => {
    // A(0)B, B A(0), A(1)B, B A(1): the stream is [pick, value?, pick, ...]
    const f = program({
      tasks: [
        { name: 'A', ops: [choice(2)] },
        { name: 'B', ops: [local()] },
      ],
    });
    expect(explore(f, createDfsStrategy()).executions).toBe(4);
  });

  it('stops at maxExecutions and says it is incomplete', () => {
    const r = explore(program(independentTasks(2, 3)), createDfsStrategy(), { maxExecutions: 5 });
    expect(r).toMatchObject({ status: 'passed', executions: 5, complete: false, stoppedBy: 'maxExecutions' });
  });

  it('a lock-order inversion is reported as a no-deadlock violation, not a hang', () => {
    const f = program({
      tasks: [
        { name: 'A', ops: [acquire('L1'), acquire('L2'), release('L2'), release('L1')] },
        { name: 'B', ops: [acquire('L2'), acquire('L1'), release('L1'), release('L2')] },
        { name: 'C', ops: [local()] },
      ],
    });
    const r = explore(f, createDfsStrategy());
    expect(r.status).toBe('violated');
    if (r.status !== 'violated') return;
    expect(r.violation).toEqual({
      invariant: 'no-deadlock',
      message:
        'deadlock at t=0: no task can run and no timed wake-up is pending; blocked: A (lock(L2)), B (lock(L1))',
    });
    expect(r.trace.map((s) => `${s.taskName}:${s.label}`)).toEqual(['A:lock(L1)', 'B:lock(L2)', 'C:local']);
  });
});
