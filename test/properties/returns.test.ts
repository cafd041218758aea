import { describe, expect, it } from 'vitest';
import {
  BPF_LOCAL_STORAGE_GET_F_CREATE,
  cgrpStorageDelete,
  cgrpStorageGet,
} from '../../model/cgrpStorage/cgrpStorage.js';
import {
  cgrpStorageGetNextKey,
  cgrpStorageLookupElem,
  cgrpStorageUpdateElem,
} from '../../model/cgrpStorage/cgrpStorageSyscall.js';
import { EBUSY, EEXIST, EINVAL, ENOENT } from '../../model/core/errno.js';
import type { ObjId } from '../../model/core/ids.js';
import type { Observation } from '../../model/core/observation.js';
import {
  BPF_ANY,
  BPF_EXIST,
  BPF_NOEXIST,
  bpfSelemAlloc,
  linkMapNolock,
  linkStorageNolock,
  smapOf,
} from '../../model/localStorage/localStorage.js';
import { createDeleteErrno } from '../../properties/deleteErrno.js';
import { createFinalValue } from '../../properties/finalValue.js';
import { createGetNeverCreatesWithoutFlag } from '../../properties/getNeverCreatesWithoutFlag.js';
import { createGetNextKeyNotsupp } from '../../properties/getNextKeyNotsupp.js';
import { createNoErrnoFromGet } from '../../properties/noErrnoFromGet.js';
import { createNullOnAbsent } from '../../properties/nullOnAbsent.js';
import { createUpdateFlags } from '../../properties/updateFlags.js';
import { createZeroedOrInitial } from '../../properties/zeroedOrInitial.js';
import { inRcu, runOp } from '../model/driver.js';
import { Checker, create, endOf, era, makeWorld, type World } from './fixture.js';

const get = (w: World, flags: number) =>
  runOp(w.k, w.a, inRcu(w.k, w.a, cgrpStorageGet(w.k, w.a, w.map, w.cg, undefined, flags)));
const del = (w: World) => runOp(w.k, w.b, inRcu(w.k, w.b, cgrpStorageDelete(w.k, w.b, w.map, w.cg)));
const update = (w: World, flags: number) =>
  runOp(w.k, w.user, cgrpStorageUpdateElem(w.k, w.user, w.map, w.fd, [1, 2], flags));
const lookup = (w: World) => runOp(w.k, w.user, cgrpStorageLookupElem(w.k, w.user, w.map, w.fd, 0));

/** An element of m1 for cg linked by hand into cg's storage (which m2's element created): no call made it. */
function smuggledElement(w: World): ObjId {
  create(w, w.a, w.map2);
  const s = w.k.localStorages.storage(w.k.cgroups.get(w.cg).bpfCgrpStorage!);
  const sel = bpfSelemAlloc(w.k, w.b, smapOf(w.k, w.map), w.cg, undefined)!;
  linkStorageNolock(s, sel);
  linkMapNolock(smapOf(w.k, w.map), 0, sel);
  return sel.obj;
}

/** A helper observation by A on (m1, cg). */
function helperObs(
  w: World,
  helper: string,
  flags: number,
  ret: ObjId | null | number,
  existedBefore: boolean,
): Observation {
  return { kind: 'helper', actor: w.a.id, helper, map: w.map, cgroup: w.cg, flags, ret, existedBefore };
}

/** A syscall observation by U on (m1, cg). */
/** A syscall observation by U on (m1, cg); `begin`: the log's length when it resolved its cgroup. */
function syscallObs(
  w: World,
  cmd: string,
  flags: number,
  ret: number,
  existedBefore: boolean,
  begin?: number,
): Observation {
  const o = {
    kind: 'syscall',
    actor: w.user.id,
    cmd,
    map: w.map,
    cgroup: w.cg,
    flags,
    ret,
    existedBefore,
  } as const;
  return begin === undefined ? o : { ...o, begin };
}

describe('null-on-absent', () => {
  it('holds: get(0) on absent storage is NULL and lookup gives -ENOENT; after a create both find it', () => {
    const w = makeWorld();
    expect([get(w, 0), lookup(w)]).toEqual([null, { ok: false, errno: ENOENT }]);
    create(w, w.b);
    expect(get(w, 0)).toBe(2000001);
    expect(endOf(w.k, createNullOnAbsent())).toBeUndefined();
  });

  it('is violated by get(0) returning an element nothing created', () => {
    const w = makeWorld();
    const elem = smuggledElement(w);
    w.k.observe(helperObs(w, 'bpf_cgrp_storage_get', 0, elem, false));
    expect(endOf(w.k, createNullOnAbsent())?.message).toBe(
      'bpf_cgrp_storage_get(m1, cg, flags 0) on A returned element 2000001 of map m1 for cgroup cg though the cgroup had no element and nothing created one; it must return NULL',
    );
  });

  it('is violated by a lookup of absent storage that succeeds', () => {
    const w = makeWorld();
    w.k.observe({ ...syscallObs(w, 'BPF_MAP_LOOKUP_ELEM', 0, 0, false), value: [0, 0] } as Observation);
    expect(endOf(w.k, createNullOnAbsent())?.message).toBe(
      'BPF_MAP_LOOKUP_ELEM(m1, cg) by U returned 0 (value [0,0]) though the cgroup had no element; it must give -ENOENT',
    );
  });
});

