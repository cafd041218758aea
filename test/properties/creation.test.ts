/**
 * Where elements and values come from: null-on-absent, get-never-creates-without-flag
 * (invariant 11) and zeroed-or-initial (invariant 12), each excuse and each message.
 */
import { describe, expect, it } from 'vitest';
import { cgrpStorageDelete } from '../../model/cgrpStorage/cgrpStorage.js';
import { cgrpStorageUpdateElem } from '../../model/cgrpStorage/cgrpStorageSyscall.js';
import { EBUSY, ENOENT, ENOMEM } from '../../model/core/errno.js';
import type { CgroupId, ObjId } from '../../model/core/ids.js';
import type { Observation } from '../../model/core/observation.js';
import {
  BPF_ANY,
  bpfSelemAlloc,
  linkMapNolock,
  linkStorageNolock,
  smapOf,
} from '../../model/localStorage/localStorage.js';
import { createGetNeverCreatesWithoutFlag } from '../../properties/getNeverCreatesWithoutFlag.js';
import { createNullOnAbsent } from '../../properties/nullOnAbsent.js';
import { createZeroedOrInitial } from '../../properties/zeroedOrInitial.js';
import { inRcu, runOp } from '../model/driver.js';
import { Checker, create, makeWorld, type World } from './fixture.js';

const get = (
  w: World,
  ret: ObjId | null | number,
  o: Partial<Extract<Observation, { kind: 'helper' }>> = {},
) =>
  w.k.observe({
    kind: 'helper',
    actor: w.a.id,
    helper: 'bpf_cgrp_storage_get',
    map: w.map,
    cgroup: w.cg,
    flags: 0,
    ret,
    existedBefore: false,
    ...o,
  });
const lookup = (w: World, ret: number, o: Partial<Extract<Observation, { kind: 'syscall' }>> = {}) =>
  w.k.observe({
    kind: 'syscall',
    actor: w.user.id,
    cmd: 'BPF_MAP_LOOKUP_ELEM',
    map: w.map,
    cgroup: w.cg,
    flags: 0,
    ret,
    existedBefore: false,
    ...o,
  });
const update = (w: World, cg: CgroupId = w.cg) => {
  const fd = cg === w.cg ? w.fd : w.k.fds.openCgroup(cg);
  return runOp(w.k, w.user, cgrpStorageUpdateElem(w.k, w.user, w.map, fd, [1, 2], BPF_ANY));
};
const nullOnAbsent = (w: World) => createNullOnAbsent().checkEnd?.(w.k)?.message;

describe('null-on-absent: the get', () => {
  it('excuses what the kernel may do: existing storage, F_CREATE, NULL, an errno (another claim), a NULL cgroup', () => {
    const w = makeWorld();
    get(w, 5, { existedBefore: true });
    get(w, 5, { flags: 1 });
    get(w, null);
    get(w, -EBUSY);
    get(w, 5, { cgroup: null });
    get(w, 5, { helper: 'bpf_cgrp_storage_delete' });
    expect(nullOnAbsent(w)).toBeUndefined();
  });

  it('excuses a hit when a get(F_CREATE) or an update of that map and cgroup created the element', () => {
    const w = makeWorld();
    const elem = create(w, w.b)!;
    get(w, elem);
    expect(nullOnAbsent(w)).toBeUndefined();
    const w2 = makeWorld();
    update(w2);
    get(w2, 2000001);
    expect(nullOnAbsent(w2)).toBeUndefined();
  });

  it("is not excused by a create of another cgroup's element", () => {
    const w = makeWorld();
    update(w, w.cg2);
    const elem = create(w, w.b, w.map2)!;
    get(w, elem);
    expect(nullOnAbsent(w)).toBe(
      'bpf_cgrp_storage_get(m1, cg, flags 0) on A returned element 2000001 of map m2 for cgroup cg though the cgroup had no element and nothing created one; it must return NULL',
    );
  });
});

