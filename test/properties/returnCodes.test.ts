/**
 * The return-value properties (invariants 10, 13, 14, 15) on observations
 * written by hand: every return each era may give passes, every other one is
 * named in the violation, and commands of other maps are not judged.
 */
import { describe, expect, it } from 'vitest';
import { cgroupStorageMapAlloc } from '../../model/cgroupStorage/cgroupStorage.js';
import {
  EAGAIN,
  EBADF,
  EBUSY,
  EDEADLK,
  EEXIST,
  EINVAL,
  ENOENT,
  ENOMEM,
  ENOTSUPP,
  EPERM,
  ETIMEDOUT,
} from '../../model/core/errno.js';
import type { CgroupId, MapId, ObjId } from '../../model/core/ids.js';
import type { Observation } from '../../model/core/observation.js';
import { BPF_ANY, BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST } from '../../model/localStorage/localStorage.js';
import { createDeleteErrno } from '../../properties/deleteErrno.js';
import { createGetNextKeyNotsupp } from '../../properties/getNextKeyNotsupp.js';
import { createNoErrnoFromGet } from '../../properties/noErrnoFromGet.js';
import type { Property } from '../../properties/property.js';
import { createUpdateFlags } from '../../properties/updateFlags.js';
import { create, era, makeWorld, type World } from './fixture.js';

type Era = 'E1' | 'E2' | 'E3';

/** The message of `p` at the end of a world of era `e` that observed `obs` (built from the world). */
function verdict(e: Era, p: () => Property, obs: (w: World) => Observation[]): string | undefined {
  const w = makeWorld(era(e));
  for (const o of obs(w)) w.k.observe(o);
  return p().checkEnd?.(w.k)?.message;
}

const helper = (
  w: World,
  name: string,
  ret: number | null,
  o: { cgroup?: CgroupId | null; flags?: number; map?: MapId } = {},
): Observation => ({
  kind: 'helper',
  actor: w.a.id,
  helper: name,
  map: o.map ?? w.map,
  cgroup: o.cgroup === undefined ? w.cg : o.cgroup,
  flags: o.flags ?? 0,
  ret,
  existedBefore: true,
});

const syscall = (
  w: World,
  cmd: string,
  ret: number,
  o: { cgroup?: CgroupId | null; flags?: number; map?: MapId; existedBefore?: boolean } = {},
): Observation => ({
  kind: 'syscall',
  actor: w.user.id,
  cmd,
  map: o.map ?? w.map,
  cgroup: o.cgroup === undefined ? w.cg : o.cgroup,
  flags: o.flags ?? 0,
  ret,
  existedBefore: o.existedBefore ?? true,
});

/** A deprecated BPF_MAP_TYPE_CGROUP_STORAGE map `cs` in the world. */
function deprecatedMap(w: World): MapId {
  const r = cgroupStorageMapAlloc(w.k, { name: 'cs', mapType: 'cgroup_storage', keySize: 16, valueSize: 8 });
  if (!r.ok) throw new Error('map');
  return r.value;
}

