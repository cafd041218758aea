import { describe, expect, it } from 'vitest';
import { createDfsStrategy } from '../../scheduler/dfs.js';
import { explore } from '../../scheduler/explore.js';
import { auditFootprints, type FootprintFinding } from '../../scheduler/footprintAudit.js';
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