describe('null-on-absent: BPF_MAP_LOOKUP_ELEM', () => {
  it('-ENOENT is right; so is a hit on storage that existed, a NULL cgroup or another helper', () => {
    const w = makeWorld();
    lookup(w, -ENOENT);
    lookup(w, 0, { existedBefore: true });
    lookup(w, 0, { cgroup: null });
    lookup(w, 0, { cmd: 'BPF_MAP_DELETE_ELEM' });
    expect(nullOnAbsent(w)).toBeUndefined();
  });

  it('a hit is excused by a creator; an errno other than -ENOENT never is', () => {
    const w = makeWorld();
    update(w);
    lookup(w, 0, { value: [1, 2] });
    expect(nullOnAbsent(w)).toBeUndefined();
    lookup(w, -ENOMEM);
    expect(nullOnAbsent(w)).toBe(
      'BPF_MAP_LOOKUP_ELEM(m1, cg) by U returned -ENOMEM though the cgroup had no element; it must give -ENOENT',
    );
  });

  it('names a hit without a value as []', () => {
    const w = makeWorld();
    lookup(w, 0);
    expect(nullOnAbsent(w)).toBe(
      'BPF_MAP_LOOKUP_ELEM(m1, cg) by U returned 0 (value []) though the cgroup had no element; it must give -ENOENT',
    );
  });
});

describe('get-never-creates-without-flag (invariant 11)', () => {
  const verdict = (w: World) => createGetNeverCreatesWithoutFlag().checkEnd?.(w.k)?.message;

  /** An element of (map, cg) linked by hand into cg's published storage; no call made it. */
  function smuggle(w: World, map = w.map): ObjId {
    const s = w.k.localStorages.storage(w.k.cgroups.get(w.cg).bpfCgrpStorage!);
    const sel = bpfSelemAlloc(w.k, w.b, smapOf(w.k, map), w.cg, undefined)!;
    linkStorageNolock(s, sel);
    linkMapNolock(smapOf(w.k, map), 0, sel);
    return sel.obj;
  }

  it('counts an element that was unlinked since (a delete) as published', () => {
    const w = makeWorld();
    create(w, w.a, w.map2);
    const elem = smuggle(w);
    runOp(w.k, w.b, inRcu(w.k, w.b, cgrpStorageDelete(w.k, w.b, w.map, w.cg)));
    expect(w.k.localStorages.storage(w.k.cgroups.get(w.cg).bpfCgrpStorage!).list).not.toContain(elem);
    expect(verdict(w)).toBe(
      'element 2000001 of map m1 for cgroup cg was created by no get(F_CREATE) and no update (1 element not returned by a get(F_CREATE), 0 successful updates)',
    );
  });

  it('each successful update of that map and cgroup explains one element', () => {
    const w = makeWorld();
    update(w);
    update(w);
    expect(verdict(w)).toBeUndefined();
    const third = smuggle(w);
    get(w, third, { existedBefore: true });
    // Updates do not say which element they made: the one a get(0) returned is named.
    expect(verdict(w)).toBe(
      `element ${third} of map m1 for cgroup cg was created by no get(F_CREATE) and no update (3 elements not returned by a get(F_CREATE), 2 successful updates); bpf_cgrp_storage_get without F_CREATE on A returned it though one existed`,
    );
  });

  it('names the get(0) that returned the unexplained element, and whether one existed', () => {
    const w = makeWorld();
    create(w, w.a, w.map2);
    const elem = smuggle(w);
    get(w, elem, { existedBefore: true });
    expect(verdict(w)).toBe(
      `element ${elem} of map m1 for cgroup cg was created by no get(F_CREATE) and no update (1 element not returned by a get(F_CREATE), 0 successful updates); bpf_cgrp_storage_get without F_CREATE on A returned it though one existed`,
    );
  });

  it('a get(0) that returned the element does not explain it; updates of another cgroup do not either', () => {
    const w = makeWorld();
    create(w, w.a, w.map2);
    update(w, w.cg2);
    const elem = smuggle(w);
    get(w, elem);
    expect(verdict(w)).toBe(
      `element ${elem} of map m1 for cgroup cg was created by no get(F_CREATE) and no update (1 element not returned by a get(F_CREATE), 0 successful updates); bpf_cgrp_storage_get without F_CREATE on A returned it though none existed before`,
    );
  });

  it("ignores elements of a storage the cgroup does not publish (a lost first insert's)", () => {
    const w = makeWorld();
    create(w, w.a, w.map2);
    smuggle(w);
    w.k.cgroups.get(w.cg).bpfCgrpStorage = null;
    expect(verdict(w)).toBeUndefined();
  });
});