describe('delete-errno (invariant 13): the helper', () => {
  const del = (e: Era, ret: number, cgroup?: CgroupId | null) =>
    verdict(e, createDeleteErrno, (w) => [
      helper(w, 'bpf_cgrp_storage_delete', ret, cgroup === undefined ? {} : { cgroup }),
    ]);

  it('E1/E2 may return 0, -ENOENT, -EINVAL and -EBUSY; E3 0, -ENOENT, -EINVAL, -EDEADLK and -ETIMEDOUT', () => {
    for (const e of ['E1', 'E2'] as const)
      expect([0, -ENOENT, -EINVAL, -EBUSY].map((r) => del(e, r))).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
    expect([0, -ENOENT, -EINVAL, -EDEADLK, -ETIMEDOUT].map((r) => del('E3', r))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('E1 never returns the E3 lock errors, nor -EPERM', () => {
    expect(del('E1', -EDEADLK)).toBe(
      'bpf_cgrp_storage_delete(m1, cg) on A returned -EDEADLK, which E1 never returns',
    );
    expect(del('E2', -ETIMEDOUT)).toBe(
      'bpf_cgrp_storage_delete(m1, cg) on A returned -ETIMEDOUT, which E2 never returns',
    );
    expect(del('E3', -EPERM)).toBe(
      'bpf_cgrp_storage_delete(m1, cg) on A returned -EPERM, which E3 never returns',
    );
  });

  it('with a NULL cgroup only -EINVAL is right', () => {
    expect(del('E2', -EINVAL, null)).toBeUndefined();
    expect(del('E2', 0, null)).toBe(
      'bpf_cgrp_storage_delete(m1, NULL) on A with a NULL cgroup returned 0, not -EINVAL',
    );
    expect(del('E2', -ENOENT, null)).toBe(
      'bpf_cgrp_storage_delete(m1, NULL) on A with a NULL cgroup returned -ENOENT, not -EINVAL',
    );
  });

  it('judges only bpf_cgrp_storage_delete, not the get', () => {
    expect(
      verdict('E3', createDeleteErrno, (w) => [helper(w, 'bpf_cgrp_storage_get', -EBUSY)]),
    ).toBeUndefined();
  });
});

describe('delete-errno (invariant 13): BPF_MAP_DELETE_ELEM', () => {
  const del = (e: Era, ret: number) =>
    verdict(e, createDeleteErrno, (w) => [syscall(w, 'BPF_MAP_DELETE_ELEM', ret)]);

  it('returns 0, -ENOENT or -EBADF in every era, and a lock error only in E3', () => {
    for (const e of ['E1', 'E2', 'E3'] as const)
      expect([0, -ENOENT, -EBADF].map((r) => del(e, r))).toEqual([undefined, undefined, undefined]);
    expect([del('E3', -EDEADLK), del('E3', -ETIMEDOUT)]).toEqual([undefined, undefined]);
    expect(del('E2', -EDEADLK)).toBe(
      'BPF_MAP_DELETE_ELEM(m1, cg) on U returned -EDEADLK, which E2 never returns',
    );
    expect(del('E1', -ETIMEDOUT)).toBe(
      'BPF_MAP_DELETE_ELEM(m1, cg) on U returned -ETIMEDOUT, which E1 never returns',
    );
    expect(del('E3', -EBUSY)).toBe(
      'BPF_MAP_DELETE_ELEM(m1, cg) on U returned -EBUSY, which E3 never returns',
    );
  });

  it('judges only the NEW map and only the delete command', () => {
    expect(
      verdict('E1', createDeleteErrno, (w) => [
        syscall(w, 'BPF_MAP_DELETE_ELEM', -EINVAL, { map: deprecatedMap(w) }),
        syscall(w, 'BPF_MAP_LOOKUP_ELEM', -EBUSY),
      ]),
    ).toBeUndefined();
  });

  it('per step, reports a new observation once and never an old one again', () => {
    const w = makeWorld(era('E1'));
    const p = createDeleteErrno();
    w.k.observe(syscall(w, 'BPF_MAP_DELETE_ELEM', -EDEADLK));
    expect(p.checkStep?.(w.k)?.message).toBe(
      'BPF_MAP_DELETE_ELEM(m1, cg) on U returned -EDEADLK, which E1 never returns',
    );
    expect(p.checkStep?.(w.k)).toBeUndefined();
    w.k.observe(syscall(w, 'BPF_MAP_DELETE_ELEM', -ETIMEDOUT));
    expect(p.checkEnd?.(w.k)?.message).toBe(
      'BPF_MAP_DELETE_ELEM(m1, cg) on U returned -ETIMEDOUT, which E1 never returns',
    );
  });
});

describe('no-errno-from-get (invariant 10)', () => {
  const get = (ret: (w: World) => number | null, o: { cgroup?: CgroupId | null; flags?: number } = {}) =>
    verdict('E2', createNoErrnoFromGet, (w) => [helper(w, 'bpf_cgrp_storage_get', ret(w), o)]);

  it('holds for NULL, and for an element of the map and cgroup it was given', () => {
    expect(get(() => null)).toBeUndefined();
    expect(get(() => null, { cgroup: null, flags: 7 })).toBeUndefined();
    const w = makeWorld(era('E2'));
    const elem = create(w, w.a)!;
    w.k.observe(helper(w, 'bpf_cgrp_storage_get', elem, { flags: 1 }));
    expect(createNoErrnoFromGet().checkEnd?.(w.k)).toBeUndefined();
  });

  it('is violated by an element returned for bad flags or a NULL cgroup, which give NULL', () => {
    const elem = (w: World): ObjId => create(w, w.a)!;
    expect(get(elem, { flags: 2 })).toBe(
      'bpf_cgrp_storage_get(m1, cg, flags 2) on A returned element 1000001 of map m1 for cgroup cg for bad flags 2; they give NULL',
    );
    expect(get(elem, { flags: 3 })).toBe(
      'bpf_cgrp_storage_get(m1, cg, flags 3) on A returned element 1000001 of map m1 for cgroup cg for bad flags 3; they give NULL',
    );
    expect(get(elem, { cgroup: null })).toBe(
      'bpf_cgrp_storage_get(m1, NULL, flags 0) on A returned element 1000001 of map m1 for cgroup cg for a NULL cgroup; it gives NULL',
    );
  });

  it('is violated by an element of another map or another cgroup, or an object that is no element', () => {
    const other = (map: 'map' | 'map2', cg: 'cg' | 'cg2') => (w: World) => create(w, w.a, w[map], w[cg])!;
    expect(get(other('map2', 'cg'))).toBe(
      'bpf_cgrp_storage_get(m1, cg, flags 0) on A returned element 1000001 of map m2 for cgroup cg, not an element of that map and cgroup',
    );
    expect(get(other('map', 'cg2'))).toBe(
      'bpf_cgrp_storage_get(m1, cg, flags 0) on A returned element 1000001 of map m1 for cgroup cg2, not an element of that map and cgroup',
    );
    expect(get(() => 999)).toBe(
      'bpf_cgrp_storage_get(m1, cg, flags 0) on A returned object 999, not an element of that map and cgroup',
    );
  });

  it('is violated by an errno, and judges only the get helper', () => {
    expect(get(() => -ENOMEM)).toBe(
      'bpf_cgrp_storage_get(m1, cg, flags 0) on A returned -ENOMEM; it returns a pointer or NULL, never an errno',
    );
    expect(
      verdict('E2', createNoErrnoFromGet, (w) => [helper(w, 'bpf_cgrp_storage_delete', -EBUSY)]),
    ).toBeUndefined();
  });
});

describe('update-flags (invariant 14)', () => {
  const update = (
    e: Era,
    ret: number,
    o: { cgroup?: CgroupId | null; flags?: number; existedBefore?: boolean; lockMap?: boolean } = {},
    before: (w: World) => Observation[] = () => [],
  ) =>
    verdict(e, createUpdateFlags, (w) => [
      ...before(w),
      syscall(w, 'BPF_MAP_UPDATE_ELEM', ret, { ...o, ...(o.lockMap ? { map: w.map2 } : {}) }),
    ]);

  it('F_LOCK on a value without a bpf_spin_lock must give -EINVAL, even before the cgroup resolved', () => {
    expect(update('E2', -EINVAL, { flags: BPF_F_LOCK })).toBeUndefined();
    expect(update('E2', 0, { flags: BPF_F_LOCK, lockMap: true })).toBeUndefined();
    expect(update('E2', -EBADF, { flags: BPF_F_LOCK, cgroup: null })).toBe(
      'BPF_MAP_UPDATE_ELEM(m1, NULL, flags 4) by U returned -EBADF: F_LOCK on a value without a bpf_spin_lock must give -EINVAL',
    );
  });

  it('flags above BPF_EXIST must give -EINVAL, unless the fd did not resolve', () => {
    expect(update('E2', -EINVAL, { flags: 3 })).toBeUndefined();
    expect(update('E2', 0, { flags: 3 })).toBe(
      'BPF_MAP_UPDATE_ELEM(m1, cg, flags 3) by U returned 0: flags 3 above BPF_EXIST must give -EINVAL',
    );
    expect(update('E2', 0, { flags: 3 | BPF_F_LOCK, lockMap: true })).toBe(
      'BPF_MAP_UPDATE_ELEM(m2, cg, flags 7) by U returned 0: flags 7 above BPF_EXIST must give -EINVAL',
    );
    expect(update('E2', -EBADF, { flags: 3, cgroup: null })).toBeUndefined();
  });

  it('every era may return 0, -EINVAL, -EEXIST, -ENOENT, -ENOMEM, -EAGAIN, -EBADF; only E3 a lock error', () => {
    const rets = [0, -EINVAL, -EEXIST, -ENOENT, -ENOMEM, -EAGAIN, -EBADF];
    for (const e of ['E1', 'E3'] as const)
      expect(rets.map((r) => update(e, r, { flags: BPF_ANY }))).toEqual(rets.map(() => undefined));
    expect([update('E3', -EDEADLK), update('E3', -ETIMEDOUT)]).toEqual([undefined, undefined]);
    expect(update('E1', -EDEADLK)).toBe(
      'BPF_MAP_UPDATE_ELEM(m1, cg, flags 0) by U returned -EDEADLK: E1 never returns it',
    );
    expect(update('E2', -ETIMEDOUT)).toBe(
      'BPF_MAP_UPDATE_ELEM(m1, cg, flags 0) by U returned -ETIMEDOUT: E2 never returns it',
    );
    expect(update('E3', -EBUSY)).toBe(
      'BPF_MAP_UPDATE_ELEM(m1, cg, flags 0) by U returned -EBUSY: E3 never returns it',
    );
  });

  it('NOEXIST on an existing element must give -EEXIST unless something removed it', () => {
    expect(update('E2', 0, { flags: BPF_NOEXIST, existedBefore: true })).toBe(
      'BPF_MAP_UPDATE_ELEM(m1, cg, flags 1) by U returned 0: BPF_NOEXIST on an existing element must give -EEXIST',
    );
    expect(update('E2', 0, { flags: BPF_NOEXIST, existedBefore: false })).toBeUndefined();
    const unlink = (w: World): Observation[] => [
      { kind: 'selem-unlink', actor: w.b.id, obj: 5 as ObjId, map: w.map, cgroup: w.cg },
    ];
    expect(update('E2', 0, { flags: BPF_NOEXIST, existedBefore: true }, unlink)).toBeUndefined();
  });

  it('EXIST on a missing element must give -ENOENT unless something else created one', () => {
    expect(update('E2', 0, { flags: BPF_EXIST, existedBefore: false })).toBe(
      'BPF_MAP_UPDATE_ELEM(m1, cg, flags 2) by U returned 0: BPF_EXIST on a missing element must give -ENOENT',
    );
    expect(update('E2', 0, { flags: BPF_EXIST, existedBefore: true })).toBeUndefined();
    const created = (w: World): Observation[] => [
      { ...helper(w, 'bpf_cgrp_storage_get', 5, { flags: 1 }), existedBefore: false } as Observation,
    ];
    expect(update('E2', 0, { flags: BPF_EXIST, existedBefore: false }, created)).toBeUndefined();
  });

  it('-EEXIST needs an element that existed or was created; -ENOENT one that was missing or removed', () => {
    expect(update('E2', -EEXIST, { flags: BPF_NOEXIST, existedBefore: false })).toBe(
      'BPF_MAP_UPDATE_ELEM(m1, cg, flags 1) by U returned -EEXIST: -EEXIST though no element existed or was created',
    );
    expect(update('E2', -EEXIST, { flags: BPF_NOEXIST, existedBefore: true })).toBeUndefined();
    expect(update('E2', -ENOENT, { flags: BPF_EXIST, existedBefore: true })).toBe(
      'BPF_MAP_UPDATE_ELEM(m1, cg, flags 2) by U returned -ENOENT: -ENOENT though the element existed and nothing removed it',
    );
    expect(update('E2', -ENOENT, { flags: BPF_EXIST, existedBefore: false })).toBeUndefined();
    expect(update('E2', -ENOENT, { flags: BPF_ANY, existedBefore: true })).toBeUndefined();
    expect(update('E2', -EEXIST, { flags: BPF_ANY, existedBefore: false })).toBeUndefined();
  });

  it('judges only BPF_MAP_UPDATE_ELEM on the NEW map', () => {
    expect(
      verdict('E2', createUpdateFlags, (w) => [
        syscall(w, 'BPF_MAP_UPDATE_ELEM', 0, { flags: 3, map: deprecatedMap(w) }),
        syscall(w, 'BPF_MAP_DELETE_ELEM', 0, { flags: 3 }),
      ]),
    ).toBeUndefined();
  });
});

describe('get-next-key-notsupp (invariant 15)', () => {
  it('is violated by 0 or any errno but -ENOTSUPP, on the NEW map only', () => {
    const next = (ret: number, deprecated = false) =>
      verdict('E2', createGetNextKeyNotsupp, (w) => [
        syscall(w, 'BPF_MAP_GET_NEXT_KEY', ret, deprecated ? { map: deprecatedMap(w) } : {}),
      ]);
    expect(next(-ENOTSUPP)).toBeUndefined();
    expect(next(0)).toBe(
      'BPF_MAP_GET_NEXT_KEY on map m1 by U returned 0; BPF_MAP_TYPE_CGRP_STORAGE has no key iteration (-ENOTSUPP)',
    );
    expect(next(0, true)).toBeUndefined();
    expect(
      verdict('E2', createGetNextKeyNotsupp, (w) => [syscall(w, 'BPF_MAP_LOOKUP_ELEM', 0)]),
    ).toBeUndefined();
  });

  it('per step, reports each observation once', () => {
    const w = makeWorld();
    const p = createGetNextKeyNotsupp();
    w.k.observe(syscall(w, 'BPF_MAP_GET_NEXT_KEY', -ENOENT));
    expect(p.checkStep?.(w.k)?.invariant).toBe('get-next-key-notsupp');
    expect(p.checkStep?.(w.k)).toBeUndefined();
  });
});
