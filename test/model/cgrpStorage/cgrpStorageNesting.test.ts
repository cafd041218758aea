/** Tracing programs nested inside storage code on the same CPU (KERNEL-SEMANTICS section 2, same-CPU recursion). */
import { describe, expect, it } from 'vitest';
import {
  cgrpStorageDelete,
  cgrpStorageGet,
  BPF_LOCAL_STORAGE_GET_F_CREATE as F_CREATE,
} from '../../../model/cgrpStorage/cgrpStorage.js';
import { cgrpStorageMapCreate } from '../../../model/cgrpStorage/cgrpStorageMap.js';
import { cgrpStorageUpdateElem } from '../../../model/cgrpStorage/cgrpStorageSyscall.js';
import { EDEADLK } from '../../../model/core/errno.js';
import type { MapId, ObjId } from '../../../model/core/ids.js';
import { step } from '../../../model/core/step.js';
import { BPF_ANY } from '../../../model/localStorage/localStorage.js';
import { attachProg, inRcu, runOp } from '../driver.js';
import { elemOf, makeWorld, type World } from '../world.js';

/** World plus a third map, with an element of map2 made before any program is attached. */
function nestingWorld(era: 'E1' | 'E2' | 'E3'): { w: World; m3: MapId; existing: ObjId } {
  const w = makeWorld({ era });
  const m3 = cgrpStorageMapCreate(w.k, { name: 'm3', valueSize: 8 });
  if (!m3.ok) throw new Error('create m3');
  runOp(w.k, w.user, cgrpStorageUpdateElem(w.k, w.user, w.map2, w.fd, [0, 1, 2], BPF_ANY));
  return { w, m3: m3.value, existing: elemOf(w, w.map2, w.cg)! };
}

describe('get(F_CREATE) nested in fentry/bpf_local_storage_update (selftest cgrp_ls_recursion)', () => {
  const run = (era: 'E1' | 'E2' | 'E3', nestedMap: (w: World, m3: MapId) => MapId) => {
    const { w, m3, existing } = nestingWorld(era);
    const seen: (ObjId | null)[] = [];
    attachProg(w.k, 'fentry/bpf_local_storage_update', function* (actor) {
      seen.push(yield* cgrpStorageGet(w.k, actor, w.map2, w.cg, undefined, 0));
      seen.push(yield* cgrpStorageGet(w.k, actor, nestedMap(w, m3), w.cg, undefined, F_CREATE));
    });
    const outer = runOp(
      w.k,
      w.a,
      inRcu(w.k, w.a, cgrpStorageGet(w.k, w.a, w.map, w.cg, undefined, F_CREATE)),
    );
    return { w, m3, existing, seen, outer };
  };

  it('E1: both nested helpers fail on the busy counter; the outer create succeeds', () => {
    const { w, seen, outer } = run('E1', (_w, m3) => m3);
    expect(seen).toEqual([null, null]);
    expect(outer).toBe(elemOf(w, w.map, w.cg));
    expect(w.k.cpus[0]!.busy).toBe(0);
  });

  it('E2: the nested plain lookup succeeds, the nested create fails', () => {
    const { w, m3, existing, seen, outer } = run('E2', (_w, m3) => m3);
    expect(seen).toEqual([existing, null]);
    expect(elemOf(w, m3, w.cg)).toBeNull();
    expect(outer).toBe(elemOf(w, w.map, w.cg));
  });

  it('E3: no lock is held at fentry, so the nested lookup and create both succeed', () => {
    const { w, m3, existing, seen, outer } = run('E3', (_w, m3) => m3);
    expect(seen).toEqual([existing, elemOf(w, m3, w.cg)]);
    expect(seen[1]).not.toBeNull();
    expect(outer).toBe(elemOf(w, w.map, w.cg));
  });

  it('E3, nested create on the same map: the nested one wins, the outer gets -EEXIST → NULL', () => {
    const { w, seen, outer } = run('E3', (w) => w.map);
    expect(seen[1]).toBe(elemOf(w, w.map, w.cg));
    expect(outer).toBeNull();
  });
});

describe('get(F_CREATE) nested inside the owner lock (fentry/cgroup_storage_ptr during a delete of the last element)', () => {
  it.each([
    ['E1', 0],
    ['E2', 0],
    ['E3', 1],
  ] as const)('%s: the nested get returns NULL without deadlock; lock failures: %i', (era, nLockFails) => {
    const w = makeWorld({ era });
    runOp(w.k, w.a, inRcu(w.k, w.a, cgrpStorageGet(w.k, w.a, w.map, w.cg, undefined, F_CREATE)));
    const seen: (ObjId | null)[] = [];
    attachProg(w.k, 'fentry/cgroup_storage_ptr', function* (actor) {
      seen.push(yield* cgrpStorageGet(w.k, actor, w.map2, w.cg, undefined, F_CREATE));
    });
    expect(runOp(w.k, w.a, inRcu(w.k, w.a, cgrpStorageDelete(w.k, w.a, w.map, w.cg)))).toBe(0);
    expect(seen).toEqual([null]);
    const fails = w.k.observations.filter((o) => o.kind === 'lock-fail');
    expect(fails).toHaveLength(nLockFails);
    if (era === 'E3') expect(fails[0]).toMatchObject({ actor: w.a.id, errno: EDEADLK });
    expect(w.k.cgroups.get(w.cg).bpfCgrpStorage).toBeNull();
    expect(w.k.locks.heldBy(w.a.id)).toEqual([]);
  });
});

describe('lookup hook points per era', () => {
  it.each([
    ['E1', 2, 0],
    ['E2', 0, 1],
    ['E3', 0, 1],
  ] as const)(
    '%s: fentry/bpf_local_storage_lookup fires %i times, fentry/__bpf_local_storage_insert_cache %i',
    (era, nLookup, nInsert) => {
      const w = makeWorld({ era });
      runOp(w.k, w.user, cgrpStorageUpdateElem(w.k, w.user, w.map, w.fd, [1], BPF_ANY));
      const fired: string[] = [];
      for (const hook of ['fentry/bpf_local_storage_lookup', 'fentry/__bpf_local_storage_insert_cache'])
        attachProg(w.k, hook, function* () {
          yield step(hook);
          fired.push(hook);
        });
      const getOnce = () =>
        runOp(w.k, w.a, inRcu(w.k, w.a, cgrpStorageGet(w.k, w.a, w.map, w.cg, undefined, 0)));
      expect(getOnce()).toBe(getOnce()); // the first fills the cache, the second hits it
      expect(fired.filter((h) => h.endsWith('_lookup'))).toHaveLength(nLookup);
      expect(fired.filter((h) => h.endsWith('_insert_cache'))).toHaveLength(nInsert);
    },
  );
});
