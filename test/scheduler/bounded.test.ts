import { describe, expect, it } from 'vitest';
import { createBoundedStrategy } from '../../scheduler/bounded.js';
import { explore } from '../../scheduler/explore.js';
import { spellSchedule } from '../../scheduler/mazurkiewicz.js';
import { independentTasks, lostUpdate, program } from './programs.js';

describe('bounded (iterative preemption bounding)', () => {
  it('2 tasks × 2 steps: 2 + 2 + 2 executions with exactly 0, 1, 2 preemptions; each run once', () => {
    const seen: string[] = [];
    const r = explore(program(independentTasks(2, 2)), createBoundedStrategy({ maxPreemptions: 2 }), {
      onExecutionEnd: (e) => seen.push(spellSchedule(e.choices)),
    });
    // bound 0: AABB BBAA; bound 1: ABBA BAAB; bound 2: ABAB BABA
    expect(seen).toEqual(['AABB', 'BBAA', 'ABBA', 'BAAB', 'ABAB', 'BABA']);
    expect(r.strategy).toEqual({ name: 'bounded', maxPreemptions: 2, perBound: [2, 2, 2] });
    expect(r.complete).toBe(true);
  });

  it('per-bound counts sum to the naive count: 2 tasks × 4 steps = 2+6+18+18+18+6+2 = 70', () => {
    const r = explore(program(independentTasks(2, 4)), createBoundedStrategy({ maxPreemptions: 10 }));
    expect(r.strategy).toEqual({ name: 'bounded', maxPreemptions: 10, perBound: [2, 6, 18, 18, 18, 6, 2] });
    expect(r.executions).toBe(70);
    expect(r.complete).toBe(true);
  });

  it('a bound below what the space needs leaves the search incomplete', () => {
    const r = explore(program(independentTasks(2, 4)), createBoundedStrategy({ maxPreemptions: 1 }));
    expect(r).toMatchObject({ status: 'passed', executions: 8, complete: false, stoppedBy: 'exhausted' });
  });

  it('finds a lost update at bound 1, after the 0-preemption executions', () => {
    const r = explore(program(lostUpdate(2, 1)), createBoundedStrategy());
    expect(r.status).toBe('violated');
    if (r.status !== 'violated') return;
    // AABB, BBAA pass; then ABBA: A reads, B preempts and increments, A writes a stale value.
    expect([r.executionIndex, spellSchedule(r.choices), r.preemptions]).toEqual([2, 'ABBA', 1]);
    expect(r.strategy).toEqual({ name: 'bounded', maxPreemptions: 2, perBound: [2, 1] });
  });

  it('rejects a negative bound', () => {
    expect(() => createBoundedStrategy({ maxPreemptions: -1 })).toThrow(
      'maxPreemptions must be an integer >= 0, got -1',
    );
  });
});