describe('zeroed-or-initial (invariant 12)', () => {
  it('a NEW-map element without a bpf_spin_lock may start with any initial value', () => {
    const w = makeWorld();
    const check = new Checker(w.k, [createZeroedOrInitial()]);
    bpfSelemAlloc(w.k, w.b, smapOf(w.k, w.map), w.cg, [9, 9]);
    check.afterStep();
    expect(check.end()).toBeUndefined();
  });

  it('judges each allocation once, at the step it is seen', () => {
    const w = makeWorld();
    const p = createZeroedOrInitial();
    p.checkStep?.(w.k);
    const sel = bpfSelemAlloc(w.k, w.b, smapOf(w.k, w.map2), w.cg, [0, 1, 2])!;
    w.k.memory.get(sel.obj).data![0] = 3;
    expect(p.checkStep?.(w.k)?.message).toBe(
      'element 2000001 of map m2 for cgroup cg was allocated with its bpf_spin_lock slot 0 = 3; copy_map_value must skip it',
    );
    expect(p.checkStep?.(w.k)).toBeUndefined();
    expect(p.checkEnd?.(w.k)).toBeUndefined();
  });

  it('an object first seen at the end has no known start, so no claim', () => {
    const w = makeWorld();
    const sel = bpfSelemAlloc(w.k, w.b, smapOf(w.k, w.map2), w.cg, [0, 1, 2])!;
    w.k.memory.get(sel.obj).data![0] = 3;
    expect(createZeroedOrInitial().checkEnd?.(w.k)).toBeUndefined();
  });

  it("a storage buffer allocated in one step with its struct bpf_cgroup_storage is attach's, zeroed", () => {
    const w = makeWorld();
    const p = createZeroedOrInitial();
    p.checkStep?.(w.k);
    w.k.memory.alloc(7001 as ObjId, 'cgroup_storage', 'cs storage');
    w.k.memory.alloc(7002 as ObjId, 'storage_buf', 'cs buf', [0, 5]);
    expect(p.checkStep?.(w.k)?.message).toBe(
      'cs buf 7002 was allocated with slot 1 = 5; bpf_cgroup_storage_alloc zeroes it',
    );
    w.k.memory.alloc(7003 as ObjId, 'storage_buf', 'cs buf', [0, 5]);
    expect(p.checkStep?.(w.k)).toBeUndefined();
  });

  it('a per-CPU buffer starts zeroed; a lone storage buffer (a userspace copy) may hold anything', () => {
    const w = makeWorld();
    const p = createZeroedOrInitial();
    p.checkStep?.(w.k);
    w.k.memory.alloc(7001 as ObjId, 'storage_buf', 'cs buf', [4]);
    expect(p.checkStep?.(w.k)).toBeUndefined();
    w.k.memory.alloc(7002 as ObjId, 'percpu_buf', 'pcs cpu1', [0, 0, 6]);
    expect(p.checkStep?.(w.k)?.message).toBe(
      'pcs cpu1 7002 was allocated with slot 2 = 6; bpf_cgroup_storage_alloc zeroes it',
    );
  });
});
