import { describe, expect, it } from 'vitest';
import { createBoundedStrategy } from '../../scheduler/bounded.js';
import { explore } from '../../scheduler/explore.js';
import type { TaskId } from '../../scheduler/task.js';
import { choice, local, program } from './programs.js';

describe('bounded: data choices and frontier prefixes', () => {
  it('A = [choose(2), local], B = [local]: 4 executions without preemption, 2 with one, data choices replayed from the prefix', () => {
    const f = program({
      tasks: [
        { name: 'A', ops: [choice(2), local()] },
        { name: 'B', ops: [local()] },
      ],
    });
    const seen: (readonly number[])[] = [];
    const r = explore(f, createBoundedStrategy({ maxPreemptions: 1 }), {
      onExecutionEnd: (e) => seen.push(e.choices),
    });
    // streams: task ids with A's data choice after its first step
    expect(seen).toEqual([
      [0, 0, 0, 1], // A(0) A B
      [0, 1, 0, 1], // A(1) A B
      [1, 0, 0, 0], // B A(0) A
      [1, 0, 1, 0], // B A(1) A
      [0, 0, 1, 0], // A(0) B A: a preemption after the prefix [0, 0]
      [0, 1, 1, 0], // A(1) B A
    ]);
    expect([r.strategy, r.complete, r.executions]).toEqual([
      { name: 'bounded', maxPreemptions: 1, perBound: [4, 2] },
      true,
      6,
    ]);
  });

  it('is sequential, and exhaustive only once the frontier is empty', () => {
    const s = createBoundedStrategy({ maxPreemptions: 0 });
    expect([s.name, s.isIndexed, s.isExhaustive]).toEqual(['bounded', false, false]);
    explore(program({ tasks: [{ name: 'A', ops: [local()] }] }), s);
    expect(s.isExhaustive).toBe(true);
    expect(() => createBoundedStrategy({ maxPreemptions: 0.5 })).toThrow(
      'maxPreemptions must be an integer >= 0, got 0.5',
    );
  });

  it('throws when a frontier prefix names a task that is not runnable: the execution is nondeterministic', () => {
    const s = createBoundedStrategy({ maxPreemptions: 1 });
    const view = { tasks: [], now: () => 0, steps: () => 0 };
    const ids = (...xs: number[]) => xs as TaskId[];
    s.beginExecution(0);
    // bound 0: A runs while B waits, so [B] becomes a bound-1 prefix
    expect(s.nextTask(ids(0, 1), undefined, view)).toBe(0);
    expect(s.nextTask(ids(0, 1), 0 as TaskId, view)).toBe(0);
    expect(s.nextTask(ids(1), undefined, view)).toBe(1);
    s.endExecution({ status: 'finished', violation: undefined, steps: 3, preemptions: 0, clockAdvances: 0 });
    s.beginExecution(1);
    expect(s.nextTask(ids(0, 1), undefined, view)).toBe(1);
    s.endExecution({ status: 'finished', violation: undefined, steps: 1, preemptions: 0, clockAdvances: 0 });
    s.beginExecution(2);
    expect(() => s.nextTask(ids(1), undefined, view)).toThrow(
      'nondeterministic execution: prefix picks task 0; runnable = [1]',
    );
  });
});
