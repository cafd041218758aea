/**
 * The step ledger: what it records per value slot at step time (start values,
 * stores, increments, non-atomic loads, in-place userspace copies) and the facts
 * only visible at a step (a nested helper failing, a create refused on a dying
 * cgroup), and what it leaves unknown when it first hears of something at the end.
 */
import { describe, expect, it } from 'vitest';
import {
  bpfCgroupStorageAlloc,
  bpfCgroupStorageLink,
  cgroupStorageMapAlloc,
  cgroupStorageMapOf,
} from '../../model/cgroupStorage/cgroupStorage.js';
import { EBUSY, EDEADLK, ETIMEDOUT } from '../../model/core/errno.js';
import type { MapId, ObjId } from '../../model/core/ids.js';
import type { Observation } from '../../model/core/observation.js';
import { runToCompletion } from '../../model/core/step.js';
import { BPF_ANY, BPF_F_LOCK } from '../../model/localStorage/localStorage.js';
import { ledgerOf, StepLedger, syncLedgerAtEnd, syncLedgerAtStep } from '../../properties/stepLedger.js';
import { create, makeWorld, type World } from './fixture.js';

type Helper = Extract<Observation, { kind: 'helper' }>;

const add = (
  w: World,
  obj: ObjId,
  delta: number | undefined,
  atomic = true,
  slot = 0,
  actor = w.a.id,
): Observation =>
  ({
    kind: 'value-update',
    actor,
    obj,
    slot,
    atomic,
    ...(delta === undefined ? {} : { delta }),
  }) as Observation;
const set = (w: World, obj: ObjId, slot: number, v: number) => {
  w.k.memory.get(obj).data![slot] = v;
};
const helper = (w: World, o: Partial<Helper>): Helper => ({
  kind: 'helper',
  actor: w.a.id,
  helper: 'bpf_cgrp_storage_get',
  map: w.map,
  cgroup: w.cg,
  flags: 1,
  ret: null,
  existedBefore: false,
  ...o,
});

describe('StepLedger: value slots', () => {
  it('snapshots an object at the step it appears, then counts increments on top of that start', () => {
    const w = makeWorld();
    const l = new StepLedger();
    l.sync(w.k, true);
    const elem = create(w, w.a)!;
    set(w, elem, 0, 5);
    l.sync(w.k, true);
    expect(l.allocated).toEqual([elem]);
    expect(l.objects.get(elem)).toMatchObject({ start: [5, 0], snapshotAt: 2 }); // sync 1 took in the world
    set(w, elem, 0, 7);
    w.k.observe(add(w, elem, 2));
    l.sync(w.k, true);
    expect(l.objects.get(elem)!.slots.get(0)).toEqual({
      base: 5,
      baseKind: 'start',
      increments: 1,
      total: 2,
      loads: [],
    });
  });

  it('an increment seen in the same sync as the snapshot is already in the start value, so it comes off the base', () => {
    const w = makeWorld();
    const l = new StepLedger();
    l.sync(w.k, true);
    const elem = create(w, w.a)!;
    set(w, elem, 0, 3);
    w.k.observe(add(w, elem, 3));
    l.sync(w.k, true);
    expect(l.objects.get(elem)!.slots.get(0)).toMatchObject({ base: 0, increments: 1, total: 3 });
  });

  it('a plain store resets the slot to the stored value at step time, to unknown at the end', () => {
    const w = makeWorld();
    const l = new StepLedger();
    const elem = create(w, w.a)!;
    l.sync(w.k, true);
    w.k.observe(add(w, elem, 1));
    set(w, elem, 0, 9);
    w.k.observe(add(w, elem, undefined, false));
    l.sync(w.k, true);
    expect(l.objects.get(elem)!.slots.get(0)).toEqual({
      base: 9,
      baseKind: 'store',
      increments: 0,
      total: 0,
      loads: [],
    });
    w.k.observe(add(w, elem, 1));
    w.k.observe(add(w, elem, undefined, false));
    l.sync(w.k, false);
    expect(l.objects.get(elem)!.slots.get(0)).toMatchObject({
      base: undefined,
      baseKind: 'store',
      increments: 0,
    });
  });

  it('a store in the same sync as the snapshot keeps its stored base', () => {
    const w = makeWorld();
    const l = new StepLedger();
    l.sync(w.k, true);
    const elem = create(w, w.a)!;
    set(w, elem, 0, 4);
    w.k.observe(add(w, elem, undefined, false));
    w.k.observe(add(w, elem, 1));
    l.sync(w.k, true);
    expect(l.objects.get(elem)!.slots.get(0)).toMatchObject({
      base: 4,
      baseKind: 'store',
      increments: 1,
      total: 1,
    });
  });

  it('records the value a non-atomic increment loaded (stored value − delta), at step time only', () => {
    const w = makeWorld();
    const l = new StepLedger();
    const elem = create(w, w.a)!;
    l.sync(w.k, true);
    set(w, elem, 1, 6);
    w.k.observe(add(w, elem, 2, false, 1, w.b.id));
    w.k.observe(add(w, elem, 2, true, 1));
    l.sync(w.k, true);
    w.k.observe(add(w, elem, 2, false, 1));
    l.sync(w.k, false);
    expect(l.objects.get(elem)!.slots.get(1)!.loads).toEqual([{ actor: w.b.id, loaded: 4 }]);
  });

  it('an object first seen at the end has no start; an increment on an unknown object makes an empty entry', () => {
    const w = makeWorld();
    const l = new StepLedger();
    const elem = create(w, w.a)!;
    w.k.observe(add(w, 777 as ObjId, 1));
    l.sync(w.k, false);
    expect(l.allocated).toEqual([]);
    expect(l.objects.get(elem)).toBeUndefined();
    expect(l.objects.get(777 as ObjId)).toEqual({
      start: undefined,
      snapshotAt: -1,
      slots: new Map([[0, { base: undefined, baseKind: 'start', increments: 1, total: 1, loads: [] }]]),
    });
  });

  it('does nothing when neither memory nor the log grew', () => {
    const w = makeWorld();
    const l = new StepLedger();
    create(w, w.a);
    l.sync(w.k, true);
    const snapshot = structuredClone([...l.objects]);
    l.sync(w.k, true);
    expect([...l.objects]).toEqual(snapshot);
  });
});

