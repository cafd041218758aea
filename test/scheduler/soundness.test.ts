/**
 * Soundness of the reduced search against naive enumeration, on random small
 * programs (locks, atomic increments, plain reads and writes, condition waits,
 * a semaphore, data choices, timers): DPOR reaches exactly the final states,
 * deadlocks and end-of-run violations that every interleaving reaches, and it
 * runs no two complete executions of one equivalence class.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDfsStrategy } from '../../scheduler/dfs.js';
import { createDporStrategy } from '../../scheduler/dpor.js';
import { explore } from '../../scheduler/explore.js';
import { canonicalTraceOf } from '../../scheduler/mazurkiewicz.js';
import type { Strategy } from '../../scheduler/strategy.js';
import type { Execution, ExecutionFactory } from '../../scheduler/task.js';
import { TEST_SEED } from '../setup.js';
import { type ProgramSpec, program, smallProgram } from './programs.js';

/** Programs per run at the fixed seed (the issue asks for at least 1,000). */
const PROGRAMS = 1_200;

/** An end-of-run invariant that depends on the interleaving: x and y must not end equal and non-zero. */
function withEndCheck(spec: ProgramSpec): ProgramSpec {
  return {
    ...spec,
    checkEnd: (s) => {
      const x = s.get('x');
      return x !== 0 && x === s.get('y') ? { invariant: 'x-equals-y', message: `x = y = ${x}` } : undefined;
    },
  };
}

/** Every outcome `strategy` reaches: status, violated invariant and the final variables, as sorted strings. */
function outcomes(spec: ProgramSpec, strategy: Strategy): { reached: string[]; keys: string[] } {
  const base = program(withEndCheck(spec));
  let last: Execution | undefined;
  const f: ExecutionFactory = (choose, clock) => {
    last = base(choose, clock);
    return last;
  };
  const reached = new Set<string>();
  const keys: string[] = [];
  explore(f, strategy, {
    maxExecutions: 100_000,
    onlyInvariant: '\u0000none',
    onExecutionEnd: (e) => {
      if (e.outcome.status === 'abandoned') return;
      reached.add(`${e.outcome.violation?.invariant ?? 'ok'} ${last!.describeLastStep!()}`);
      keys.push(canonicalTraceOf(base, e.choices));
    },
  });
  return { reached: [...reached].sort(), keys };
}

describe('dpor soundness against naive enumeration', () => {
  it(`property: on ${PROGRAMS} random small programs dpor reaches the same final states, deadlocks and violations as every interleaving`, () => {
    let programs = 0;
    let violating = 0;
    fc.assert(
      fc.property(smallProgram(), (spec) => {
        programs++;
        const naive = outcomes(spec, createDfsStrategy());
        const reduced = outcomes(spec, createDporStrategy());
        expect(reduced.reached).toEqual(naive.reached);
        // No redundant execution: every complete execution is another class.
        expect(new Set(reduced.keys).size).toBe(reduced.keys.length);
        if (naive.reached.some((r) => !r.startsWith('ok '))) violating++;
      }),
      { seed: TEST_SEED, numRuns: PROGRAMS },
    );
    expect(programs).toBe(PROGRAMS);
    // The generator makes enough programs whose outcome depends on the interleaving.
    expect(violating).toBeGreaterThan(PROGRAMS / 10);
  });

  it('property: with lock attempts that may run while the lock is held (rqspinlock timeouts), the same outcomes; optimality is not claimed there', () => {
    fc.assert(
      fc.property(smallProgram(true), (spec) => {
        const naive = outcomes(spec, createDfsStrategy());
        expect(outcomes(spec, createDporStrategy()).reached).toEqual(naive.reached);
      }),
      { seed: TEST_SEED, numRuns: 400 },
    );
  });
});
