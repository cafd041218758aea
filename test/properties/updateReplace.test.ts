import { describe, expect, it } from 'vitest';
import { cgrpStorageUpdateElem } from '../../model/cgrpStorage/cgrpStorageSyscall.js';
import { ok } from '../../model/core/errno.js';
import { BPF_ANY, BPF_F_LOCK } from '../../model/localStorage/localStorage.js';
import { createUpdateReplace, UPDATE_REPLACE } from '../../properties/updateReplace.js';
import { runOp } from '../model/driver.js';
import { elemOf, makeWorld, type World } from '../model/world.js';
import { endOf, era } from './fixture.js';

const update = (w: World, value: number[], flags: number, map = w.map2) =>
  runOp(w.k, w.user, cgrpStorageUpdateElem(w.k, w.user, map, w.fd, value, flags));

describe('update-replace (invariant 16)', () => {
  it('holds: without BPF_F_LOCK a new element replaces the old one; with it the element is updated in place', () => {
    const w = makeWorld(era('E2'));
    expect(update(w, [0, 1, 2], BPF_ANY)).toEqual(ok(0));
    const first = elemOf(w, w.map2, w.cg)!;
    expect(update(w, [0, 3, 4], BPF_ANY)).toEqual(ok(0));
    const second = elemOf(w, w.map2, w.cg)!;
    expect(second).not.toBe(first);
    expect(update(w, [0, 5, 6], BPF_F_LOCK)).toEqual(ok(0));
    expect(elemOf(w, w.map2, w.cg)).toBe(second);
    const updates = w.k.observations.flatMap((o) =>
      o.kind === 'syscall' ? [[o.flags, o.old, o.elem, o.oldValue?.before]] : [],
    );
    expect(updates).toEqual([
      [BPF_ANY, null, first, undefined],
      [BPF_ANY, first, second, [0, 1, 2]],
      [BPF_F_LOCK, second, second, [0, 3, 4]],
    ]);
    expect(endOf(w.k, createUpdateReplace())).toBeUndefined();
  });

  it('is violated by an update without BPF_F_LOCK that wrote the old element in place (built by hand)', () => {
    const w = makeWorld(era('E2'));
    expect(update(w, [0, 1, 2], BPF_ANY)).toEqual(ok(0));
    const old = elemOf(w, w.map2, w.cg)!;
    w.k.observe({
      kind: 'syscall',
      actor: w.user.id,
      cmd: 'BPF_MAP_UPDATE_ELEM',
      map: w.map2,
      cgroup: w.cg,
      flags: BPF_ANY,
      ret: 0,
      existedBefore: true,
      begin: w.k.observations.length,
      old,
      oldValue: { before: [0, 1, 2], after: [0, 7, 8] },
      elem: old,
    });
    expect(endOf(w.k, createUpdateReplace())).toEqual({
      invariant: UPDATE_REPLACE,
      message: `BPF_MAP_UPDATE_ELEM(m2, cg, flags 0) on U wrote element 3000001 in place: without BPF_F_LOCK an update publishes a new element and leaves the old one unchanged`,
    });
  });

  it('is violated by a BPF_F_LOCK update that published a new element (built by hand)', () => {
    const w = makeWorld(era('E2'));
    expect(update(w, [0, 1, 2], BPF_ANY)).toEqual(ok(0));
    const old = elemOf(w, w.map2, w.cg)!;
    const begin = w.k.observations.length;
    expect(update(w, [0, 3, 4], BPF_ANY)).toEqual(ok(0));
    const fresh = elemOf(w, w.map2, w.cg)!;
    const created = w.k.observations.slice(begin).find((o) => o.kind === 'selem-create')!;
    w.k.observations.length = begin;
    w.k.observe(created);
    w.k.observe({
      kind: 'syscall',
      actor: w.user.id,
      cmd: 'BPF_MAP_UPDATE_ELEM',
      map: w.map2,
      cgroup: w.cg,
      flags: BPF_F_LOCK,
      ret: 0,
      existedBefore: true,
      begin,
      old,
      elem: fresh,
    });
    expect(endOf(w.k, createUpdateReplace())).toEqual({
      invariant: UPDATE_REPLACE,
      message: `BPF_MAP_UPDATE_ELEM(m2, cg, flags 4 (BPF_F_LOCK)) on U published a new element 3000005 for element 3000001: with BPF_F_LOCK an existing element is updated in place`,
    });
  });
});
