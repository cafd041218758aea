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
