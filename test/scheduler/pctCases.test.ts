import { describe, expect, it } from 'vitest';
import { explore } from '../../scheduler/explore.js';
import { createPctStrategy, pctGuarantee } from '../../scheduler/pct.js';
import { choice, independentTasks, type Op, program } from './programs.js';

/** The choice streams of `executions` PCT executions (seed `seed`) of one task running `ops`. */
function streams(ops: readonly Op[], seed: string, executions: number): (readonly number[])[] {
  const out: (readonly number[])[] = [];
  explore(
    program({ tasks: [{ name: 'T', ops }] }),
    createPctStrategy({ depth: 2, maxStepsEstimate: 4 }, seed),
    {
      maxExecutions: executions,
      onExecutionEnd: (e) => out.push(e.choices),
    },
  );
  return out;
}

describe('pct: parameters and identity', () => {
  it('guarantees nothing (0) with no tasks', () => {
    expect(pctGuarantee(0, 10, 2)).toBe(0);
  });

  it('accepts the smallest parameters, depth 1 and maxStepsEstimate 1, and rejects fractions', () => {
    expect(createPctStrategy({ depth: 1, maxStepsEstimate: 1 }, 's').info()).toEqual({
      name: 'pct',
      seed: 's',
      depth: 1,
      maxStepsEstimate: 1,
      tasks: 0,
      guarantee: 0,
    });
    expect(() => createPctStrategy({ depth: 1.5 }, 's')).toThrow('depth must be an integer >= 1, got 1.5');
    expect(() => createPctStrategy({ maxStepsEstimate: 2.5 }, 's')).toThrow(
      'maxStepsEstimate must be an integer >= 1, got 2.5',
    );
  });

  it('is an indexed, non-exhaustive strategy named pct: running out of executions covers nothing', () => {
    const s = createPctStrategy({}, 's');
    expect([s.name, s.isExhaustive, s.isIndexed]).toEqual(['pct', false, true]);
    const r = explore(program(independentTasks(2, 1)), s, { maxExecutions: 3 });
    expect([r.status, r.complete, r.stoppedBy]).toEqual(['passed', false, 'maxExecutions']);
  });
});

describe('pct: data choices', () => {
  it('draws data choices from the execution rng; pinned for seed "pick"', () => {
    // Each stream: the task id of each of the 2 steps, each followed by its choice among 9.
    expect(streams([choice(9), choice(9)], 'pick', 4)).toEqual([
      [0, 6, 0, 0],
      [0, 4, 0, 3],
      [0, 1, 0, 8],
      [0, 8, 0, 4],
    ]);
  });

  it('a choice among 1 is 0 and draws nothing: the choices among 9 after it are the same', () => {
    const withOnes = streams([choice(1), choice(9), choice(1), choice(9)], 'pick', 4);
    expect(withOnes.map((s) => [s[1], s[3], s[5], s[7]])).toEqual([
      [0, 6, 0, 0],
      [0, 4, 0, 3],
      [0, 1, 0, 8],
      [0, 8, 0, 4],
    ]);
  });
});
