import { describe, expect, it } from 'vitest';
import { checkSymmetryClasses, gateSymmetricTasks, ungated, withSymmetry } from '../../scheduler/symmetry.js';
import type { Task } from '../../scheduler/task.js';
import { at, local, program, set } from './programs.js';

/** Three copies of [write(x=1), local], in one class, gates numbered 100 + 10·class + j. */
function gated() {
  const f = withSymmetry(
    program({
      tasks: [0, 1, 2].map((i) => ({ name: `T${i}`, ops: [at(i, set('x', 1)), local()] })),
    }),
    [[0, 1, 2]],
    (cls, j) => 100 + 10 * cls + j,
  );
  return f(() => 0).tasks;
}

describe('symmetry gates', () => {
  it('names the class and the bad task in its error; accepts disjoint ascending classes', () => {
    expect(() => checkSymmetryClasses([[0]], 2)).toThrow('symmetry class [0] needs at least two tasks');
    expect(() => checkSymmetryClasses([[0, 0.5]], 2)).toThrow(
      'symmetry class [0, 0.5]: task 0.5 is out of range, repeated or out of order',
    );
    expect(() => checkSymmetryClasses([[-1, 1]], 2)).toThrow(
      'symmetry class [-1, 1]: task -1 is out of range, repeated or out of order',
    );
    expect(() => checkSymmetryClasses([[0, 1, 1]], 3)).toThrow(
      'symmetry class [0, 1, 1]: task 1 is out of range, repeated or out of order',
    );
    expect(() =>
      checkSymmetryClasses(
        [
          [0, 1],
          [2, 3],
        ],
        4,
      ),
    ).not.toThrow();
  });

  it("each first step also writes the gates it waits on and opens; later steps are the task's own", () => {
    const ts = gated();
    expect(ts.map((t) => t.peek()?.accesses)).toEqual([
      [
        { kind: 'write', obj: 0 },
        { kind: 'write', obj: 101 },
      ],
      [
        { kind: 'write', obj: 0 },
        { kind: 'write', obj: 101 },
        { kind: 'write', obj: 102 },
      ],
      [
        { kind: 'write', obj: 0 },
        { kind: 'write', obj: 102 },
      ],
    ]);
    expect(ts[0]!.peek()).toBe(ts[0]!.peek());
    ts[0]!.step();
    expect([ts[0]!.peek()?.label, ts[0]!.peek()?.accesses, ts[0]!.lastLabel?.()]).toEqual([
      'local',
      [],
      'write(x=1)@0',
    ]);
  });

  it('a task is held until the one before it in its class has started; readyAt is the inner one', () => {
    const ts = gated();
    expect(ts.map((t) => t.isEnabled())).toEqual([true, false, false]);
    expect(ts.map((t) => t.readyAt())).toEqual([0, 1, 2]);
    ts[0]!.step();
    expect(ts.map((t) => t.isEnabled())).toEqual([true, true, false]);
    ts[1]!.step();
    expect(ts.map((t) => t.isEnabled())).toEqual([true, true, true]);
  });

  it('ungated unwraps a gated task and leaves any other task as it is', () => {
    const plain = program({ tasks: [{ name: 'A', ops: [local()] }] })(() => 0).tasks[0]!;
    const ts = gated();
    expect(ungated(plain)).toBe(plain);
    expect(ungated(ts[1]!)).not.toBe(ts[1]);
    expect(ungated(ts[1]!).name).toBe('T1');
    const outside = gateSymmetricTasks([plain, plain, plain] as Task[], [[1, 2]], () => 7);
    expect(outside[0]).toBe(plain);
  });
});
