import { describe, expect, it } from 'vitest';
import { explore } from '../../scheduler/explore.js';
import { createRandomStrategy } from '../../scheduler/random.js';
import { shrinkSchedule } from '../../scheduler/shrink.js';
import { at, choice, local, lostUpdate, program } from './programs.js';

/** The lost update of shrink.test.ts: 2 tasks × 27 steps, found by random walk at 22 preemptions. */
function lostUpdateFound() {
  const f = program(lostUpdate(2, 12, 3));
  const found = explore(f, createRandomStrategy('shrink-1'));
  if (found.status !== 'violated') throw new Error('expected a violation');
  return { f, choices: found.choices };
}

describe('shrinkSchedule: budgets', () => {
  it('the greedy passes alone take 115 replays to reach 1 preemption, without proving it minimal', () => {
    const { f, choices } = lostUpdateFound();
    const s = shrinkSchedule(f, choices, 'atomic-add', { maxMinimalityExecutions: 0 });
    expect(s).toMatchObject({
      status: 'shrunk',
      attempts: 115,
      after: { preemptions: 1, steps: 54, clockAdvances: 0, choices: 54 },
      isMinimalPreemptions: false,
    });
    expect(shrinkSchedule(f, choices, 'atomic-add')).toMatchObject({
      attempts: 115,
      isMinimalPreemptions: true,
    });
  });

  it('maxAttempts caps the greedy replays (the one that hits the cap counts); the bounded search still finds 1 preemption', () => {
    const { f, choices } = lostUpdateFound();
    expect(shrinkSchedule(f, choices, 'atomic-add', { maxAttempts: 3 })).toMatchObject({
      attempts: 4,
      after: { preemptions: 1 },
      isMinimalPreemptions: true,
    });
  });

  it('a bounded search cut short by its budget proves nothing and keeps the greedy result', () => {
    const { f, choices } = lostUpdateFound();
    expect(
      shrinkSchedule(f, choices, 'atomic-add', { maxAttempts: 3, maxMinimalityExecutions: 5 }),
    ).toMatchObject({
      attempts: 4,
      after: { preemptions: 22, steps: 54 },
      isMinimalPreemptions: false,
    });
  });

  it('a violation with no preemption is minimal without a search; its clock advance and data choice stay', () => {
    const g = program({
      tasks: [
        { name: 'A', ops: [local(), choice(5), local()] },
        { name: 'B', ops: [at(2, local()), local()] },
      ],
      checkEnd: () => ({ invariant: 'always', message: 'end' }),
    });
    expect(shrinkSchedule(g, [0, 1, 0, 4, 1, 0, 1], 'always', { maxMinimalityExecutions: 1 })).toEqual({
      status: 'shrunk',
      choices: [0, 0, 0, 0, 1, 1],
      violation: { invariant: 'always', message: 'end' },
      before: { preemptions: 0, steps: 5, clockAdvances: 1, choices: 6 },
      after: { preemptions: 0, steps: 5, clockAdvances: 1, choices: 6 },
      attempts: 8,
      isMinimalPreemptions: true,
    });
  });
});
