/**
 * update-replace (invariant 16) on update observations written by hand: which
 * updates it judges, what a racing delete or BPF_F_LOCK update excuses, and each
 * message. Elements are plain ids: the property reads only the log.
 */
import { describe, expect, it } from 'vitest';
import type { ObjId } from '../../model/core/ids.js';
import type { Observation } from '../../model/core/observation.js';
import { BPF_ANY, BPF_F_LOCK } from '../../model/localStorage/localStorage.js';
import { createUpdateReplace } from '../../properties/updateReplace.js';
import { makeWorld, type World } from './fixture.js';

type Syscall = Extract<Observation, { kind: 'syscall' }>;
const OLD = 500 as ObjId;
const NEW = 600 as ObjId;

/** A successful update of (m2, cg) by U that began at log index `begin` and found OLD. */
const upd = (w: World, begin: number, o: Partial<Syscall> = {}): Syscall => ({
  kind: 'syscall',
  actor: w.user.id,
  cmd: 'BPF_MAP_UPDATE_ELEM',
  map: w.map2,
  cgroup: w.cg,
  flags: BPF_ANY,
  ret: 0,
  existedBefore: true,
  begin,
  old: OLD,
  elem: NEW,
  ...o,
});
const created = (w: World, o: Partial<Extract<Observation, { kind: 'selem-create' }>> = {}): Observation => ({
  kind: 'selem-create',
  actor: w.user.id,
  obj: NEW,
  map: w.map2,
  cgroup: w.cg,
  value: [0, 0, 0],
  replaces: OLD,
  sawDying: null,
  path: 'syscall',
  ...o,
});
const unlinkOld = (w: World, actor = w.b.id): Observation => ({
  kind: 'selem-unlink',
  actor,
  obj: OLD,
  map: w.map2,
  cgroup: w.cg,
});

/** The end verdict on a log: `during` (from index 0), then the update `u` that began at 0. */
function verdict(during: (w: World) => Observation[], u: (w: World) => Syscall): string | undefined {
  const w = makeWorld();
  for (const d of during(w)) w.k.observe(d);
  w.k.observe(u(w));
  return createUpdateReplace().checkEnd?.(w.k)?.message;
}
const CALL = 'BPF_MAP_UPDATE_ELEM(m2, cg, flags 0) on U';
const LOCKED = 'BPF_MAP_UPDATE_ELEM(m2, cg, flags 4 (BPF_F_LOCK)) on U';

describe('update-replace: without BPF_F_LOCK', () => {
  it('holds: a new element created by this update, replacing the old one', () => {
    expect(
      verdict(
        (w) => [created(w)],
        (w) => upd(w, 0),
      ),
    ).toBeUndefined();
  });

  it('judges only successful updates that found an element, with a known start and result', () => {
    for (const o of [
      { ret: -17 },
      { cmd: 'BPF_MAP_LOOKUP_ELEM' },
      { begin: undefined },
      { old: undefined },
      { old: null },
      { elem: undefined },
    ] as Partial<Syscall>[])
      expect([
        o,
        verdict(
          () => [],
          (w) => upd(w, 0, o),
        ),
      ]).toEqual([o, undefined]);
  });

  it('is violated by an update that published nothing, or whose new element came from another call', () => {
    const none = `${CALL} returned 0 but published no new element for element 500: without BPF_F_LOCK an update publishes a new element`;
    expect(
      verdict(
        () => [],
        (w) => upd(w, 0),
      ),
    ).toBe(none);
    expect(
      verdict(
        (w) => [created(w, { actor: w.b.id })],
        (w) => upd(w, 0),
      ),
    ).toBe(none);
    expect(
      verdict(
        (w) => [created(w, { map: w.map })],
        (w) => upd(w, 0),
      ),
    ).toBe(none);
    expect(
      verdict(
        (w) => [created(w, { cgroup: w.cg2 })],
        (w) => upd(w, 0),
      ),
    ).toBe(none);
    expect(
      verdict(
        (w) => [created(w, { obj: 700 as ObjId })],
        (w) => upd(w, 0),
      ),
    ).toBe(none);
  });

  it('is violated by a new element that replaced something else, unless a racing delete took the old one', () => {
    expect(
      verdict(
        (w) => [created(w, { replaces: null })],
        (w) => upd(w, 0),
      ),
    ).toBe(`${CALL} published element 600 replacing nothing instead of element 500`);
    expect(
      verdict(
        (w) => [created(w, { replaces: 42 as ObjId })],
        (w) => upd(w, 0),
      ),
    ).toBe(`${CALL} published element 600 replacing element 42 instead of element 500`);
    expect(
      verdict(
        (w) => [unlinkOld(w), created(w, { replaces: null })],
        (w) => upd(w, 0),
      ),
    ).toBeUndefined();
    // its own unlink of the old element is no race
    expect(
      verdict(
        (w) => [unlinkOld(w, w.user.id), created(w, { replaces: null })],
        (w) => upd(w, 0),
      ),
    ).toBe(`${CALL} published element 600 replacing nothing instead of element 500`);
  });

  it('looks for the new element only among facts recorded after the update began', () => {
    const w = makeWorld();
    w.k.observe(created(w));
    w.k.observe(upd(w, 1));
    expect(createUpdateReplace().checkEnd?.(w.k)?.message).toBe(
      `${CALL} returned 0 but published no new element for element 500: without BPF_F_LOCK an update publishes a new element`,
    );
  });
});

