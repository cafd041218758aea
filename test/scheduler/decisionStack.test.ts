import { describe, expect, it } from 'vitest';
import { createDfsStrategy, DecisionStack } from '../../scheduler/dfs.js';
import { explore } from '../../scheduler/explore.js';
import { independentTasks, program } from './programs.js';

describe('DecisionStack (the exhaustive strategies’ decision tree)', () => {
  it('replays the path it took, then takes option 0 of each fresh decision', () => {
    const s = new DecisionStack();
    expect([s.isReplaying(), s.next(2), s.next(3), s.isReplaying()]).toEqual([false, 0, 0, false]);
    expect(s.advance()).toBe(true);
    s.rewind();
    expect([s.isReplaying(), s.next(2), s.isReplaying(), s.next(3), s.isReplaying(), s.next(4)]).toEqual([
      true,
      0,
      true,
      1,
      false,
      0,
    ]);
  });

  it('throws when a replayed decision has another option count: the execution is nondeterministic', () => {
    const s = new DecisionStack();
    s.next(2);
    s.next(3);
    s.advance();
    s.rewind();
    s.next(2);
    expect(() => s.next(4)).toThrow(
      'nondeterministic execution: decision 1 had 3 options on the last run, now 4',
    );
  });

  it('advance drops decisions the last execution did not reach, and ends after the last option of the root', () => {
    const s = new DecisionStack();
    s.next(2);
    s.next(2);
    expect(s.advance()).toBe(true); // [0, 1]
    s.rewind();
    s.next(2);
    expect(s.advance()).toBe(true); // the second decision was not reached: [1]
    s.rewind();
    expect(s.next(2)).toBe(1);
    expect(s.advance()).toBe(false);
  });
});

describe('dfs: identity', () => {
  it('is an exhaustive, sequential strategy named dfs', () => {
    const s = createDfsStrategy();
    expect([s.name, s.isExhaustive, s.isIndexed, s.info()]).toEqual(['dfs', true, false, { name: 'dfs' }]);
    const r = explore(program(independentTasks(1, 2)), s);
    expect([r.executions, r.complete, r.strategy]).toEqual([1, true, { name: 'dfs' }]);
  });
});
