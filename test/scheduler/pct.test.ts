import { describe, expect, it } from 'vitest';
import { explore } from '../../scheduler/explore.js';
import { createPctStrategy, pctGuarantee } from '../../scheduler/pct.js';
import { lostUpdate, program } from './programs.js';

describe('pct (Burckhardt et al., ASPLOS 2010)', () => {
  it('reports the per-execution guarantee 1/(n·k^(d−1))', () => {
    expect(pctGuarantee(2, 10, 2)).toBe(1 / 20);
    expect(pctGuarantee(3, 100, 3)).toBe(1 / 30_000);
    expect(pctGuarantee(4, 50, 1)).toBe(1 / 4);
    const r = explore(
      program(lostUpdate(3, 2)),
      createPctStrategy({ depth: 2, maxStepsEstimate: 12 }, 'pct'),
      {
        maxExecutions: 1,
      },
    );
    expect(r.strategy).toEqual({
      name: 'pct',
      seed: 'pct',
      depth: 2,
      maxStepsEstimate: 12,
      tasks: 3,
      guarantee: 1 / 36,
    });
  });

  it('depth 1 never preempts: each execution runs tasks one after another in priority order', () => {
    const pre: number[] = [];
    explore(program(lostUpdate(3, 2)), createPctStrategy({ depth: 1 }, 's'), {
      maxExecutions: 20,
      onExecutionEnd: (e) => pre.push(e.outcome.preemptions),
    });
    expect(pre).toEqual(Array(20).fill(0));
  });

  it('finds a depth-2 bug (lost update) within its bound; pinned for seed "pct-1"', () => {
    const r = explore(
      program(lostUpdate(2, 3)),
      createPctStrategy({ depth: 2, maxStepsEstimate: 12 }, 'pct-1'),
    );
    expect(r.status).toBe('violated');
    if (r.status !== 'violated') return;
    expect([r.executionIndex, r.preemptions, r.violation.invariant]).toEqual([3, 1, 'atomic-add']);
  });

  it('execution i depends only on (seed, i): shards agree with one sequential run', () => {
    const f = program(lostUpdate(3, 2));
    const run = (first: number, stride: number, max: number) => {
      const out = new Map<number, readonly number[]>();
      explore(f, createPctStrategy({ depth: 3, maxStepsEstimate: 12 }, 'shard'), {
        firstExecution: first,
        executionStride: stride,
        maxExecutions: max,
        onlyInvariant: 'none',
        onExecutionEnd: (e) => out.set(e.index, e.choices),
      });
      return out;
    };
    const all = run(0, 1, 10);
    const shards = new Map([...run(0, 2, 5), ...run(1, 2, 5)]);
    expect([...shards.keys()].sort((a, b) => a - b)).toEqual([...all.keys()]);
    for (const [i, s] of all) expect(shards.get(i)).toEqual(s);
  });

  it('rejects bad parameters at construction', () => {
    expect(() => createPctStrategy({ depth: 0 }, 's')).toThrow('depth must be an integer >= 1, got 0');
    expect(() => createPctStrategy({ maxStepsEstimate: 0 }, 's')).toThrow(
      'maxStepsEstimate must be an integer >= 1, got 0',
    );
  });
});