describe('get-never-creates-without-flag (invariant 11)', () => {
  it('holds: every element came from a get(F_CREATE) or an update', () => {
    const w = makeWorld();
    create(w, w.a);
    del(w);
    expect(update(w, BPF_ANY)).toEqual({ ok: true, value: 0 });
    update(w, BPF_ANY);
    get(w, 0);
    expect(endOf(w.k, createGetNeverCreatesWithoutFlag())).toBeUndefined();
  });

  it('is violated by an element no creating call made, naming the get(0) that returned it', () => {
    const w = makeWorld();
    const elem = smuggledElement(w);
    w.k.observe(helperObs(w, 'bpf_cgrp_storage_get', 0, elem, false));
    expect(endOf(w.k, createGetNeverCreatesWithoutFlag())?.message).toBe(
      'element 2000001 of map m1 for cgroup cg was created by no get(F_CREATE) and no update (1 element not returned by a get(F_CREATE), 0 successful updates); bpf_cgrp_storage_get without F_CREATE on A returned it though none existed before',
    );
  });

  it('names the element a get(0) returned, not one an update made, whatever their order in the log', () => {
    const w = makeWorld();
    const elem = smuggledElement(w);
    w.k.observe(helperObs(w, 'bpf_cgrp_storage_get', 0, elem, false));
    expect(del(w)).toBe(0); // the smuggled element is unlinked first: it leads the log
    expect(update(w, BPF_ANY)).toEqual({ ok: true, value: 0 });
    expect(endOf(w.k, createGetNeverCreatesWithoutFlag())?.message).toBe(
      'element 2000001 of map m1 for cgroup cg was created by no get(F_CREATE) and no update (2 elements not returned by a get(F_CREATE), 1 successful update); bpf_cgrp_storage_get without F_CREATE on A returned it though none existed before',
    );
  });
});

describe('no-errno-from-get (invariant 10)', () => {
  it('holds for hits, misses and creates', () => {
    const w = makeWorld();
    get(w, 0);
    create(w, w.a);
    get(w, 0);
    get(w, 2); // a bad flag: NULL
    expect(endOf(w.k, createNoErrnoFromGet())).toBeUndefined();
  });

  it('is violated by a get returning an errno', () => {
    const w = makeWorld();
    w.k.observe(helperObs(w, 'bpf_cgrp_storage_get', BPF_LOCAL_STORAGE_GET_F_CREATE, -EBUSY, false));
    expect(endOf(w.k, createNoErrnoFromGet())?.message).toBe(
      'bpf_cgrp_storage_get(m1, cg, flags 1) on A returned -EBUSY; it returns a pointer or NULL, never an errno',
    );
  });
});

describe('delete-errno (invariant 13)', () => {
  it('holds: 0, then -ENOENT', () => {
    const w = makeWorld();
    create(w, w.a);
    expect([del(w), del(w)]).toEqual([0, -ENOENT]);
    expect(endOf(w.k, createDeleteErrno())).toBeUndefined();
  });

  it('is violated by -EBUSY in E3, which has no busy counter', () => {
    const w = makeWorld(era('E3'));
    w.k.observe(helperObs(w, 'bpf_cgrp_storage_delete', 0, -EBUSY, true));
    expect(endOf(w.k, createDeleteErrno())?.message).toBe(
      'bpf_cgrp_storage_delete(m1, cg) on A returned -EBUSY, which E3 never returns',
    );
  });
});

