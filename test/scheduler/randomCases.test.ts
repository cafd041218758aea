import { describe, expect, it } from 'vitest';
import { explore } from '../../scheduler/explore.js';
import { createRandomStrategy } from '../../scheduler/random.js';
import type { TaskId } from '../../scheduler/task.js';

describe('random walk: forced decisions draw nothing', () => {
  /** Choices among 4 of execution 0 under seed "a", with forced decisions (one option) between them. */
  const drawn = (isForcedBetween: boolean): number[] => {
    const s = createRandomStrategy('a');
    s.beginExecution(0);
    const out: number[] = [];
    for (let i = 0; i < 6; i++) {
      if (isForcedBetween) {
        expect(s.choose(1)).toBe(0);
        expect(s.nextTask([3 as TaskId], undefined, undefined as never)).toBe(3);
      }
      out.push(s.choose(4));
    }
    return out;
  };

  it('a choice among 1 is 0 and a single runnable task is picked, without consuming the rng', () => {
    expect(drawn(false)).toEqual([2, 0, 2, 3, 3, 1]);
    expect(drawn(true)).toEqual([2, 0, 2, 3, 3, 1]);
  });

  it('is indexed and not exhaustive: a run that stops at maxExecutions is not complete', () => {
    const s = createRandomStrategy('a');
    expect([s.name, s.isIndexed, s.isExhaustive]).toEqual(['random', true, false]);
    const r = explore(
      (_choose) => ({
        tasks: [],
        checkStep: () => undefined,
        checkEnd: () => undefined,
        describeLastStep: () => '',
      }),
      s,
      { maxExecutions: 2, firstExecution: 3, executionStride: 2 },
    );
    expect([r.status, r.executions, r.complete]).toEqual(['passed', 2, false]);
  });
});
