import { describe, expect, it } from 'vitest';
import {
  cgrpStorageGet,
  BPF_LOCAL_STORAGE_GET_F_CREATE as F_CREATE,
} from '../../../model/cgrpStorage/cgrpStorage.js';
import type { KernelEra } from '../../../model/core/era.js';
import type { MapId } from '../../../model/core/ids.js';
import {
  bpfSelemUnlinkE3,
  bpfSelemUnlinkE12,
  cgroupStorageLookup,
  smapOf,
} from '../../../model/localStorage/localStorage.js';
import { inRcu, runOp } from '../driver.js';
import { makeWorld } from '../world.js';

function world(era: KernelEra) {
  const w = makeWorld({ era });
  const create = (map: MapId) =>
    runOp(w.k, w.a, inRcu(w.k, w.a, cgrpStorageGet(w.k, w.a, map, w.cg, undefined, F_CREATE)))!;
  const p = create(w.map);
  const q = create(w.map2);
  const c = w.k.cgroups.get(w.cg);
  const s = w.k.localStorages.storage(c.bpfCgrpStorage!);
  const sel = w.k.localStorages.selem(p);
  const b = smapOf(w.k, w.map).buckets[sel.bucket]!;
  return { ...w, p, q, c, s, sel, b };
}

const rd = (obj: number) => ({ kind: 'read', obj });
const wr = (obj: number) => ({ kind: 'write', obj });
const acq = (obj: number) => ({ kind: 'acquire', obj });
const rel = (obj: number) => ({ kind: 'release', obj });

describe('cgroup_storage_lookup and bpf_local_storage_lookup (kernel/bpf/bpf_cgrp_storage.c)', () => {
  it.each(['E1', 'E3'] as const)(
    '%s: reads cgroup->bpf_cgrp_storage, then the storage; a list hit fills the cache under the owner lock',
    (era) => {
      const w = world(era);
      expect(w.s.cache[smapOf(w.k, w.map).cacheIdx]).toBeNull();
      const steps = [...cgroupStorageLookup(w.k, w.a, smapOf(w.k, w.map), w.cg, true)];
      const lockStep =
        era === 'E1'
          ? {
              label: 'lock owner lock of cg (1000002)',
              accesses: [acq(w.s.lock), wr(w.s.obj)],
              blocker: { kind: 'lock', lock: w.s.lock },
            }
          : {
              label: 'raw_res_spin_lock owner lock of cg (1000002)',
              accesses: [acq(w.s.lock), rd(w.s.lock), wr(w.s.obj)],
              blocker: { kind: 'lock', lock: w.s.lock, isRqspinlock: true, isTimeoutPossible: false },
            };
      expect(steps).toStrictEqual([
        { label: 'rcu_dereference(cg->bpf_cgrp_storage)', accesses: [rd(w.c.obj)] },
        { label: 'bpf_local_storage_lookup(m1)', accesses: [rd(w.s.obj)] },
        lockStep,
        { label: 'unlock owner lock of cg (1000002)', accesses: [rel(w.s.lock)] },
      ]);
      expect(w.s.cache[smapOf(w.k, w.map).cacheIdx]).toBe(w.p);
      // A cache hit takes no lock.
      expect([...cgroupStorageLookup(w.k, w.a, smapOf(w.k, w.map), w.cg, true)].length).toBe(2);
    },
  );

  it('without cacheit a list hit leaves the cache alone; a cgroup without storage is NULL after one step', () => {
    const w = world('E1');
    expect([...cgroupStorageLookup(w.k, w.a, smapOf(w.k, w.map2), w.cg, false)].length).toBe(2);
    expect(w.s.cache).toEqual(new Array(16).fill(null));
    const none = cgroupStorageLookup(w.k, w.a, smapOf(w.k, w.map), w.cg2, true);
    const steps = [];
    let r = none.next();
    while (!r.done) {
      steps.push(r.value.label);
      r = none.next();
    }
    expect(steps).toEqual(['rcu_dereference(cg2->bpf_cgrp_storage)']);
    expect(r.value).toBeNull();
  });
});

