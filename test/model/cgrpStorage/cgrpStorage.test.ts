import { describe, expect, it } from 'vitest';
import { cgroupRmdir } from '../../../model/cgroup/cgroup.js';
import {
  cgrpStorageDelete,
  cgrpStorageGet,
  BPF_LOCAL_STORAGE_GET_F_CREATE as F_CREATE,
} from '../../../model/cgrpStorage/cgrpStorage.js';
import { cgrpStorageUpdateElem } from '../../../model/cgrpStorage/cgrpStorageSyscall.js';
import { ERAS } from '../../../model/core/era.js';
import { EBUSY, EINVAL, ENOENT, ENOMEM, ETIMEDOUT, err } from '../../../model/core/errno.js';
import { BPF_ANY, smapOf } from '../../../model/localStorage/localStorage.js';
import { inRcu, runOp } from '../driver.js';
import { drainDeferred, elemOf, makeWorld, slotsOf, type World } from '../world.js';

const get = (w: World, map = w.map, flags = F_CREATE, value?: readonly number[], cg = w.cg) =>
  runOp(w.k, w.a, inRcu(w.k, w.a, cgrpStorageGet(w.k, w.a, map, cg, value, flags)));
const del = (w: World, map = w.map, cg: World['cg'] | null = w.cg) =>
  runOp(w.k, w.a, inRcu(w.k, w.a, cgrpStorageDelete(w.k, w.a, map, cg)));

describe.each(ERAS)('bpf_cgrp_storage_get, era %s', (era) => {
  it('get(0) on a cgroup without an element returns NULL and creates nothing', () => {
    const w = makeWorld({ era });
    expect(get(w, w.map, 0)).toBeNull();
    expect(w.k.cgroups.get(w.cg).bpfCgrpStorage).toBeNull();
    expect(w.k.observations.at(-1)).toMatchObject({
      kind: 'helper',
      ret: null,
      existedBefore: false,
      flags: 0,
    });
  });

  it('get(F_CREATE) creates one zeroed element, shared storage for a second map', () => {
    const w = makeWorld({ era });
    const p = get(w);
    expect(p).not.toBeNull();
    expect(slotsOf(w, p!)).toEqual([0, 0]);
    expect(elemOf(w, w.map, w.cg)).toBe(p);
    const s = w.k.localStorages.storage(w.k.cgroups.get(w.cg).bpfCgrpStorage!);
    expect(s.list).toEqual([p]);
    const q = get(w, w.map2);
    expect(s.list).toEqual([q, p]);
    expect(w.k.localStorages.storages.size).toBe(1);
    expect(
      w.k.observations.filter((o) => o.kind === 'helper').map((o) => o.kind === 'helper' && o.existedBefore),
    ).toEqual([false, false]);
  });

  it('get(0) after a create finds the same element and fills the cache slot', () => {
    const w = makeWorld({ era });
    const p = get(w);
    const s = w.k.localStorages.storage(w.k.cgroups.get(w.cg).bpfCgrpStorage!);
    expect(s.cache[smapOf(w.k, w.map).cacheIdx]).toBeNull();
    expect(get(w, w.map, 0)).toBe(p);
    expect(s.cache[smapOf(w.k, w.map).cacheIdx]).toBe(p);
    expect(w.k.observations.at(-1)).toMatchObject({ kind: 'helper', ret: p, existedBefore: true });
  });

  it('an initial value is copied, except the bpf_spin_lock slot', () => {
    const w = makeWorld({ era });
    expect(slotsOf(w, get(w, w.map, F_CREATE, [5, 6])!)).toEqual([5, 6]);
    expect(slotsOf(w, get(w, w.map2, F_CREATE, [7, 8, 9])!)).toEqual([0, 8, 9]);
  });

  it('flags other than F_CREATE and a NULL cgroup give NULL', () => {
    const w = makeWorld({ era });
    expect(get(w, w.map, 2)).toBeNull();
    expect(get(w, w.map, F_CREATE | 2)).toBeNull();
    expect(runOp(w.k, w.a, cgrpStorageGet(w.k, w.a, w.map, null, undefined, F_CREATE))).toBeNull();
    expect(w.k.localStorages.selems.size).toBe(0);
  });

  it('a dying cgroup refuses creation but still serves lookups', () => {
    const w = makeWorld({ era });
    const p = get(w);
    expect(runOp(w.k, w.user, cgroupRmdir(w.k, w.user, w.cg))).toEqual({ ok: true, value: 0 });
    expect(w.k.cgroups.get(w.cg).isDying).toBe(true);
    expect(get(w, w.map2)).toBeNull();
    expect(get(w, w.map, F_CREATE)).toBe(p);
    expect(elemOf(w, w.map2, w.cg)).toBeNull();
  });
});

