import { describe, expect, it } from 'vitest';
import { Kernel } from '../../model/kernel/kernel.js';
import {
  ALWAYS_ON,
  createProperty,
  createReachability,
  NO_DEADLOCK,
  NO_LIVELOCK,
  PROPERTY_ALIASES,
  PROPERTY_IDS,
  REACHABILITY_IDS,
} from '../../properties/index.js';
import { DEADLOCK_INVARIANT, LIVELOCK_INVARIANT } from '../../scheduler/execute.js';

describe('property registry', () => {
  it('lists 30 properties and 7 goals, each built fresh under its own id', () => {
    expect(PROPERTY_IDS.length).toBe(30);
    expect(REACHABILITY_IDS).toEqual([
      'cgroup-freed-while-running',
      'get-returned-null',
      'element-replaced-while-held',
      'racing-deletes',
      'lost-update',
      'nested-helper-failed',
      'create-refused-dying',
    ]);
    for (const id of PROPERTY_IDS) {
      const p = createProperty(id)!;
      expect([p.id, p.description.length > 0, p.checkStep !== undefined || p.checkEnd !== undefined]).toEqual(
        [id, true, true],
      );
      expect(createProperty(id)).not.toBe(p);
    }
    for (const id of REACHABILITY_IDS) expect(createReachability(id)?.id).toBe(id);
  });

  it('ALWAYS_ON is a subset of the registry, and every property holds on an empty kernel', () => {
    expect(ALWAYS_ON.every((id) => PROPERTY_IDS.includes(id))).toBe(true);
    const k = new Kernel();
    for (const id of PROPERTY_IDS) {
      const p = createProperty(id)!;
      expect([id, p.checkStep?.(k), p.checkEnd?.(k)]).toEqual([id, undefined, undefined]);
    }
  });

  it('the scheduler verdicts are ids without a Property, matching scheduler/execute.ts', () => {
    expect([NO_DEADLOCK, NO_LIVELOCK]).toEqual([DEADLOCK_INVARIANT, LIVELOCK_INVARIANT]);
    expect(createProperty(NO_DEADLOCK)).toBeUndefined();
    expect(createProperty('no-such-invariant')).toBeUndefined();
  });

  it('an alias from the scenario vocabulary builds the canonical property under the alias', () => {
    const p = createProperty('busy-released')!;
    expect(p.id).toBe('busy-released');
    const k = new Kernel();
    k.cpus[0]!.busy = 1;
    expect(p.checkEnd?.(k)?.invariant).toBe('busy-released');
    const unmapped = Object.keys(PROPERTY_ALIASES).filter((id) => createProperty(id)?.id !== id);
    expect(unmapped).toEqual([]);
  });
});