describe('update-replace: with BPF_F_LOCK', () => {
  const locked =
    (o: Partial<Syscall> = {}) =>
    (w: World) =>
      upd(w, 0, { flags: BPF_F_LOCK, elem: OLD, ...o });

  it('holds: the old element updated in place, nothing published', () => {
    expect(verdict(() => [], locked())).toBeUndefined();
  });

  it('is violated by a published element or a value left elsewhere, unless a racing delete took the old one', () => {
    expect(verdict((w) => [created(w)], locked())).toBe(
      `${LOCKED} published a new element 600 for element 500: with BPF_F_LOCK an existing element is updated in place`,
    );
    expect(verdict(() => [], locked({ elem: NEW }))).toBe(
      `${LOCKED} left its value in element 600, not in element 500 in place: with BPF_F_LOCK an existing element is updated in place`,
    );
    expect(verdict((w) => [unlinkOld(w), created(w)], locked({ elem: NEW }))).toBeUndefined();
  });
});

describe('update-replace: the old value (checked at the end)', () => {
  /** An update that replaced OLD correctly, whose old value went from `before` to `after`. */
  const replaced = (
    before: number[],
    after: number[] | undefined,
    during: (w: World) => Observation[] = () => [],
  ) =>
    verdict(
      (w) => [created(w), ...during(w)],
      (w) => upd(w, 0, { oldValue: { before, after } }),
    );

  it('holds when the old element kept its value, or was freed before the update returned', () => {
    expect(replaced([0, 1, 2], [0, 1, 2])).toBeUndefined();
    expect(replaced([0, 1, 2], undefined)).toBeUndefined();
  });

  it('is violated by the first slot that changed, unless a program wrote that slot during the update', () => {
    expect(replaced([0, 1, 2], [0, 1, 9])).toBe(
      `${CALL} changed slot 2 of the old element 500 from 2 to 9: without BPF_F_LOCK an update leaves the old element's value unchanged`,
    );
    const write = (w: World, slot: number, obj = OLD): Observation => ({
      kind: 'value-update',
      actor: w.a.id,
      obj,
      slot,
      atomic: true,
      delta: 7,
    });
    expect(replaced([0, 1, 2], [0, 8, 9], (w) => [write(w, 1)])).toBe(
      `${CALL} changed slot 2 of the old element 500 from 2 to 9: without BPF_F_LOCK an update leaves the old element's value unchanged`,
    );
    expect(replaced([0, 1, 2], [0, 8, 9], (w) => [write(w, 1), write(w, 2)])).toBeUndefined();
    expect(replaced([0, 1, 2], [0, 1, 9], (w) => [write(w, 2, NEW)])).toBe(
      `${CALL} changed slot 2 of the old element 500 from 2 to 9: without BPF_F_LOCK an update leaves the old element's value unchanged`,
    );
  });

  it("is excused by another actor's BPF_F_LOCK update of that map and cgroup that began before it returned", () => {
    const w = makeWorld();
    w.k.observe(created(w));
    const u = upd(w, 0, { oldValue: { before: [0, 1, 2], after: [0, 1, 9] } });
    // BPF_F_LOCK updates that found no element (old: null), so they are not judged themselves
    const lockedBy = (actor: number, o: Partial<Syscall> = {}): Syscall =>
      upd(w, 0, { actor: actor as never, flags: BPF_F_LOCK, old: null, ...o });
    w.k.observe(u);
    const p = () => createUpdateReplace().checkEnd?.(w.k)?.message;
    const message = `${CALL} changed slot 2 of the old element 500 from 2 to 9: without BPF_F_LOCK an update leaves the old element's value unchanged`;
    expect(p()).toBe(message);
    // not excused: its own, another map's or cgroup's, one with no start or that began after it returned, a lookup
    w.k.observe(lockedBy(w.user.id));
    w.k.observe(lockedBy(w.b.id, { map: w.map }));
    w.k.observe(lockedBy(w.b.id, { cgroup: w.cg2 }));
    w.k.observe(lockedBy(w.b.id, { begin: undefined }));
    w.k.observe(lockedBy(w.b.id, { begin: 1 }));
    w.k.observe(lockedBy(w.b.id, { cmd: 'BPF_MAP_LOOKUP_ELEM' }));
    expect(p()).toBe(message);
    w.k.observe(lockedBy(w.b.id));
    expect(p()).toBeUndefined();
  });
});

describe('update-replace: per step', () => {
  it('checks each returned update once, and the old value only at the end', () => {
    const w = makeWorld();
    const p = createUpdateReplace();
    w.k.observe(upd(w, 0));
    expect(p.checkStep?.(w.k)?.message).toBe(
      `${CALL} returned 0 but published no new element for element 500: without BPF_F_LOCK an update publishes a new element`,
    );
    expect(p.checkStep?.(w.k)).toBeUndefined();
    w.k.observe(created(w));
    w.k.observe(upd(w, 1, { oldValue: { before: [1], after: [2] } }));
    expect(p.checkStep?.(w.k)).toBeUndefined();
    expect(p.checkEnd?.(w.k)?.message).toBe(
      `${CALL} changed slot 0 of the old element 500 from 1 to 2: without BPF_F_LOCK an update leaves the old element's value unchanged`,
    );
  });

  it('forgets the updates of a previous kernel when handed a new one', () => {
    const p = createUpdateReplace();
    const w = makeWorld();
    w.k.observe(created(w));
    w.k.observe(upd(w, 0, { oldValue: { before: [1], after: [2] } }));
    expect(p.checkStep?.(w.k)).toBeUndefined();
    const w2 = makeWorld();
    expect(p.checkEnd?.(w2.k)).toBeUndefined();
  });
});