describe('update-flags (invariant 14)', () => {
  it('holds: NOEXIST on an element is -EEXIST, flags above EXIST are -EINVAL', () => {
    const w = makeWorld();
    update(w, BPF_ANY);
    expect(update(w, BPF_NOEXIST)).toEqual({ ok: false, errno: EEXIST });
    expect(update(w, 3)).toEqual({ ok: false, errno: EINVAL });
    expect(endOf(w.k, createUpdateFlags())).toBeUndefined();
  });

  it('is violated by NOEXIST succeeding on an element nothing removed', () => {
    const w = makeWorld();
    update(w, BPF_ANY);
    w.k.observe(syscallObs(w, 'BPF_MAP_UPDATE_ELEM', BPF_NOEXIST, 0, true));
    expect(endOf(w.k, createUpdateFlags())?.message).toBe(
      'BPF_MAP_UPDATE_ELEM(m1, cg, flags 1) by U returned 0: BPF_NOEXIST on an existing element must give -EEXIST',
    );
  });

  it('is violated by EXIST succeeding on a missing element: the update does not excuse itself as its creator', () => {
    const w = makeWorld();
    w.k.observe(syscallObs(w, 'BPF_MAP_UPDATE_ELEM', BPF_EXIST, 0, false));
    expect(endOf(w.k, createUpdateFlags())?.message).toBe(
      'BPF_MAP_UPDATE_ELEM(m1, cg, flags 2) by U returned 0: BPF_EXIST on a missing element must give -ENOENT',
    );
  });

  it('is violated by NOEXIST replacing an element: its own unlink while it ran excuses nothing', () => {
    const w = makeWorld();
    const old = create(w, w.a)!;
    const begin = w.k.observations.length;
    w.k.observe({ kind: 'selem-unlink', actor: w.user.id, obj: old, map: w.map, cgroup: w.cg });
    w.k.observe(syscallObs(w, 'BPF_MAP_UPDATE_ELEM', BPF_NOEXIST, 0, true, begin));
    expect(endOf(w.k, createUpdateFlags())?.message).toBe(
      'BPF_MAP_UPDATE_ELEM(m1, cg, flags 1) by U returned 0: BPF_NOEXIST on an existing element must give -EEXIST',
    );
    // The same unlink by another actor is a racing delete: the update may then create.
    const v = makeWorld();
    const gone = create(v, v.a)!;
    const from = v.k.observations.length;
    v.k.observe({ kind: 'selem-unlink', actor: v.b.id, obj: gone, map: v.map, cgroup: v.cg });
    v.k.observe(syscallObs(v, 'BPF_MAP_UPDATE_ELEM', BPF_NOEXIST, 0, true, from));
    expect(endOf(v.k, createUpdateFlags())).toBeUndefined();
  });
});

describe('get-next-key-notsupp (invariant 15)', () => {
  it('holds: the NEW map has no key iteration', () => {
    const w = makeWorld();
    cgrpStorageGetNextKey(w.k, w.user, w.map);
    expect(endOf(w.k, createGetNextKeyNotsupp())).toBeUndefined();
  });

  it('is violated by any other result', () => {
    const w = makeWorld();
    w.k.observe(syscallObs(w, 'BPF_MAP_GET_NEXT_KEY', 0, -ENOENT, false));
    expect(endOf(w.k, createGetNextKeyNotsupp())?.message).toBe(
      'BPF_MAP_GET_NEXT_KEY on map m1 by U returned -ENOENT; BPF_MAP_TYPE_CGRP_STORAGE has no key iteration (-ENOTSUPP)',
    );
  });
});

describe('zeroed-or-initial (invariant 12)', () => {
  it('holds: an element of a map with a bpf_spin_lock starts with the lock slot 0, whatever the initial value', () => {
    const w = makeWorld();
    const check = new Checker(w.k, [createZeroedOrInitial()]);
    check.afterStep();
    const sel = bpfSelemAlloc(w.k, w.b, smapOf(w.k, w.map2), w.cg, [9, 1, 2])!;
    check.afterStep();
    expect(w.k.memory.get(sel.obj).data).toEqual([0, 1, 2]);
    expect(check.end()).toBeUndefined();
  });

  it('is violated by an element allocated with its bpf_spin_lock slot copied', () => {
    const w = makeWorld();
    const check = new Checker(w.k, [createZeroedOrInitial()]);
    check.afterStep();
    const sel = bpfSelemAlloc(w.k, w.b, smapOf(w.k, w.map2), w.cg, [9, 1, 2])!;
    w.k.memory.get(sel.obj).data![0] = 9; // copy_map_value forgot to skip the lock
    check.afterStep();
    expect(check.end()?.message).toBe(
      'element 2000001 of map m2 for cgroup cg was allocated with its bpf_spin_lock slot 0 = 9; copy_map_value must skip it',
    );
  });
});

describe('final-value', () => {
  it('names the words that differ: an expectation longer than the value is shown whole', () => {
    const w = makeWorld();
    const elem = create(w, w.a)!;
    w.k.memory.get(elem).data!.fill(0);
    w.k.memory.get(elem).data![0] = 7;
    const words = w.k.memory.get(elem).data!.length;
    const expectFinal = (value: number[]) =>
      endOf(w.k, createFinalValue([{ map: w.map, cgroup: w.cg, value }]))?.message;
    expect(words).toBe(2); // m1's value is 16 bytes
    // Missing words are zero, so [7, 0, 0] holds; [7, 0, 2] names its third word.
    expect(expectFinal([7, 0, 0])).toBeUndefined();
    expect(expectFinal([7, 0, 2])).toBe('at the end m1[cg] holds [7, 0]; the scenario expects [7, 0, 2]');
  });
});
