import { describe, expect, it } from 'vitest';
import { createDfsStrategy } from '../../scheduler/dfs.js';
import { explore } from '../../scheduler/explore.js';
import { auditCommutation, auditFootprints, type FootprintFinding } from '../../scheduler/footprintAudit.js';
import { type ProgramSpec, program, set, waitFor } from './programs.js';

function audit(spec: ProgramSpec): FootprintFinding[] {
  const findings: FootprintFinding[] = [];
  explore(
    program(spec),
    auditFootprints(createDfsStrategy(), (f) => findings.push(f)),
    {
      onlyInvariant: '\u0000none',
    },
  );
  return findings;
}

describe('footprint audit', () => {
  it('a wait that declares what its readiness reads passes', () => {
    const spec = {
      tasks: [
        { name: 'A', ops: [set('x', 1)] },
        { name: 'B', ops: [waitFor('x', 1)] },
      ],
    };
    expect(audit(spec)).toEqual([]);
  });

  it('a wait that hides what it reads is caught at the step that enabled it', () => {
    const hidden = { ...waitFor('x', 1), reads: [] };
    const spec = {
      tasks: [
        { name: 'A', ops: [set('x', 1)] },
        { name: 'B', ops: [hidden] },
      ],
    };
    // B is disabled until A writes x: one execution, and A's write enables B without a conflict.
    expect(audit(spec)).toEqual([
      { step: 'write(x=1)', task: 'B', pending: 'wait(x>=1)', change: 'enabled' },
    ]);
  });
});

describe('commutation audit', () => {
  const last = (x: number) => ({
    checkEnd: (st: { get(n: string): number }) =>
      st.get('x') === x ? { invariant: 'last-writer', message: `x = ${x}` } : undefined,
  });

  it('independent steps that commute pass', () => {
    const spec = {
      tasks: [
        { name: 'A', ops: [set('x', 1)] },
        { name: 'B', ops: [set('y', 2)] },
      ],
      ...last(2),
    };
    expect(auditCommutation(program(spec), [0, 1])).toEqual([]);
  });

  it('two writes of one object declared independent are caught: the swap changes the outcome', () => {
    const hidden = (v: number) => ({ ...set('x', v), writes: [] });
    const spec = {
      tasks: [
        { name: 'A', ops: [hidden(1)] },
        { name: 'B', ops: [hidden(2)] },
      ],
      ...last(2),
    };
    expect(auditCommutation(program(spec), [0, 1])).toEqual([
      { at: 0, first: 'write(x=1)', second: 'write(x=2)', difference: ' => finished' },
    ]);
  });
});