describe('bpf_selem_unlink', () => {
  it('E1/E2: the bucket side under the bucket lock, then the owner side under the owner lock; freed after a plain grace period (reuse_now)', () => {
    const w = world('E1');
    const steps = [...bpfSelemUnlinkE12(w.k, w.a, w.sel, true)];
    expect(steps).toStrictEqual([
      { label: 'selem_linked_to_map_lockless', accesses: [rd(w.b.obj)] },
      {
        label: 'lock m1 bucket 0',
        accesses: [acq(w.b.lock), wr(w.b.obj)],
        blocker: { kind: 'lock', lock: w.b.lock },
      },
      { label: 'unlock m1 bucket 0', accesses: [rel(w.b.lock)] },
      { label: 'selem_linked_to_storage_lockless', accesses: [rd(w.s.obj)] },
      {
        label: 'lock owner lock of cg (1000002)',
        accesses: [acq(w.s.lock), wr(w.s.obj), wr(w.c.obj)],
        blocker: { kind: 'lock', lock: w.s.lock },
      },
      {
        label: 'unlock owner lock of cg (1000002)',
        accesses: [rel(w.s.lock), rel(w.k.rcuObj), rd(w.k.rcuOpenObj), rd(w.k.rcuCloseObj)],
      },
    ]);
    expect(w.s.list).toEqual([w.q]);
    expect(w.b.list).toEqual([]);
    expect([w.sel.isInMap, w.sel.isInStorage]).toEqual([false, false]);
    expect(w.k.rcu.queue.map((c) => [c.label, c.flavour])).toEqual([[`bpf_selem_free(${w.p})`, 'rcu']]);
    expect(w.s.owner).toBe(w.cg);
  });

  it('E1/E2: unlinking an element already unlinked takes no lock', () => {
    const w = world('E1');
    runOp(w.k, w.a, bpfSelemUnlinkE12(w.k, w.a, w.sel, false));
    expect(w.k.rcu.queue.map((c) => c.flavour)).toEqual(['tasks_trace']);
    expect([...bpfSelemUnlinkE12(w.k, w.a, w.sel, false)].map((s) => s.label)).toEqual([
      'selem_linked_to_map_lockless',
      'selem_linked_to_storage_lockless',
    ]);
  });

  it('E1/E2: the last element clears local_storage->owner and cgroup->bpf_cgrp_storage, and the storage is freed too', () => {
    const w = world('E1');
    runOp(w.k, w.a, bpfSelemUnlinkE12(w.k, w.a, w.sel, true));
    runOp(w.k, w.a, bpfSelemUnlinkE12(w.k, w.a, w.k.localStorages.selem(w.q), true));
    expect(w.s.owner).toBeNull();
    expect(w.c.bpfCgrpStorage).toBeNull();
    expect(w.k.rcu.queue.map((c) => [c.label, c.flavour])).toEqual([
      [`bpf_selem_free(${w.p})`, 'rcu'],
      [`bpf_selem_free(${w.q})`, 'rcu'],
      [`bpf_local_storage_free(${w.s.obj})`, 'rcu'],
    ]);
  });

  it('E3: owner lock, then bucket lock (rqspinlocks); freed after RCU tasks trace', () => {
    const w = world('E3');
    const r = bpfSelemUnlinkE3(w.k, w.a, w.sel);
    const steps = [];
    let x = r.next();
    while (!x.done) {
      steps.push(x.value);
      x = r.next();
    }
    expect(x.value).toEqual({ ok: true, value: 0 });
    expect(steps.map((s) => [s.label, s.accesses])).toStrictEqual([
      ['selem_linked_to_storage_lockless', [rd(w.s.obj)]],
      ['raw_res_spin_lock owner lock of cg (1000002)', [acq(w.s.lock), rd(w.s.lock), wr(w.s.obj)]],
      [`raw_res_spin_lock m1 bucket ${w.sel.bucket}`, [acq(w.b.lock), rd(w.b.lock), wr(w.b.obj)]],
      [`unlock m1 bucket ${w.sel.bucket}`, [rel(w.b.lock), wr(w.s.obj), wr(w.c.obj)]],
      [
        'unlock owner lock of cg (1000002)',
        [rel(w.s.lock), rel(w.k.rcuObj), rd(w.k.rcuOpenObj), rd(w.k.rcuCloseObj)],
      ],
    ]);
    expect(w.k.rcu.queue.map((c) => [c.label, c.flavour])).toEqual([
      [`bpf_selem_free(${w.p})`, 'tasks_trace'],
    ]);
    expect(runOp(w.k, w.a, bpfSelemUnlinkE3(w.k, w.a, w.sel))).toEqual({ ok: true, value: 0 });
    runOp(w.k, w.a, bpfSelemUnlinkE3(w.k, w.a, w.k.localStorages.selem(w.q)));
    expect(w.c.bpfCgrpStorage).toBeNull();
    expect(w.k.rcu.queue.map((c) => c.label).at(-1)).toBe(`bpf_local_storage_free(${w.s.obj})`);
  });
});
