import { describe, expect, it } from 'vitest';
import {
  BPF_LOCAL_STORAGE_GET_F_CREATE,
  cgrpStorageDelete,
  cgrpStorageGet,
} from '../../model/cgrpStorage/cgrpStorage.js';
import { cgrpStorageLookupElem } from '../../model/cgrpStorage/cgrpStorageSyscall.js';
import { lockAcquire } from '../../model/sync/locks.js';
import { createNoLockWhileBusy, NO_LOCK_WHILE_BUSY } from '../../properties/noLockWhileBusy.js';
import { inRcu, runOp, start } from '../model/driver.js';
import { makeWorld } from '../model/world.js';
import { create, endOf, era } from './fixture.js';

describe('no-lock-while-busy (invariant 18, E1/E2)', () => {
  it.each(['E1', 'E2'] as const)(
    'holds in %s: get(F_CREATE) and delete lock only under their own hold',
    (e) => {
      const w = makeWorld(era(e));
      const get = cgrpStorageGet(w.k, w.a, w.map, w.cg, undefined, BPF_LOCAL_STORAGE_GET_F_CREATE);
      expect(runOp(w.k, w.a, inRcu(w.k, w.a, get))).not.toBeNull();
      expect(runOp(w.k, w.a, inRcu(w.k, w.a, cgrpStorageDelete(w.k, w.a, w.map, w.cg)))).toBe(0);
      const locks = w.k.observations.flatMap((o) =>
        o.kind === 'helper-lock' ? [[o.helper, o.cls, o.busy, o.holdsBusy]] : [],
      );
      expect(locks.length).toBeGreaterThan(0);
      expect(locks.every(([, , busy, holds]) => busy === 1 && holds === true)).toBe(true);
      expect(new Set(locks.map(([h]) => h))).toEqual(
        new Set(['bpf_cgrp_storage_get', 'bpf_cgrp_storage_delete']),
      );
      expect(endOf(w.k, createNoLockWhileBusy())).toBeUndefined();
    },
  );

  it('records nothing in E3, which has no counter', () => {
    const w = makeWorld(era('E3'));
    const get = cgrpStorageGet(w.k, w.a, w.map, w.cg, undefined, BPF_LOCAL_STORAGE_GET_F_CREATE);
    expect(runOp(w.k, w.a, inRcu(w.k, w.a, get))).not.toBeNull();
    expect(w.k.observations.some((o) => o.kind === 'helper-lock')).toBe(false);
  });

  it('holds when a preempted helper takes its lock while a syscall on the same CPU holds the counter too (busy reads 2)', () => {
    // A's get(F_CREATE) wins its trylock (busy 0 → 1) and is preempted; U's lookup
    // syscall on the same CPU takes the counter unconditionally (bpf_cgrp_storage_lock,
    // busy 1 → 2) and is preempted in turn; A resumes and links its new storage's
    // element under the map bucket's lock (a new owner storage is installed by cmpxchg).
    // Legal: the preempted syscall holds no raw spinlock, so nothing can deadlock.
    const w = makeWorld(era('E2'));
    const get = cgrpStorageGet(w.k, w.a, w.map, w.cg, undefined, BPF_LOCAL_STORAGE_GET_F_CREATE);
    const a = start(w.k, w.a, inRcu(w.k, w.a, get))
      .stepUntil('bpf_cgrp_storage_trylock')
      .step();
    const u = start(w.k, w.user, cgrpStorageLookupElem(w.k, w.user, w.map, w.fd, 0))
      .stepUntil('bpf_cgrp_storage_lock')
      .step();
    expect(w.k.cpus[0]!.busy).toBe(2);
    a.run();
    u.run();
    const locks = w.k.observations.flatMap((o) =>
      o.kind === 'helper-lock' ? [[o.cls, o.busy, o.holdsBusy]] : [],
    );
    expect(locks).toEqual([['bucket', 2, true]]);
    expect(endOf(w.k, createNoLockWhileBusy())).toBeUndefined();
  });

  it('is violated by a nested helper taking the owner lock its interrupted context holds (map_free without the busy guard)', () => {
    // Before c78f4afbd962, bpf_local_storage_map_free() unlinked under the owner lock
    // without holding the counter; a tracing program there whose get(F_CREATE) wins
    // the trylock then takes that same owner lock: a self-deadlock, reported at the attempt.
    const w = makeWorld({ ...era('E1'), isMapFreeBusyGuarded: false });
    expect(create(w, w.a)).not.toBeNull();
    const owner = w.k.localStorages.storage(w.k.cgroups.get(w.cg).bpfCgrpStorage!).lock;
    const nested = cgrpStorageGet(w.k, w.kw, w.map2, w.cg, undefined, BPF_LOCAL_STORAGE_GET_F_CREATE);
    const outer = start(w.k, w.kw, lockAcquire(w.k, w.kw, owner));
    outer.run();
    const inner = start(w.k, w.kw, inRcu(w.k, w.kw, nested));
    inner.runWhileReady();
    expect(inner.next?.label).toBe('lock owner lock of cg (1000002)');
    expect(endOf(w.k, createNoLockWhileBusy())).toEqual({
      invariant: NO_LOCK_WHILE_BUSY,
      message:
        "bpf_cgrp_storage_get on kworker takes owner lock of cg (1000002), which a context it interrupted on cpu0 holds: a self-deadlock on a raw spinlock (cpu0's bpf_cgrp_storage_busy is 1)",
    });
  });

  it('is violated by a helper lock taken without the helper holding the counter (built by hand)', () => {
    const w = makeWorld(era('E2'));
    const get = cgrpStorageGet(w.k, w.a, w.map, w.cg, undefined, BPF_LOCAL_STORAGE_GET_F_CREATE);
    expect(runOp(w.k, w.a, inRcu(w.k, w.a, get))).not.toBeNull();
    const owner = w.k.localStorages.storage(w.k.cgroups.get(w.cg).bpfCgrpStorage!).lock;
    w.k.observe({
      kind: 'helper-lock',
      actor: w.a.id,
      lock: owner,
      cls: 'owner',
      helper: 'bpf_cgrp_storage_delete',
      busy: 2,
      holdsBusy: false,
      isHeldByInterrupted: false,
    });
    expect(endOf(w.k, createNoLockWhileBusy())).toEqual({
      invariant: NO_LOCK_WHILE_BUSY,
      message: `bpf_cgrp_storage_delete on A took owner lock of cg (1000002) without holding cpu0's bpf_cgrp_storage_busy (it reads 2): a helper may take a storage lock only after its own trylock succeeded`,
    });
  });

  it('names the CPU of the helper that took the lock: B on cpu1 (built by hand)', () => {
    const w = makeWorld(era('E2'));
    const get = cgrpStorageGet(w.k, w.b, w.map, w.cg, undefined, BPF_LOCAL_STORAGE_GET_F_CREATE);
    expect(runOp(w.k, w.b, inRcu(w.k, w.b, get))).not.toBeNull();
    const owner = w.k.localStorages.storage(w.k.cgroups.get(w.cg).bpfCgrpStorage!).lock;
    w.k.observe({
      kind: 'helper-lock',
      actor: w.b.id,
      lock: owner,
      cls: 'owner',
      helper: 'bpf_cgrp_storage_get',
      busy: 1,
      holdsBusy: true,
      isHeldByInterrupted: true,
    });
    expect(endOf(w.k, createNoLockWhileBusy())?.message).toBe(
      "bpf_cgrp_storage_get on B takes owner lock of cg (2000002), which a context it interrupted on cpu1 holds: a self-deadlock on a raw spinlock (cpu1's bpf_cgrp_storage_busy is 1)",
    );
  });
});