describe('the per-CPU busy counter held by a preempted task on the same CPU', () => {
  // A task on CPU 0 holds bpf_cgrp_storage_busy (e.g. a syscall, preempted under migrate_disable).
  const busyWorld = (era: 'E1' | 'E2' | 'E3') => {
    const w = makeWorld({ era });
    const p = get(w);
    w.k.cpus[0]!.busy = 1;
    return { w, p };
  };

  it('E1: every helper fails: get → NULL, delete → -EBUSY', () => {
    const { w, p } = busyWorld('E1');
    expect(p).not.toBeNull();
    expect(get(w, w.map, 0)).toBeNull();
    expect(get(w, w.map2)).toBeNull();
    expect(del(w)).toBe(-EBUSY);
    expect(w.k.cpus[0]!.busy).toBe(1);
  });

  it('E2: a busy get still looks up (no cache fill) but cannot create; delete → -EBUSY', () => {
    const { w, p } = busyWorld('E2');
    const s = w.k.localStorages.storage(w.k.cgroups.get(w.cg).bpfCgrpStorage!);
    expect(get(w, w.map, F_CREATE)).toBe(p);
    expect(s.cache[smapOf(w.k, w.map).cacheIdx]).toBeNull();
    expect(get(w, w.map2)).toBeNull();
    expect(del(w)).toBe(-EBUSY);
  });

  it('E3 has no counter: helpers succeed', () => {
    const { w, p } = busyWorld('E3');
    expect(get(w, w.map, 0)).toBe(p);
    expect(get(w, w.map2)).not.toBeNull();
    expect(del(w)).toBe(0);
  });

  it('another CPU is unaffected in E1', () => {
    const { w, p } = busyWorld('E1');
    expect(runOp(w.k, w.b, inRcu(w.k, w.b, cgrpStorageGet(w.k, w.b, w.map, w.cg, undefined, 0)))).toBe(p);
  });
});

describe.each(ERAS)('bpf_cgrp_storage_delete, era %s', (era) => {
  it('NULL cgroup → -EINVAL, no element → -ENOENT', () => {
    const w = makeWorld({ era });
    expect(del(w, w.map, null)).toBe(-EINVAL);
    expect(del(w)).toBe(-ENOENT);
    expect(w.k.observations.at(-1)).toMatchObject({
      kind: 'helper',
      helper: 'bpf_cgrp_storage_delete',
      ret: -ENOENT,
      existedBefore: false,
    });
  });

  it('deletes the element; it stays readable until a tasks-trace grace period, then is freed', () => {
    const w = makeWorld({ era });
    const p = get(w)!;
    const q = get(w, w.map2)!;
    expect(del(w)).toBe(0);
    expect(elemOf(w, w.map, w.cg)).toBeNull();
    expect(w.k.localStorages.selem(p)).toMatchObject({ isInStorage: false, isInMap: false });
    expect(w.k.memory.isLive(p)).toBe(true);
    expect(w.k.rcu.queue.map((c) => [c.label, c.flavour])).toEqual([[`bpf_selem_free(${p})`, 'tasks_trace']]);
    expect(drainDeferred(w)).toBe(true);
    expect(w.k.memory.isLive(p)).toBe(false);
    expect(w.k.cgroups.get(w.cg).bpfCgrpStorage).not.toBeNull();
    expect(del(w, w.map2)).toBe(0);
    expect(w.k.cgroups.get(w.cg).bpfCgrpStorage).toBeNull();
    expect(drainDeferred(w)).toBe(true);
    expect(w.k.memory.isLive(q)).toBe(false);
    expect(w.k.memory.liveOf('local_storage')).toEqual([]);
    expect(w.k.memory.faults).toEqual([]);
  });

  it('get(0) after delete is NULL; get(F_CREATE) makes a fresh element', () => {
    const w = makeWorld({ era });
    const p = get(w);
    del(w);
    expect(get(w, w.map, 0)).toBeNull();
    const p2 = get(w);
    expect(p2).not.toBeNull();
    expect(p2).not.toBe(p);
  });
});

describe('data choices: allocation failure and E3 lock timeout', () => {
  it.each(ERAS)('%s: a failing GFP_ATOMIC allocation gives NULL from get and -ENOMEM from update', (era) => {
    const w = makeWorld({ era, isAllocFailurePossible: true }, () => 1);
    expect(get(w)).toBeNull();
    expect(runOp(w.k, w.user, cgrpStorageUpdateElem(w.k, w.user, w.map, w.fd, [1], BPF_ANY))).toEqual(
      err(ENOMEM),
    );
    expect(w.k.localStorages.selems.size).toBe(0);
  });

  it('E3: a contended owner lock may time out; the create returns NULL and records -ETIMEDOUT', () => {
    const w = makeWorld({ era: 'E3', isLockTimeoutPossible: true }, () => 1);
    get(w, w.map2);
    const s = w.k.localStorages.storage(w.k.cgroups.get(w.cg).bpfCgrpStorage!);
    w.k.locks.acquire(s.lock, w.b.id, w.b.cpu);
    expect(get(w)).toBeNull();
    expect(w.k.observations.filter((o) => o.kind === 'lock-fail')).toEqual([
      { kind: 'lock-fail', actor: w.a.id, lock: s.lock, errno: ETIMEDOUT },
    ]);
    w.k.locks.release(s.lock, w.b.id);
    expect(get(w)).not.toBeNull();
  });

  it('E1: the same contention just waits (raw spinlock, no timeout)', () => {
    const w = makeWorld({ era: 'E1', isLockTimeoutPossible: true }, () => 1);
    get(w, w.map2);
    const s = w.k.localStorages.storage(w.k.cgroups.get(w.cg).bpfCgrpStorage!);
    w.k.locks.acquire(s.lock, w.b.id, w.b.cpu);
    expect(() => get(w)).toThrow('A: blocked at lock owner lock');
  });
});
