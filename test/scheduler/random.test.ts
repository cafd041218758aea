import { describe, expect, it } from 'vitest';
import { explore } from '../../scheduler/explore.js';
import { createRandomStrategy } from '../../scheduler/random.js';
import { createRng, deriveSeed } from '../../scheduler/rng.js';
import { lostUpdate, program } from './programs.js';

describe('rng and random walk', () => {
  it('one seed, one sequence; execution seeds are derived from (seed, index) only', () => {
    const a = createRng('s');
    const b = createRng('s');
    const xs = Array.from({ length: 20 }, () => a.nextInt(1000));
    expect(Array.from({ length: 20 }, () => b.nextInt(1000))).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1000)).toBe(true);
    expect(deriveSeed('s', 7)).toBe('s#7');
    expect(() => a.nextInt(0)).toThrow('nextInt(n) needs a positive integer, got 0');
  });

  it('an execution index is a non-negative integer', () => {
    expect(deriveSeed('s', 0)).toBe('s#0');
    expect(() => deriveSeed('s', -1)).toThrow('execution index must be >= 0, got -1');
    expect(() => deriveSeed('s', 1.5)).toThrow('execution index must be >= 0, got 1.5');
  });

  it('finds the lost update; pinned for seed "random-1"', () => {
    const r = explore(program(lostUpdate(2, 2)), createRandomStrategy('random-1'));
    expect(r.status).toBe('violated');
    if (r.status !== 'violated') return;
    expect([r.executionIndex, r.seed, r.violation.invariant]).toEqual([1, 'random-1', 'atomic-add']);
    expect(r.strategy).toEqual({ name: 'random', seed: 'random-1' });
  });

  it('the same seed twice explores identical streams', () => {
    const streams = () => {
      const out: (readonly number[])[] = [];
      explore(program(lostUpdate(3, 2)), createRandomStrategy('twice'), {
        maxExecutions: 25,
        onlyInvariant: 'none',
        onExecutionEnd: (e) => out.push(e.choices),
      });
      return out;
    };
    expect(streams()).toEqual(streams());
  });
});

describe('random walk: data choices', () => {
  /** The first eight data choices among 4 options of execution `index` under `seed`. */
  const dataChoices = (seed: string, index: number): number[] => {
    const s = createRandomStrategy(seed);
    s.beginExecution(index);
    return Array.from({ length: 8 }, () => s.choose(4));
  };

  it('come from the user seed and the execution index: pinned for two seeds and two executions', () => {
    expect(dataChoices('a', 0)).toEqual([2, 0, 2, 3, 3, 1, 0, 0]);
    expect(dataChoices('b', 0)).toEqual([3, 1, 2, 2, 1, 1, 0, 0]);
    expect(dataChoices('a', 1)).toEqual([3, 1, 0, 1, 3, 1, 3, 1]);
  });

  it('share one stream with the task choices, so replaying choices replays both', () => {
    const s = createRandomStrategy('a');
    s.beginExecution(0);
    const mixed = [
      s.choose(4),
      s.nextTask([0, 1, 2, 3] as never[], undefined, undefined as never) as number,
      s.choose(4),
      s.choose(4),
    ];
    expect(mixed).toEqual(dataChoices('a', 0).slice(0, 4));
  });
});
