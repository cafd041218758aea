import { describe, expect, it } from 'vitest';
import { explore } from '../../scheduler/explore.js';
import { createRandomStrategy } from '../../scheduler/random.js';
import { replay } from '../../scheduler/replay.js';
import { shrinkSchedule } from '../../scheduler/shrink.js';
import { local, lostUpdate, type Op, type ProgramSpec, program, set } from './programs.js';

/**
 * A non-repeatable read that needs exactly 2 preemptions: A reads x twice, B
 * writes x=1 then x=0; A must see two different values, so one of B's writes
 * falls between A's reads while the other falls outside. A bystander C adds
 * steps the random walk interleaves and the shrinker removes.
 */
function nonRepeatableRead(noise: number, bystander: number): ProgramSpec {
  const readInto = (slot: string): Op => ({
    label: `read(x)->${slot}`,
    reads: ['x'],
    writes: [slot],
    run: (s) => {
      s.vars.set(slot, s.get('x'));
    },
  });
  const noiseOps = (p: string, n: number) => Array.from({ length: n }, (_, i) => local(`${p}${i}`));
  return {
    tasks: [
      { name: 'A', ops: [...noiseOps('a', noise), readInto('r1'), readInto('r2')] },
      { name: 'B', ops: [...noiseOps('b', noise), set('x', 1), set('x', 0)] },
      { name: 'C', ops: noiseOps('c', bystander) },
    ],
    checkStep: (s) =>
      s.vars.has('r2') && s.get('r1') !== s.get('r2')
        ? { invariant: 'repeatable-read', message: `r1=${s.get('r1')} r2=${s.get('r2')}` }
        : undefined,
  };
}

describe('shrinkSchedule', () => {
  it('a lost update found by random walk (54 steps, 22 preemptions) shrinks to its minimum, 1 preemption', () => {
    // 2 tasks × (3 local steps + 12 read/write increments) = 54 steps; checked at the end.
    const f = program(lostUpdate(2, 12, 3));
    const found = explore(f, createRandomStrategy('shrink-1'));
    expect(found.status).toBe('violated');
    if (found.status !== 'violated') return;
    expect([found.executionIndex, found.failingSteps, found.preemptions]).toEqual([0, 54, 22]);
    const s = shrinkSchedule(f, found.choices, 'atomic-add');
    expect(s.status).toBe('shrunk');
    if (s.status !== 'shrunk') return;
    expect(s.before).toEqual({ preemptions: 22, steps: 54, clockAdvances: 0, choices: 54 });
    expect(s.after).toEqual({ preemptions: 1, steps: 54, clockAdvances: 0, choices: 54 });
    expect(s.isMinimalPreemptions).toBe(true);
    // B runs up to its last read (3 + 2·9 + 1 = 22 steps), A preempts it and runs to the end,
    // then B writes back a stale value.
    expect(s.choices).toEqual([...Array(22).fill(1), ...Array(27).fill(0), ...Array(5).fill(1)]);
    expect(s.violation).toEqual({ invariant: 'atomic-add', message: 'x = 12, expected 24' });
    const again = replay(f, s.choices);
    expect(again.status === 'replayed' && again.outcome.violation?.invariant).toBe('atomic-add');
  });

  it('a non-repeatable read (66 steps, 46 preemptions) shrinks to exactly 2 preemptions and 51 steps', () => {
    const f = program(nonRepeatableRead(24, 30));
    const found = explore(f, createRandomStrategy('shrink-2'));
    expect(found.status).toBe('violated');
    if (found.status !== 'violated') return;
    expect([found.executionIndex, found.failingSteps, found.preemptions]).toEqual([35, 66, 46]);
    const s = shrinkSchedule(f, found.choices, 'repeatable-read');
    if (s.status !== 'shrunk') throw new Error(s.reason);
    expect(s.before).toEqual({ preemptions: 46, steps: 66, clockAdvances: 0, choices: 66 });
    expect(s.after).toEqual({ preemptions: 2, steps: 51, clockAdvances: 0, choices: 51 });
    expect(s.isMinimalPreemptions).toBe(true);
    const trace = replay(f, s.choices).trace;
    // No bystander step is left. A runs to r1 (reads 0), B preempts it and runs to x=1,
    // A preempts B and reads 1: 25 + 25 + 1 = 51 steps.
    expect(trace.some((t) => t.taskName === 'C')).toBe(false);
    expect(trace.map((t) => t.taskName).join('')).toBe(`${'A'.repeat(25)}${'B'.repeat(25)}A`);
    expect(trace.slice(-2).map((t) => `${t.taskName}:${t.label}`)).toEqual(['B:write(x=1)', 'A:read(x)->r2']);
  });

  it('says so when the stream does not violate the invariant', () => {
    const f = program(lostUpdate(2, 1));
    expect(shrinkSchedule(f, [0, 0, 1, 1], 'atomic-add')).toEqual({
      status: 'not-reproduced',
      reason: 'the stream replays to no violation, not atomic-add',
    });
  });
});
