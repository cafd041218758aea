import { describe, expect, it } from 'vitest';
import { createDfsStrategy } from '../../scheduler/dfs.js';
import { explore, resolveExploreOptions } from '../../scheduler/explore.js';
import { createRandomStrategy } from '../../scheduler/random.js';
import { independentTasks, lostUpdate, program } from './programs.js';

describe('explore: options', () => {
  it('rejects budgets that are not positive, NaN included, and bad execution indices', () => {
    expect(() => resolveExploreOptions({ maxSteps: Number.NaN })).toThrow('maxSteps must be > 0, got NaN');
    expect(() => resolveExploreOptions({ maxExecutions: 0 })).toThrow('maxExecutions must be > 0, got 0');
    expect(() => resolveExploreOptions({ maxExecutions: -1 })).toThrow('maxExecutions must be > 0, got -1');
    expect(() => resolveExploreOptions({ firstExecution: -1 })).toThrow(
      'firstExecution must be an integer >= 0, got -1',
    );
    expect(() => resolveExploreOptions({ firstExecution: 0.5 })).toThrow(
      'firstExecution must be an integer >= 0, got 0.5',
    );
    expect(() => resolveExploreOptions({ executionStride: 0 })).toThrow(
      'executionStride must be an integer >= 1, got 0',
    );
    expect(() => resolveExploreOptions({ executionStride: 1.5 })).toThrow(
      'executionStride must be an integer >= 1, got 1.5',
    );
    const o = resolveExploreOptions({ maxSteps: 1, maxExecutions: 1, firstExecution: 0, executionStride: 1 });
    expect([o.maxSteps, o.maxExecutions, o.onlyInvariant, o.onExecutionEnd]).toEqual([
      1,
      1,
      undefined,
      undefined,
    ]);
  });

  it('a sequential strategy refuses a first execution or stride other than 0 and 1', () => {
    const f = program(independentTasks(1, 1));
    expect(() => explore(f, createDfsStrategy(), { firstExecution: 1 })).toThrow(
      'strategy dfs is sequential: firstExecution/executionStride need random or pct',
    );
    expect(() => explore(f, createDfsStrategy(), { executionStride: 2 })).toThrow(
      'strategy dfs is sequential: firstExecution/executionStride need random or pct',
    );
  });
});

describe('explore: counters and results', () => {
  it('counts executions and their steps: 2 tasks × 2 steps, 6 executions of 4 steps', () => {
    const r = explore(program(independentTasks(2, 2)), createDfsStrategy());
    expect(r).toMatchObject({
      status: 'passed',
      executions: 6,
      steps: 24,
      abandoned: 0,
      ignoredViolations: 0,
      complete: true,
      stoppedBy: 'exhausted',
    });
  });

  it("a violation found by a seeded strategy carries its seed; dfs's carries none", () => {
    const f = program(lostUpdate(2, 2));
    expect(explore(f, createRandomStrategy('random-1'))).toMatchObject({
      status: 'violated',
      seed: 'random-1',
      stoppedBy: 'violation',
    });
    expect(explore(f, createDfsStrategy())).toMatchObject({ status: 'violated', seed: undefined });
  });

  it('hands each execution record to onExecutionEnd, with its index in a shard', () => {
    const seen: number[] = [];
    explore(program(independentTasks(2, 1)), createRandomStrategy('s'), {
      maxExecutions: 3,
      firstExecution: 2,
      executionStride: 5,
      onExecutionEnd: (e) => seen.push(e.index),
    });
    expect(seen).toEqual([2, 7, 12]);
  });
});
