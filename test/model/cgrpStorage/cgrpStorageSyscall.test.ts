import { describe, expect, it } from 'vitest';
import { cgroupRmdir } from '../../../model/cgroup/cgroup.js';
import {
  cgrpStorageDeleteElem,
  cgrpStorageGetNextKey,
  cgrpStorageLookupElem,
  cgrpStorageUpdateElem,
} from '../../../model/cgrpStorage/cgrpStorageSyscall.js';
import { ERAS } from '../../../model/core/era.js';
import { EBADF, EEXIST, EINVAL, ENOENT, ENOTSUPP, err, ok } from '../../../model/core/errno.js';
import { asFd } from '../../../model/core/ids.js';
import { BPF_ANY, BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST } from '../../../model/localStorage/localStorage.js';
import { runOp } from '../driver.js';
import { drainDeferred, elemOf, makeWorld, slotsOf, type World } from '../world.js';

const lookup = (w: World, flags = 0, map = w.map, fd = w.fd) =>
  runOp(w.k, w.user, cgrpStorageLookupElem(w.k, w.user, map, fd, flags));
const update = (w: World, value: number[], flags = BPF_ANY, map = w.map, fd = w.fd) =>
  runOp(w.k, w.user, cgrpStorageUpdateElem(w.k, w.user, map, fd, value, flags));
const del = (w: World, map = w.map, fd = w.fd) =>
  runOp(w.k, w.user, cgrpStorageDeleteElem(w.k, w.user, map, fd));

