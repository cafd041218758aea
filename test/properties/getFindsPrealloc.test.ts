import { describe, expect, it } from 'vitest';
import { cgrpStorageGet } from '../../model/cgrpStorage/cgrpStorage.js';
import { cgrpStorageUpdateElem } from '../../model/cgrpStorage/cgrpStorageSyscall.js';
import { EINVAL } from '../../model/core/errno.js';
import type { CgroupId, ObjId } from '../../model/core/ids.js';
import { runToCompletion } from '../../model/core/step.js';
import type { Actor } from '../../model/kernel/kernel.js';
import { BPF_ANY } from '../../model/localStorage/localStorage.js';
import { busyLock } from '../../model/localStorage/localStorageLock.js';
import { createGetFindsPrealloc } from '../../properties/getFindsPrealloc.js';
import { inRcu, runOp } from '../model/driver.js';
import { endOf, era, makeWorld, type World } from './fixture.js';

/** BPF_MAP_UPDATE_ELEM(m1, cg) by `actor`; its result. */
const update = (w: World, actor: Actor, flags = BPF_ANY) =>
  runOp(w.k, actor, cgrpStorageUpdateElem(w.k, actor, w.map, w.fd, [1, 2], flags));
const get = (w: World, cg: CgroupId = w.cg, flags = 0): ObjId | null =>
  runOp(w.k, w.a, inRcu(w.k, w.a, cgrpStorageGet(w.k, w.a, w.map, cg, undefined, flags)));
/** E1: a syscall preempted on CPU 0 while it holds bpf_cgrp_storage_busy, so A's gets there are NULL. */
const holdBusy = (w: World): void => runToCompletion(busyLock(w.k, w.user));
const verdict = (w: World) => endOf(w.k, createGetFindsPrealloc())?.message;

describe('get-finds-prealloc (difference 3)', () => {
  it('holds: storage the setup actor pre-allocated is found by get(0) and get(F_CREATE)', () => {
    const w = makeWorld(era('E1'));
    expect(update(w, w.k.setupActor)).toEqual({ ok: true, value: 0 });
    // The setup actor allocates from the low ids: element 19.
    expect([get(w), get(w, w.cg, 1)]).toEqual([19, 19]);
    expect(verdict(w)).toBeUndefined();
  });

  it('is violated in E1 by a get that a busy CPU makes NULL on pre-allocated storage', () => {
    const w = makeWorld(era('E1'));
    update(w, w.k.setupActor);
    holdBusy(w);
    expect(get(w, w.cg, 1)).toBeNull();
    expect(verdict(w)).toBe(
      'bpf_cgrp_storage_get(m1, cg, flags 1) on A returned NULL though userspace pre-allocated that storage at setup and nothing removed it',
    );
  });

  it('makes no claim for storage a later userspace thread (not setup) created, for a failed update, or for another cgroup', () => {
    for (const setup of ['user', 'failed', 'other-cgroup'] as const) {
      const w = makeWorld(era('E1'));
      if (setup === 'user') update(w, w.user);
      if (setup === 'failed') expect(update(w, w.k.setupActor, 3)).toEqual({ ok: false, errno: EINVAL });
      if (setup === 'other-cgroup') update(w, w.k.setupActor);
      holdBusy(w);
      expect(get(w, setup === 'other-cgroup' ? w.cg2 : w.cg)).toBeNull();
      expect([setup, verdict(w)]).toEqual([setup, undefined]);
    }
  });

  it('excuses a NULL once something may have removed the element: an unlink, the cgroup free, map_free', () => {
    const removals = [
      (w: World) =>
        w.k.observe({ kind: 'selem-unlink', actor: w.b.id, obj: 2000001 as ObjId, map: w.map, cgroup: w.cg }),
      (w: World) => w.k.observe({ kind: 'cgroup-free', actor: w.kw.id, cgroup: w.cg }),
      (w: World) => w.k.observe({ kind: 'map-free', actor: w.kw.id, map: w.map }),
    ];
    for (const [i, remove] of removals.entries()) {
      const w = makeWorld(era('E1'));
      update(w, w.k.setupActor);
      holdBusy(w);
      get(w);
      expect(verdict(w)).toBeDefined();
      remove(w);
      expect([i, verdict(w)]).toEqual([i, undefined]);
    }
  });

  it('removals of another map or cgroup excuse nothing', () => {
    const w = makeWorld(era('E1'));
    update(w, w.k.setupActor);
    holdBusy(w);
    get(w);
    w.k.observe({ kind: 'selem-unlink', actor: w.b.id, obj: 2000001 as ObjId, map: w.map2, cgroup: w.cg });
    w.k.observe({ kind: 'selem-unlink', actor: w.b.id, obj: 2000001 as ObjId, map: w.map, cgroup: w.cg2 });
    w.k.observe({ kind: 'cgroup-free', actor: w.kw.id, cgroup: w.cg2 });
    w.k.observe({ kind: 'map-free', actor: w.kw.id, map: w.map2 });
    expect(verdict(w)).toBe(
      'bpf_cgrp_storage_get(m1, cg, flags 0) on A returned NULL though userspace pre-allocated that storage at setup and nothing removed it',
    );
  });
});
