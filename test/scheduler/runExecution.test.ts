import { describe, expect, it } from 'vitest';
import { ChoiceLog, runExecution } from '../../scheduler/execute.js';
import { createReplayStrategy } from '../../scheduler/replay.js';
import type { Strategy } from '../../scheduler/strategy.js';
import type { TaskId } from '../../scheduler/task.js';
import { TraceRecorder } from '../../scheduler/trace.js';
import { at, choice, idleTake, local, program } from './programs.js';

/** A strategy that picks with `pick` and answers data choices with `value`. */
function stub(pick: (runnable: readonly TaskId[]) => TaskId | undefined, value = 0): Strategy {
  return {
    name: 'replay',
    isExhaustive: false,
    isIndexed: false,
    beginExecution: () => true,
    nextTask: (runnable) => pick(runnable),
    choose: () => value,
    endExecution: () => {},
    info: () => ({ name: 'replay' }),
  };
}
const run = (f: ReturnType<typeof program>, s: Strategy, maxSteps = 100) =>
  runExecution(f, s, { log: new ChoiceLog(), maxSteps });

describe('runExecution', () => {
  it('counts preemptions (switching away from a runnable task) and clock advances', () => {
    const f = program({
      tasks: [
        { name: 'A', ops: [local(), local()] },
        { name: 'B', ops: [local(), at(5, local())] },
      ],
    });
    // A B A @5 B: B preempts A; A's return is no preemption (B waits for t=5), nor is B's after the clock
    expect(run(f, createReplayStrategy([0, 1, 0, 1]))).toEqual({
      status: 'finished',
      violation: undefined,
      steps: 4,
      preemptions: 1,
      clockAdvances: 1,
    });
  });

  it('a run of exactly maxSteps steps finishes; one more step is a livelock', () => {
    const f = program({ tasks: [{ name: 'A', ops: [local(), local(), local()] }] });
    expect(
      run(
        f,
        stub((r) => r[0]),
        3,
      ).status,
    ).toBe('finished');
    expect(
      run(
        f,
        stub((r) => r[0]),
        2,
      ),
    ).toMatchObject({
      status: 'violated',
      steps: 2,
      violation: {
        invariant: 'no-livelock',
        message: 'execution exceeded maxSteps = 2 (livelock or unbounded loop)',
      },
    });
  });

  it('a strategy returning undefined abandons the execution there', () => {
    const f = program({ tasks: [{ name: 'A', ops: [local(), local()] }] });
    let n = 0;
    expect(
      run(
        f,
        stub((r) => (n++ === 1 ? undefined : r[0])),
      ),
    ).toMatchObject({ status: 'abandoned', steps: 1 });
  });

  it('an idle wait left at the end is finished; the end check then runs', () => {
    const f = program({
      tasks: [{ name: 'D', ops: [idleTake('q')] }],
      checkEnd: () => ({ invariant: 'end', message: 'checked' }),
    });
    expect(
      run(
        f,
        stub((r) => r[0]),
      ),
    ).toMatchObject({ status: 'violated', steps: 0, violation: { invariant: 'end' } });
  });

  it('throws on checker bugs: a pick outside the runnable set, a data choice out of range, choose(0)', () => {
    const f = program({ tasks: [{ name: 'A', ops: [choice(2)] }] });
    expect(() =>
      run(
        f,
        stub(() => 3 as TaskId),
      ),
    ).toThrow('checker bug: picked task 3 at step 0; runnable = [0]');
    expect(() =>
      run(
        f,
        stub((r) => r[0], 2),
      ),
    ).toThrow('checker bug: choose(2) returned 2');
    expect(() =>
      run(
        f,
        stub((r) => r[0], -1),
      ),
    ).toThrow('checker bug: choose(2) returned -1');
    expect(() =>
      run(
        f,
        stub((r) => r[0], 0.5),
      ),
    ).toThrow('checker bug: choose(2) returned 0.5');
    const g = program({ tasks: [{ name: 'A', ops: [choice(0)] }] });
    expect(() =>
      run(
        g,
        stub((r) => r[0]),
      ),
    ).toThrow('choose(n) needs a positive integer n, got 0');
    const h = program({ tasks: [{ name: 'A', ops: [choice(1.5)] }] });
    expect(() =>
      run(
        h,
        stub((r) => r[0]),
      ),
    ).toThrow('choose(n) needs a positive integer n, got 1.5');
  });

  it('logs every decision, and tells an observer which data choices came while building the world', () => {
    const f = program({ initialChoices: [3], tasks: [{ name: 'A', ops: [choice(2)] }] });
    const log = new ChoiceLog();
    const rec = new TraceRecorder();
    runExecution(
      f,
      stub((r) => r[0], 1),
      { log, maxSteps: 10, observer: rec },
    );
    expect([log.snapshot(), rec.initialChoices, rec.steps.map((s) => s.choices)]).toEqual([
      [1, 0, 1],
      [1],
      [[1]],
    ]);
    runExecution(
      f,
      stub((r) => r[0], 0),
      { log, maxSteps: 10 },
    );
    expect([log.length, log.snapshot()]).toEqual([3, [0, 0, 0]]);
  });
});