describe.each(ERAS)('cgrp storage syscalls, era %s', (era) => {
  it('update(ANY) creates, lookup copies the value out, delete removes it (selftest tp_btf userspace part)', () => {
    const w = makeWorld({ era });
    expect(update(w, [1, 2])).toEqual(ok(0));
    expect(lookup(w)).toEqual(ok([1, 2]));
    expect(del(w)).toEqual(ok(0));
    expect(lookup(w)).toEqual(err(ENOENT));
    expect(del(w)).toEqual(err(ENOENT));
    const cmds = w.k.observations.flatMap((o) =>
      o.kind === 'syscall' ? [[o.cmd, o.ret, o.existedBefore]] : [],
    );
    expect(cmds).toEqual([
      ['BPF_MAP_UPDATE_ELEM', 0, false],
      ['BPF_MAP_LOOKUP_ELEM', 0, true],
      ['BPF_MAP_DELETE_ELEM', 0, true],
      ['BPF_MAP_LOOKUP_ELEM', -ENOENT, false],
      ['BPF_MAP_DELETE_ELEM', -ENOENT, false],
    ]);
    expect(w.k.cgroups.get(w.cg).refcnt).toBe(1);
    expect(w.k.cpus.map((c) => c.busy)).toEqual([0, 0]);
  });

  it('fd errors: not open → -EBADF, not a cgroup → -EBADF, removed cgroup → -ENOENT', () => {
    const w = makeWorld({ era });
    expect(lookup(w, 0, w.map, asFd(99))).toEqual(err(EBADF));
    expect(update(w, [1], BPF_ANY, w.map, w.k.fds.openNonCgroup())).toEqual(err(EBADF));
    runOp(w.k, w.user, cgroupRmdir(w.k, w.user, w.cg));
    expect(lookup(w)).toEqual(err(ENOENT));
    expect(update(w, [1])).toEqual(err(ENOENT));
    expect(del(w)).toEqual(err(ENOENT));
    expect(w.k.observations.at(-1)).toMatchObject({ kind: 'syscall', cgroup: null, ret: -ENOENT });
  });

  it('update flag checks: bad flags and F_LOCK without a spin lock → -EINVAL; NOEXIST/EXIST', () => {
    const w = makeWorld({ era });
    expect(update(w, [1], 3)).toEqual(err(EINVAL));
    expect(update(w, [1], BPF_F_LOCK)).toEqual(err(EINVAL));
    expect(update(w, [1], BPF_EXIST)).toEqual(err(ENOENT));
    expect(update(w, [1], BPF_NOEXIST)).toEqual(ok(0));
    expect(update(w, [2], BPF_NOEXIST)).toEqual(err(EEXIST));
    expect(update(w, [3], BPF_EXIST)).toEqual(ok(0));
    expect(lookup(w)).toEqual(ok([3, 0]));
    expect(update(w, [4], BPF_F_LOCK | BPF_EXIST, w.map2)).toEqual(err(ENOENT));
  });

  it('lookup flag checks: flags other than F_LOCK, or F_LOCK without a spin lock → -EINVAL', () => {
    const w = makeWorld({ era });
    update(w, [1]);
    expect(lookup(w, BPF_EXIST)).toEqual(err(EINVAL));
    expect(lookup(w, BPF_F_LOCK)).toEqual(err(EINVAL));
  });

  it('update without F_LOCK replaces the element; the old one stays readable until a grace period', () => {
    const w = makeWorld({ era });
    update(w, [1, 1]);
    const old = elemOf(w, w.map, w.cg)!;
    expect(update(w, [2, 2])).toEqual(ok(0));
    const cur = elemOf(w, w.map, w.cg)!;
    expect(cur).not.toBe(old);
    expect(slotsOf(w, old)).toEqual([1, 1]);
    expect(w.k.localStorages.selem(old)).toMatchObject({ isInStorage: false, isInMap: false });
    expect(w.k.memory.isLive(old)).toBe(true);
    expect(drainDeferred(w)).toBe(true);
    expect(w.k.memory.isLive(old)).toBe(false);
    expect(lookup(w)).toEqual(ok([2, 2]));
  });

  it('update with F_LOCK copies in place, keeping the spin-lock slot', () => {
    const w = makeWorld({ era });
    update(w, [9, 1, 1], BPF_ANY, w.map2);
    const p = elemOf(w, w.map2, w.cg)!;
    expect(slotsOf(w, p)).toEqual([0, 1, 1]);
    expect(update(w, [9, 2, 2], BPF_F_LOCK, w.map2)).toEqual(ok(0));
    expect(update(w, [9, 3, 3], BPF_F_LOCK | BPF_EXIST, w.map2)).toEqual(ok(0));
    expect(elemOf(w, w.map2, w.cg)).toBe(p);
    expect(slotsOf(w, p)).toEqual([0, 3, 3]);
    expect(lookup(w, BPF_F_LOCK, w.map2)).toEqual(ok([0, 3, 3]));
    expect(update(w, [9, 4, 4], BPF_F_LOCK | BPF_NOEXIST, w.map2)).toEqual(err(EEXIST));
  });

  it('get_next_key → -ENOTSUPP', () => {
    const w = makeWorld({ era });
    expect(cgrpStorageGetNextKey(w.k, w.user, w.map)).toEqual(err(ENOTSUPP));
    expect(ENOTSUPP).toBe(524);
  });
});

describe('cgroup v1 fds on the syscall path', () => {
  const v1World = (era: 'E1' | 'E2' | 'E3') => {
    const w = makeWorld({ era });
    const v1root = w.k.cgroups.mkdir(null, 'v1root', { isV1: true });
    const v1 = w.k.cgroups.mkdir(v1root, 'v1cg');
    return { w, fd: w.k.fds.openCgroup(v1) };
  };

  it('E1 (6.2, cgroup_get_from_fd) rejects a v1 fd with -EBADF', () => {
    const { w, fd } = v1World('E1');
    expect(update(w, [1], BPF_ANY, w.map, fd)).toEqual(err(EBADF));
  });

  it.each(['E2', 'E3'] as const)('%s (cgroup_v1v2_get_from_fd since 6.8) accepts it', (era) => {
    const { w, fd } = v1World(era);
    expect(update(w, [1], BPF_ANY, w.map, fd)).toEqual(ok(0));
    expect(lookup(w, 0, w.map, fd)).toEqual(ok([1, 0]));
  });
});
