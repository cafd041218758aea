/**
 * The no-spurious-* properties (bugs 4 and 5) and no-create-on-dying (bug 7) on
 * observation logs written by hand: which NULL gets they judge (helperCalls'
 * nullGetAt), and which facts recorded during a call excuse its NULL.
 */
import { describe, expect, it } from 'vitest';
import { EDEADLK } from '../../model/core/errno.js';
import type { ObjId } from '../../model/core/ids.js';
import type { Observation } from '../../model/core/observation.js';
import { bpfSelemAlloc, smapOf } from '../../model/localStorage/localStorage.js';
import { nullGetAt } from '../../properties/helperCalls.js';
import { createNoCreateOnDying } from '../../properties/noCreateOnDying.js';
import { createNoSpuriousCreateFailure } from '../../properties/noSpuriousCreateFailure.js';
import { createNoSpuriousNull } from '../../properties/noSpuriousNull.js';
import type { Property } from '../../properties/property.js';
import { makeWorld, type World } from './fixture.js';

type Helper = Extract<Observation, { kind: 'helper' }>;

/** A NULL bpf_cgrp_storage_get(m1, cg) on A that began at log index `begin` (default: the log's length). */
const nullGet = (w: World, o: Partial<Helper> = {}): Helper => ({
  kind: 'helper',
  actor: w.a.id,
  helper: 'bpf_cgrp_storage_get',
  map: w.map,
  cgroup: w.cg,
  flags: 0,
  ret: null,
  existedBefore: true,
  begin: w.k.observations.length,
  ...o,
});
const unlink = (w: World, o: Partial<Extract<Observation, { kind: 'selem-unlink' }>> = {}): Observation => ({
  kind: 'selem-unlink',
  actor: w.b.id,
  obj: 5 as ObjId,
  map: w.map,
  cgroup: w.cg,
  ...o,
});
const selemCreate = (
  w: World,
  o: Partial<Extract<Observation, { kind: 'selem-create' }>> = {},
): Observation => ({
  kind: 'selem-create',
  actor: w.b.id,
  obj: 5 as ObjId,
  map: w.map,
  cgroup: w.cg,
  value: [0, 0],
  replaces: null,
  sawDying: false,
  path: 'helper',
  ...o,
});

/** Observes `during` then the get `get(w)` (begun before them); the property's end verdict. */
function verdict(
  p: () => Property,
  get: (w: World) => Helper,
  during: (w: World) => Observation[] = () => [],
  w: World = makeWorld(),
): string | undefined {
  const g = get(w);
  for (const d of during(w)) w.k.observe(d);
  w.k.observe(g);
  return p().checkEnd?.(w.k)?.message;
}

describe('nullGetAt: the gets the no-spurious-* properties judge', () => {
  it('a NULL get with flags 0 or F_CREATE, a cgroup and a known start', () => {
    const w = makeWorld();
    const judged = (o: Partial<Helper>) => {
      w.k.observe(nullGet(w, o));
      return nullGetAt(w.k, w.k.observations.length - 1) !== undefined;
    };
    expect([judged({}), judged({ flags: 1 })]).toEqual([true, true]);
    expect([
      judged({ ret: 5 }),
      judged({ ret: -EDEADLK }),
      judged({ cgroup: null }),
      judged({ flags: 2 }),
      judged({ flags: 3 }),
      judged({ begin: undefined }),
      judged({ helper: 'bpf_cgrp_storage_delete' }),
    ]).toEqual([false, false, false, false, false, false, false]);
    w.k.observe(unlink(w));
    expect(nullGetAt(w.k, w.k.observations.length - 1)).toBeUndefined();
  });
});

describe('no-spurious-null (bug 4)', () => {
  it('is violated by a NULL get of an element linked for the whole call, naming a nested one', () => {
    expect(verdict(createNoSpuriousNull, (w) => nullGet(w, { flags: 1 }))).toBe(
      'bpf_cgrp_storage_get(m1, cg, flags 1) on A returned NULL though the element was linked for the whole call: a lookup must not fail because this CPU is busy',
    );
    expect(verdict(createNoSpuriousNull, (w) => nullGet(w, { isNested: true }))).toBe(
      'bpf_cgrp_storage_get(m1, cg, flags 0) on A, nested in a storage operation, returned NULL though the element was linked for the whole call: a lookup must not fail because this CPU is busy',
    );
  });

  it('holds when no element existed, or one of that map and cgroup was unlinked during the call', () => {
    expect(verdict(createNoSpuriousNull, (w) => nullGet(w, { existedBefore: false }))).toBeUndefined();
    expect(verdict(createNoSpuriousNull, nullGet, (w) => [unlink(w)])).toBeUndefined();
  });

  it('an unlink of another map or cgroup, or one before the call began, excuses nothing', () => {
    const w = makeWorld();
    w.k.observe(unlink(w));
    expect(
      verdict(
        createNoSpuriousNull,
        nullGet,
        (w) => [unlink(w, { map: w.map2 }), unlink(w, { cgroup: w.cg2 })],
        w,
      ),
    ).toBe(
      'bpf_cgrp_storage_get(m1, cg, flags 0) on A returned NULL though the element was linked for the whole call: a lookup must not fail because this CPU is busy',
    );
  });

  it('per step, judges each get once', () => {
    const w = makeWorld();
    const p = createNoSpuriousNull();
    w.k.observe(nullGet(w));
    expect(p.checkStep?.(w.k)?.invariant).toBe('no-spurious-null');
    expect(p.checkStep?.(w.k)).toBeUndefined();
  });
});