describe('StepLedger: userspace copies in place', () => {
  const update = (
    w: World,
    map: MapId,
    flags: number,
    ret = 0,
  ): Extract<Observation, { kind: 'syscall' }> => ({
    kind: 'syscall',
    actor: w.user.id,
    cmd: 'BPF_MAP_UPDATE_ELEM',
    map,
    cgroup: w.cg,
    flags,
    ret,
    existedBefore: true,
  });

  it('NEW map: a BPF_F_LOCK update resets the element to its contents; one without it leaves the ledger', () => {
    const w = makeWorld();
    const l = new StepLedger();
    const elem = create(w, w.a, w.map2)!;
    l.sync(w.k, true);
    w.k.observe(add(w, elem, 1, true, 1));
    l.sync(w.k, true);
    w.k.observe(update(w, w.map2, BPF_ANY));
    w.k.observe(update(w, w.map2, BPF_F_LOCK, -2));
    l.sync(w.k, true);
    expect(l.objects.get(elem)!.slots.get(1)).toMatchObject({ increments: 1, baseKind: 'start' });
    set(w, elem, 1, 8);
    w.k.observe(update(w, w.map2, BPF_F_LOCK));
    l.sync(w.k, true);
    const ol = l.objects.get(elem)!;
    expect([ol.start, ol.slots.get(1)]).toEqual([
      [0, 8, 0],
      { base: 8, baseKind: 'copy', increments: 0, total: 0, loads: [] },
    ]);
    w.k.observe(update(w, w.map2, BPF_F_LOCK));
    l.sync(w.k, false);
    expect([l.objects.get(elem)!.start, l.objects.get(elem)!.slots.size]).toEqual([undefined, 0]);
  });

  it("deprecated maps: a per-CPU update resets every CPU's buffer; a shared one only with BPF_F_LOCK", () => {
    for (const [mapType, flags, isReset] of [
      ['percpu_cgroup_storage', BPF_ANY, true],
      ['cgroup_storage', BPF_F_LOCK, true],
      ['cgroup_storage', BPF_ANY, false],
    ] as const) {
      const w = makeWorld();
      const r = cgroupStorageMapAlloc(w.k, { name: 'cs', mapType, keySize: 16, valueSize: 8 });
      if (!r.ok) throw new Error('map');
      const s = bpfCgroupStorageAlloc(w.k, w.user, cgroupStorageMapOf(w.k, r.value));
      if (!s.ok) throw new Error('alloc');
      runToCompletion(bpfCgroupStorageLink(w.k, w.user, s.value, w.cg, 'cgroup_inet_egress'));
      const bufs = s.value.buf === null ? s.value.percpuBufs : [s.value.buf];
      const l = new StepLedger();
      l.sync(w.k, true);
      for (const b of bufs) w.k.observe(add(w, b, 1));
      l.sync(w.k, true);
      for (const b of bufs) set(w, b, 0, 5);
      w.k.observe(update(w, r.value, flags));
      l.sync(w.k, true);
      const slots = bufs.map((b) => l.objects.get(b)!.slots.get(0));
      expect([mapType, flags, slots.map((sl) => [sl?.base, sl?.baseKind, sl?.increments])]).toEqual([
        mapType,
        flags,
        bufs.map(() => (isReset ? [5, 'copy', 0] : [0, 'start', 1])),
      ]);
    }
  });

  it('an update of a map the kernel does not know, or with no cgroup, changes nothing', () => {
    const w = makeWorld();
    const l = new StepLedger();
    const elem = create(w, w.a, w.map2)!;
    l.sync(w.k, true);
    w.k.observe(add(w, elem, 1, true, 1));
    w.k.observe(update(w, 99 as MapId, BPF_F_LOCK));
    w.k.observe({ ...update(w, w.map2, BPF_F_LOCK), cgroup: null });
    l.sync(w.k, true);
    expect(l.objects.get(elem)!.slots.get(1)).toMatchObject({ baseKind: 'start', increments: 1 });
  });
});

