import { describe, expect, it } from 'vitest';
import {
  canonicalTraceOf,
  countMazurkiewiczTraces,
  recordExecution,
  spellSchedule,
  withoutChecks,
} from '../../scheduler/mazurkiewicz.js';
import { acquire, at, atomicInc, choice, local, program, release, set } from './programs.js';

describe('canonical traces: how each event is spelled', () => {
  it('acquire a, release l, atomic u; a step with data choices lists them; world choices come first', () => {
    const f = program({
      initialChoices: [3],
      tasks: [
        { name: 'A', ops: [acquire('L'), atomicInc('x'), release('L')] },
        { name: 'B', ops: [choice(4)] },
      ],
    });
    // the stream: the world's choice (2), then A A A, then B with its choice (3)
    expect(canonicalTraceOf(f, [2, 0, 0, 0, 1, 3])).toBe('2|0[a0] 0[u1] 0[l0] 1[](3)');
  });

  it('a clock advance is @time and orders every step around it', () => {
    const f = program({
      tasks: [
        { name: 'A', ops: [at(5, local())] },
        { name: 'B', ops: [local()] },
      ],
    });
    expect(canonicalTraceOf(f, [1, 0])).toBe('|1[] @5 0[]');
  });

  it('recordExecution rejects a stream that does not replay, naming why', () => {
    const f = program({ tasks: [{ name: 'A', ops: [local()] }] });
    expect(() => recordExecution(f, [1])).toThrow(
      'recordExecution: the stream does not replay: the stream picks task 1; runnable = [0]',
    );
    expect(recordExecution(f, [0]).events.map((e) => [e.task, e.label, e.time])).toEqual([[0, 'local', 0]]);
  });
});

describe('counting traces', () => {
  it('throws when the enumeration stops at maxExecutions', () => {
    const f = program({
      tasks: [
        { name: 'A', ops: [set('x', 1)] },
        { name: 'B', ops: [set('x', 2)] },
      ],
    });
    expect(countMazurkiewiczTraces(f).executions).toBe(2);
    expect(() => countMazurkiewiczTraces(f, 1)).toThrow(
      'countMazurkiewiczTraces: enumeration did not complete (passed, maxExecutions)',
    );
  });

  it('withoutChecks switches off both checks of every execution', () => {
    const f = program({
      tasks: [{ name: 'A', ops: [local()] }],
      checkStep: () => ({ invariant: 'i', message: 'step' }),
      checkEnd: () => ({ invariant: 'i', message: 'end' }),
    });
    const e = withoutChecks(f)(() => 0, { now: () => 0 });
    expect([e.checkStep(), e.checkEnd(), e.tasks.length]).toEqual([undefined, undefined, 1]);
  });

  it('spells task ids as letters', () => {
    expect(spellSchedule([0, 1, 1, 25])).toBe('ABBZ');
  });
});
