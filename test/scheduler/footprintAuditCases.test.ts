import { describe, expect, it } from 'vitest';
import { createDfsStrategy } from '../../scheduler/dfs.js';
import { explore } from '../../scheduler/explore.js';
import { auditCommutation, auditFootprints, type FootprintFinding } from '../../scheduler/footprintAudit.js';
import { at, local, type Op, type ProgramSpec, program, set } from './programs.js';

function audit(spec: ProgramSpec): FootprintFinding[] {
  const findings: FootprintFinding[] = [];
  const s = auditFootprints(createDfsStrategy(), (f) => findings.push(f));
  expect([s.name, s.isExhaustive]).toEqual(['dfs', true]);
  explore(program(spec), s, { onlyInvariant: '\u0000none' });
  return findings;
}

describe('footprint audit: disabling', () => {
  it('a write that a pending wait reads without declaring it: enabled, named with the pending label', () => {
    const wait: Op = { label: 'wait(x>=1)', reads: [], writes: [], isReady: (s) => s.get('x') >= 1 };
    const unset: Op = { ...set('x', 0), writes: [] };
    const spec = {
      initial: { x: 1 },
      tasks: [
        { name: 'A', ops: [unset] },
        { name: 'B', ops: [wait] },
      ],
    };
    expect(audit(spec)).toEqual([
      { step: 'write(x=0)', task: 'B', pending: 'wait(x>=1)', change: 'disabled' },
    ]);
  });
});

describe('commutation audit: limits and clocks', () => {
  const hidden = (v: number): Op => ({ ...set('x', v), writes: [] });
  const last = {
    checkEnd: (st: { get(n: string): number }) =>
      st.get('x') === 2 ? { invariant: 'last-writer', message: 'x = 2' } : undefined,
  };

  it('maxPairs bounds the pairs tried: 0 pairs finds nothing', () => {
    const f = program({
      tasks: [
        { name: 'A', ops: [hidden(1)] },
        { name: 'B', ops: [hidden(2)] },
      ],
      ...last,
    });
    expect(auditCommutation(f, [0, 1], 0)).toEqual([]);
    expect(auditCommutation(f, [0, 1], 1)).toHaveLength(1);
  });

  it('refuses a stream that does not replay', () => {
    const f = program({ tasks: [{ name: 'A', ops: [local()] }] });
    expect(() => auditCommutation(f, [1])).toThrow('auditCommutation: the choice stream does not replay');
  });

  it('skips pairs with a clock advance between them and pairs of one task; spells later clock advances as @time', () => {
    const f = program({
      tasks: [
        { name: 'A', ops: [hidden(1), at(3, hidden(3))] },
        { name: 'B', ops: [hidden(2)] },
      ],
    });
    // A B @3 A: only (A, B) at 0 is a pair; swapped, x ends the same (3) and what follows is the same
    expect(auditCommutation(f, [0, 1, 0])).toEqual([]);
    const g = program({
      tasks: [
        { name: 'A', ops: [hidden(1)] },
        { name: 'B', ops: [hidden(2), at(3, local())] },
      ],
      ...last,
    });
    expect(auditCommutation(g, [0, 1, 1])).toEqual([
      { at: 0, first: 'write(x=1)', second: 'write(x=2)', difference: '@3 | 1:local@3 => finished' },
    ]);
  });

  it('a swap whose stream no longer replays is reported as such', () => {
    const f = program({
      tasks: [
        { name: 'A', ops: [{ ...set('x', 1), writes: [] }] },
        { name: 'B', ops: [{ label: 'wait(x>=1)', reads: [], writes: [], isReady: (s) => s.get('x') >= 1 }] },
      ],
    });
    expect(auditCommutation(f, [0, 1])).toEqual([
      { at: 0, first: 'write(x=1)', second: 'wait(x>=1)', difference: 'the swapped stream does not replay' },
    ]);
  });
});
