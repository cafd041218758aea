/**
 * Honest footprints, audited (what DPOR's completeness rests on): on every
 * catalogue entry no step changes another task's enabledness without a
 * conflicting footprint, and adjacent steps declared independent commute.
 * Random walks over each entry's smallest parameters.
 */
import { describe, expect, it } from 'vitest';
import { catalogueSources, loadScenario } from '../../../scenarios/engine/load.js';
import { prepareRun } from '../../../scenarios/engine/prepare.js';
import { explore } from '../../../scheduler/explore.js';
import {
  auditCommutation,
  auditFootprints,
  type FootprintFinding,
} from '../../../scheduler/footprintAudit.js';
import { createRandomStrategy } from '../../../scheduler/random.js';
import { TEST_SEED } from '../../setup.js';

const entries = catalogueSources().map((s) => s.info);

describe('footprints', () => {
  it.each(entries.map((e) => [e.name, e] as const))(
    '%s: enabledness changes only through conflicts, independent steps commute',
    (name, info) => {
      const source = loadScenario(name);
      if (!source.ok) throw new Error(source.error.message);
      const params = Object.fromEntries(info.params.map((p) => [p.name, p.min]));
      const run = prepareRun(source.value, undefined, params);
      if (!run.ok) throw new Error(run.error.message);
      const findings = new Set<string>();
      const record = (f: FootprintFinding): void => {
        findings.add(`${f.step} ${f.change} ${f.task} (${f.pending})`);
      };
      const streams: (readonly number[])[] = [];
      explore(run.value.factory, auditFootprints(createRandomStrategy(`${TEST_SEED}`), record), {
        maxExecutions: 40,
        onlyInvariant: '\u0000none',
        onExecutionEnd: (e) => {
          if (e.index < 5) streams.push(e.choices);
        },
      });
      expect([...findings]).toEqual([]);
      // Every adjacent independent pair of 5 executions, swapped.
      const swaps = streams.flatMap((c) => auditCommutation(run.value.factory, c));
      expect(swaps).toEqual([]);
    },
  );
});