describe('no-spurious-create-failure (bug 5)', () => {
  const create = (w: World) => nullGet(w, { flags: 1, existedBefore: false });
  const message =
    'bpf_cgrp_storage_get(m1, cg, F_CREATE) on A returned NULL for a live cgroup with no allocation failure, racing create or delete, or lock error: another context on this CPU made it fail';

  it('is violated by a NULL create with no excuse; a get without F_CREATE is not its claim', () => {
    expect(verdict(createNoSpuriousCreateFailure, create)).toBe(message);
    expect(
      verdict(createNoSpuriousCreateFailure, (w) => nullGet(w, { existedBefore: false })),
    ).toBeUndefined();
  });

  it('excuses a create nested in storage code, on a dying cgroup, or where allocations may fail', () => {
    expect(
      verdict(createNoSpuriousCreateFailure, (w) => nullGet(w, { flags: 1, isNested: true })),
    ).toBeUndefined();
    const dying = makeWorld();
    dying.k.cgroups.get(dying.cg).isDying = true;
    expect(verdict(createNoSpuriousCreateFailure, create, () => [], dying)).toBeUndefined();
    expect(
      verdict(createNoSpuriousCreateFailure, create, () => [], makeWorld({ isAllocFailurePossible: true })),
    ).toBeUndefined();
  });

  it("excuses another context's create or any unlink on that cgroup, and its own lock failure", () => {
    const excused = (during: (w: World) => Observation[]) =>
      verdict(createNoSpuriousCreateFailure, create, during);
    expect([
      excused((w) => [selemCreate(w)]),
      excused((w) => [selemCreate(w, { map: w.map2 })]),
      excused((w) => [unlink(w, { actor: w.a.id, map: w.map2 })]),
      excused((w) => [{ kind: 'lock-fail', actor: w.a.id, lock: 9 as ObjId, errno: EDEADLK }]),
    ]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it("does not excuse its own create, another cgroup's create or unlink, or another actor's lock failure", () => {
    expect(
      verdict(createNoSpuriousCreateFailure, create, (w) => [
        selemCreate(w, { actor: w.a.id }),
        selemCreate(w, { cgroup: w.cg2 }),
        unlink(w, { cgroup: w.cg2 }),
        { kind: 'lock-fail', actor: w.b.id, lock: 9 as ObjId, errno: EDEADLK },
        { kind: 'cgroup-free', actor: w.a.id, cgroup: w.cg },
      ]),
    ).toBe(message);
  });
});

describe('no-create-on-dying (bug 7)', () => {
  it('is violated by a helper create whose dying check saw the ref dying; not by the syscall path or a live ref', () => {
    const p = (during: (w: World) => Observation[]) => {
      const w = makeWorld();
      for (const d of during(w)) w.k.observe(d);
      return createNoCreateOnDying().checkEnd?.(w.k)?.message;
    };
    expect(p((w) => [selemCreate(w, { sawDying: true })])).toBe(
      "bpf_cgrp_storage_get(m1, cg, F_CREATE) on B created element 5 though the cgroup's refcount was dying: nothing will free it",
    );
    expect(p((w) => [selemCreate(w), selemCreate(w, { path: 'syscall', sawDying: null })])).toBeUndefined();
    expect(p((w) => [selemCreate(w, { path: 'syscall', sawDying: true })])).toBeUndefined();
    expect(p((w) => [unlink(w)])).toBeUndefined();
  });

  it('is violated by an element allocated, seen at step time, for a freed cgroup', () => {
    const w = makeWorld();
    const p = createNoCreateOnDying();
    bpfSelemAlloc(w.k, w.b, smapOf(w.k, w.map), w.cg2, undefined);
    expect(p.checkStep?.(w.k)).toBeUndefined();
    w.k.cgroups.get(w.cg).state = 'freed';
    bpfSelemAlloc(w.k, w.b, smapOf(w.k, w.map2), w.cg, undefined);
    expect(p.checkStep?.(w.k)?.message).toBe(
      'element 2000002 of map m2 was allocated for cgroup cg after the cgroup was freed: creation must stop once its refcount is dying',
    );
    expect(p.checkStep?.(w.k)).toBeUndefined();
  });
});
