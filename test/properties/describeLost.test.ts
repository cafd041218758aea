/**
 * How atomic-add words a lost (or extra) increment, from a slot's ledger: where
 * the count started, how much was added, and which non-atomic increments loaded
 * the same value. And which slots findLostIncrements reports, in allocation order.
 */
import { describe, expect, it } from 'vitest';
import type { ActorId, ObjId } from '../../model/core/ids.js';
import { describeLost, findLostIncrements } from '../../properties/atomicAdd.js';
import { ledgerOf, type SlotLedger } from '../../properties/stepLedger.js';
import { create, makeWorld, type World } from './fixture.js';

/** The message for `elem` (slot `slot`) ending at `final` with ledger `l`. */
function message(w: World, elem: ObjId, final: number, l: Partial<SlotLedger>, slot = 0): string {
  const ledger: SlotLedger = { base: 0, baseKind: 'start', increments: 1, total: 1, loads: [], ...l };
  return describeLost(w.k, { obj: elem, slot, final, ledger });
}

describe('describeLost', () => {
  const world = () => {
    const w = makeWorld();
    return { w, elem: create(w, w.a)! };
  };
  const loads = (w: World, ...l: [keyof World & ('a' | 'b' | 'user' | 'kw'), number][]) =>
    l.map(([who, loaded]) => ({ actor: (w[who] as { id: ActorId }).id, loaded }));

  it('counts from 0 without saying so, and names a slot other than 0', () => {
    const { w, elem } = world();
    expect(message(w, elem, 1, { increments: 2, total: 2 })).toBe(
      'element 1000001 of map m1 for cgroup cg ends at 1 but 2 increments ran on it (1 lost)',
    );
    expect(message(w, elem, 0, {}, 1)).toBe(
      'slot 1 of element 1000001 of map m1 for cgroup cg ends at 0 but 1 increment ran on it (1 lost)',
    );
  });

  it('names a non-zero initial value, a plain store and a userspace copy as the start', () => {
    const { w, elem } = world();
    expect(message(w, elem, 5, { base: 5 })).toBe(
      'element 1000001 of map m1 for cgroup cg ends at 5 but 1 increment ran on it from its initial 5 (1 lost)',
    );
    expect(message(w, elem, 0, { base: 0, baseKind: 'store' })).toBe(
      'element 1000001 of map m1 for cgroup cg ends at 0 but 1 increment ran on it after a store of 0 (1 lost)',
    );
    expect(message(w, elem, 3, { base: 3, baseKind: 'copy' })).toBe(
      'element 1000001 of map m1 for cgroup cg ends at 3 but 1 increment ran on it after userspace copied in 3 (1 lost)',
    );
    expect(message(w, elem, 1, { base: undefined })).toBe(
      'element 1000001 of map m1 for cgroup cg ends at 1 but 1 increment ran on it (0 more than added)',
    );
  });

  it('says how much was added when increments were not all 1', () => {
    const { w, elem } = world();
    expect(message(w, elem, 4, { increments: 2, total: 10 })).toBe(
      'element 1000001 of map m1 for cgroup cg ends at 4 but 2 increments ran on it adding 10 (6 lost)',
    );
    expect(message(w, elem, 12, { increments: 2, total: 10 })).toBe(
      'element 1000001 of map m1 for cgroup cg ends at 12 but 2 increments ran on it adding 10 (2 more than added)',
    );
  });

  it('names the actors that loaded the same value: two "both", three "all"; a lone load is no reason', () => {
    const { w, elem } = world();
    expect(message(w, elem, 1, { increments: 2, total: 2, loads: loads(w, ['a', 0], ['b', 1]) })).toBe(
      'element 1000001 of map m1 for cgroup cg ends at 1 but 2 increments ran on it (1 lost)',
    );
    expect(
      message(w, elem, 2, {
        increments: 5,
        total: 5,
        loads: loads(w, ['a', 0], ['b', 0], ['user', 0], ['a', 1], ['kw', 1], ['b', 4]),
      }),
    ).toBe(
      'element 1000001 of map m1 for cgroup cg ends at 2 but 5 increments ran on it (3 lost: A, B, U all loaded 0; A and kworker both loaded 1)',
    );
  });
});

describe('findLostIncrements', () => {
  it('skips slots with an unknown base or no increment, and takes the first wrong slot in allocation order', () => {
    const w = makeWorld();
    const e1 = create(w, w.a)!;
    const e2 = create(w, w.a, w.map2)!;
    const l = ledgerOf(w.k);
    const slot = (base: number | undefined, increments: number, total: number): SlotLedger => ({
      base,
      baseKind: 'start',
      increments,
      total,
      loads: [],
    });
    l.objects.set(e1, {
      start: undefined,
      snapshotAt: 0,
      slots: new Map([
        [0, slot(undefined, 1, 1)],
        [1, slot(0, 0, 0)],
      ]),
    });
    w.k.memory.get(e1).data![1] = 7;
    expect(findLostIncrements(w.k)).toBeUndefined();
    l.objects.set(e2, { start: undefined, snapshotAt: 0, slots: new Map([[2, slot(0, 1, 1)]]) });
    expect(findLostIncrements(w.k)).toEqual({ obj: e2, slot: 2, final: 0, ledger: slot(0, 1, 1) });
    l.objects.get(e1)!.slots.set(1, slot(7, 1, 1));
    expect(findLostIncrements(w.k)).toMatchObject({ obj: e1, slot: 1, final: 7 });
  });

  it('skips a slot the object does not have, or an object without data', () => {
    const w = makeWorld();
    const e1 = create(w, w.a)!;
    const l = ledgerOf(w.k);
    const sl: SlotLedger = { base: 0, baseKind: 'start', increments: 1, total: 1, loads: [] };
    l.objects.set(e1, { start: undefined, snapshotAt: 0, slots: new Map([[5, sl]]) });
    l.objects.set(999 as ObjId, { start: undefined, snapshotAt: 0, slots: new Map([[0, sl]]) });
    expect(findLostIncrements(w.k)).toBeUndefined();
  });
});