describe('StepLedger: helper facts', () => {
  it('a helper failing while its CPU is busy, or right after its own -EDEADLK lock failure, failed nested', () => {
    const cases: [string, (w: World) => void, Partial<Helper>, boolean][] = [
      ['busy, NULL', (w) => (w.k.cpus[0]!.busy = 1), {}, true],
      [
        'busy, -EBUSY',
        (w) => (w.k.cpus[0]!.busy = 1),
        { ret: -EBUSY, helper: 'bpf_cgrp_storage_delete' },
        true,
      ],
      ['busy, -EDEADLK', (w) => (w.k.cpus[0]!.busy = 1), { ret: -EDEADLK }, true],
      ['busy, success', (w) => (w.k.cpus[0]!.busy = 1), { ret: 5 }, false],
      ['other CPU busy', (w) => (w.k.cpus[1]!.busy = 1), {}, false],
      [
        'own EDEADLK',
        (w) => w.k.observe({ kind: 'lock-fail', actor: w.a.id, lock: 9 as ObjId, errno: EDEADLK }),
        {},
        true,
      ],
      [
        'own ETIMEDOUT',
        (w) => w.k.observe({ kind: 'lock-fail', actor: w.a.id, lock: 9 as ObjId, errno: ETIMEDOUT }),
        {},
        false,
      ],
      [
        "another's EDEADLK",
        (w) => w.k.observe({ kind: 'lock-fail', actor: w.b.id, lock: 9 as ObjId, errno: EDEADLK }),
        {},
        false,
      ],
    ];
    for (const [name, arrange, o, want] of cases) {
      const w = makeWorld();
      arrange(w);
      w.k.observe(helper(w, { ...o, existedBefore: true }));
      syncLedgerAtStep(w.k);
      expect([name, ledgerOf(w.k).isNestedHelperFailed]).toEqual([name, want]);
    }
  });

  it('a get(F_CREATE) that found nothing and returned NULL on a dying cgroup was refused for dying', () => {
    const cases: [string, (w: World) => void, Partial<Helper>, boolean][] = [
      ['dying', () => {}, {}, true],
      ['live', (w) => (w.k.cgroups.get(w.cg).isDying = false), {}, false],
      ['no F_CREATE', () => {}, { flags: 0 }, false],
      ['delete', () => {}, { helper: 'bpf_cgrp_storage_delete' }, false],
      ['returned one', () => {}, { ret: 5 }, false],
      ['one existed', () => {}, { existedBefore: true }, false],
      ['NULL cgroup', () => {}, { cgroup: null }, false],
      ['busy CPU', (w) => (w.k.cpus[0]!.busy = 1), {}, false],
      [
        'own lock failure',
        (w) => w.k.observe({ kind: 'lock-fail', actor: w.a.id, lock: 9 as ObjId, errno: ETIMEDOUT }),
        {},
        false,
      ],
    ];
    for (const [name, arrange, o, want] of cases) {
      const w = makeWorld();
      w.k.cgroups.get(w.cg).isDying = true;
      arrange(w);
      w.k.observe(helper(w, o));
      syncLedgerAtStep(w.k);
      expect([name, ledgerOf(w.k).isCreateRefusedDying]).toEqual([name, want]);
    }
    const w = makeWorld({ isAllocFailurePossible: true });
    w.k.cgroups.get(w.cg).isDying = true;
    w.k.observe(helper(w, {}));
    syncLedgerAtStep(w.k);
    expect(ledgerOf(w.k).isCreateRefusedDying).toBe(false);
  });

  it('helper facts are read at step time only', () => {
    const w = makeWorld();
    w.k.cpus[0]!.busy = 1;
    w.k.cgroups.get(w.cg).isDying = true;
    w.k.observe(helper(w, {}));
    w.k.cpus[0]!.busy = 0;
    w.k.observe(helper(w, {}));
    const l = syncLedgerAtEnd(w.k);
    expect([l.isNestedHelperFailed, l.isCreateRefusedDying]).toEqual([false, false]);
  });

  it('one ledger per kernel', () => {
    const w = makeWorld();
    expect(ledgerOf(w.k)).toBe(syncLedgerAtEnd(w.k));
    expect(ledgerOf(makeWorld().k)).not.toBe(ledgerOf(w.k));
  });
});
