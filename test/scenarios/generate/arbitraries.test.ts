import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { docCounter } from '../../../scenarios/catalogue/docCounter.js';
import { VALIDATE_OPTIONS } from '../../../scenarios/engine/load.js';
import type { ScenarioDef } from '../../../scenarios/format/types.js';
import { parseScenarioJson, validateScenario } from '../../../scenarios/format/validate.js';
import {
  caseArbitrary,
  describeScenario,
  findCounterexample,
  PROGRAM_MENU_NAMES,
  prepareGenerated,
  runGeneratedCase,
  scenarioArbitrary,
  USER_OP_KINDS,
} from '../../../scenarios/generate/index.js';
import { TEST_SEEDS } from '../../setup.js';

const cpuActors = (def: ScenarioDef) => def.actors.filter((a) => a.kind === 'cpu');
const userActors = (def: ScenarioDef) => def.actors.filter((a) => a.kind === 'user');

describe('scenarioArbitrary', () => {
  it.each(TEST_SEEDS)(
    'generates scenarios that validate, survive a JSON round trip and compile (seed %i)',
    (seed) => {
      fc.assert(
        fc.property(scenarioArbitrary(), (def) => {
          const json = JSON.stringify(def);
          expect(validateScenario(def, 'generated', VALIDATE_OPTIONS)).toEqual({ ok: true, value: def });
          expect(parseScenarioJson(json, 'generated.json', VALIDATE_OPTIONS)).toEqual({
            ok: true,
            value: def,
          });
          expect(prepareGenerated(def).def.name).toBe('generated');
        }),
        { seed, numRuns: 200 },
      );
    },
  );

  it.each(TEST_SEEDS)(
    'stays inside its bounds: 1–3 cpu actors, root + 1–2 children, at most one user thread (seed %i)',
    (seed) => {
      fc.assert(
        fc.property(scenarioArbitrary(), (def) => {
          expect(cpuActors(def).length).toBeGreaterThanOrEqual(1);
          expect(cpuActors(def).length).toBeLessThanOrEqual(3);
          expect(userActors(def).length).toBeLessThanOrEqual(1);
          expect(def.cgroups?.map((c) => c.name)).toSatisfy(
            (names: string[]) => names.join() === 'root,app' || names.join() === 'root,app,web',
          );
          expect(def.maps?.[0]?.name).toBe('counters');
          if (def.options?.lockTimeouts) expect(def.kernel).toBe('7.0');
        }),
        { seed, numRuns: 100 },
      );
    },
  );

  it.each(TEST_SEEDS)(
    'honours constraints: a fixed program, one era, no userspace, exactly 2 CPUs running once (seed %i)',
    (seed) => {
      const mine = [
        'call get map=counters cg=current flags=F_CREATE',
        'jnull r0 out',
        'atomic_add [r0+0] 2',
        'out:',
      ];
      const arb = scenarioArbitrary({
        programs: [mine],
        eras: ['6.15'],
        userOps: [],
        minCpus: 2,
        maxCpus: 2,
        maxRunSteps: 1,
        maxTimes: 1,
      });
      fc.assert(
        fc.property(arb, (def) => {
          expect(def.kernel).toBe('6.15');
          expect(def.programs).toEqual([
            { name: 'custom', type: 'tp_btf', attach: 'sys_enter', insns: mine },
          ]);
          expect(def.actors).toEqual([
            { kind: 'cpu', name: 'cpu0', cgroup: expect.any(String), run: [{ program: 'custom' }] },
            { kind: 'cpu', name: 'cpu1', cgroup: expect.any(String), run: [{ program: 'custom' }] },
          ]);
        }),
        { seed, numRuns: 20 },
      );
    },
  );

  it('without swarm, every menu program and operation is available to every case', () => {
    const seen = new Set<string>();
    for (const def of fc.sample(scenarioArbitrary({ isSwarm: false, maxUserOps: 8 }), 200)) {
      for (const p of def.programs ?? []) seen.add(p.name);
      for (const a of userActors(def)) for (const op of a.ops) seen.add(op.op);
    }
    expect(seen).toEqual(new Set([...PROGRAM_MENU_NAMES, ...USER_OP_KINDS]));
  });

  it('rejects bad options when the arbitrary is built', () => {
    expect(() => scenarioArbitrary({ programs: ['nope' as never] })).toThrow(
      "scenarioArbitrary: unknown program 'nope' (known: atomic-count, racy-count, peek, delete, get-init, locked-count, old-count)",
    );
    expect(() => scenarioArbitrary({ programs: [['call get map=other cg=current']] })).toThrow(
      "scenarioArbitrary: program 'custom' uses map 'other'; generated scenarios declare counters (cgrp_storage) and old (cgroup_storage)",
    );
    expect(() => scenarioArbitrary({ maxCpus: 0 })).toThrow(
      'scenarioArbitrary: maxCpus must be an integer in [1, 64], got 0',
    );
  });
});

describe('determinism', () => {
  const options = { programs: ['atomic-count', 'racy-count', 'delete'] as const };

  it('one seed gives the same case, the same verdict and the same exact stream, twice', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const sample = () =>
          fc.sample(caseArbitrary({ programs: [...options.programs] }), { seed, numRuns: 1 })[0]!;
        const a = sample();
        const b = sample();
        expect(b).toEqual(a);
        const ra = runGeneratedCase(a);
        const rb = runGeneratedCase(b);
        expect(rb.outcome).toEqual(ra.outcome);
        expect(rb.choices).toEqual(ra.choices);
      }),
      { numRuns: 20 },
    );
  });

  it('one seed finds and shrinks to the same counterexample twice', () => {
    const find = () =>
      findCounterexample({
        programs: ['atomic-count', 'racy-count'],
        userOps: [],
        maxCpus: 2,
        params: { seed: 7, numRuns: 500 },
      });
    const a = find();
    const b = find();
    expect(a.failed).toBe(true);
    expect(b.counterexample).toEqual(a.counterexample);
    expect(b.numShrinks).toBe(a.numShrinks);
  });
});

describe('describeScenario', () => {
  it('prints one line per object and per actor', () => {
    const def = docCounter.build(VALIDATE_OPTIONS);
    if (!def.ok) throw new Error(def.error.message);
    expect(describeScenario(def.value)).toBe(
      [
        'doc-counter (kernel 6.2)',
        'cgroups: root > app',
        'map counters (cgrp_storage, 8 bytes)',
        'program count (tp_btf/sys_enter): call get map=counters cg=current flags=F_CREATE; jnull r0 out; atomic_add [r0+0] 1; out:; exit 0',
        'cpu ×$cpus in app: count ×$iterations',
        'reader: lookup counters app',
        'check: atomic-add, null-on-absent',
      ].join('\n'),
    );
  });
});
