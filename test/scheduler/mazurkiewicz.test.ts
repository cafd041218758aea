import { describe, expect, it } from 'vitest';
import { canonicalTraceOf, countMazurkiewiczTraces } from '../../scheduler/mazurkiewicz.js';
import { independentTasks, lostUpdate, program, read, set } from './programs.js';

describe('mazurkiewicz (ground truth for dpor)', () => {
  it('equivalent interleavings share a canonical form: BAAB ≡ ABAB (the two reads commute)', () => {
    const f = program(lostUpdate(2, 1));
    const abab = canonicalTraceOf(f, [0, 1, 0, 1]);
    expect(canonicalTraceOf(f, [1, 0, 0, 1])).toBe(abab);
    expect(canonicalTraceOf(f, [0, 1, 1, 0])).not.toBe(abab);
    expect(abab).toBe('|0[r0] 1[r0] 0[w0] 1[w0]');
  });

  it('counts traces by naive enumeration: lost update 6 interleavings, 4 traces', () => {
    const c = countMazurkiewiczTraces(program(lostUpdate(2, 1)));
    expect([c.executions, c.traces]).toEqual([6, 4]);
  });

  it('independent tasks form a single trace; a writer and a reader form two', () => {
    expect(countMazurkiewiczTraces(program(independentTasks(3, 2))).traces).toBe(1);
    const wr = program({
      tasks: [
        { name: 'A', ops: [set('x', 1)] },
        { name: 'B', ops: [read('x')] },
      ],
    });
    expect(countMazurkiewiczTraces(wr).canonical).toEqual(['|0[w0] 1[r0]', '|1[r0] 0[w0]']);
  });
});
