import { describe, expect, it } from 'vitest';
import {
  BPF_LOCAL_STORAGE_GET_F_CREATE,
  cgrpStorageDelete,
  cgrpStorageGet,
} from '../../model/cgrpStorage/cgrpStorage.js';
import { createNoLockWhileBusy, NO_LOCK_WHILE_BUSY } from '../../properties/noLockWhileBusy.js';
import { inRcu, runOp } from '../model/driver.js';
import { makeWorld } from '../model/world.js';
import { endOf, era } from './fixture.js';

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

  it('is violated by a helper lock taken while another context holds the counter (built by hand)', () => {
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
    });
    expect(endOf(w.k, createNoLockWhileBusy())).toEqual({
      invariant: NO_LOCK_WHILE_BUSY,
      message: `bpf_cgrp_storage_delete on A took owner lock of cg (1000002) while cpu0's bpf_cgrp_storage_busy was 2 and the helper did not hold it: a helper may take a storage lock only under its own hold of the counter, with no other context on the CPU holding it`,
    });
  });
});
