import { describe, expect, it } from 'vitest';
import { cgrpStorageMapCreate } from '../../../model/cgrpStorage/cgrpStorageMap.js';
import { EEXIST, ENOENT } from '../../../model/core/errno.js';
import { asMapId, asObjId } from '../../../model/core/ids.js';
import {
  BPF_ANY,
  BPF_EXIST,
  BPF_F_LOCK,
  BPF_NOEXIST,
  bpfLocalStorageFree,
  bpfSelemAlloc,
  bpfSelemFree,
  checkFlags,
  copyMapValue,
  selectBucket,
  smapOf,
} from '../../../model/localStorage/localStorage.js';
import { makeWorld } from '../world.js';

describe('bpf_local_storage basics (kernel/bpf/bpf_local_storage.c)', () => {
  it('smapOf refuses a map that is not BPF_MAP_TYPE_CGRP_STORAGE (a model bug)', () => {
    const w = makeWorld();
    expect(smapOf(w.k, w.map).name).toBe('m1');
    expect(() => smapOf(w.k, asMapId(99))).toThrow('map 99 is not a cgrp_storage map');
  });

  it('select_bucket is hash_32(ptr, bucket_log): the golden-ratio multiply, top bits', () => {
    const w = makeWorld();
    const two = smapOf(w.k, w.map);
    expect(two.buckets.length).toBe(2);
    expect([1, 2, 3, 1_000_001, 2_000_005].map((key) => selectBucket(two, asObjId(key)))).toEqual([
      0, 1, 0, 0, 1,
    ]);
    const w4 = makeWorld({ cpus: 4 });
    const r = cgrpStorageMapCreate(w4.k, { name: 'm4', valueSize: 8 });
    if (!r.ok) throw new Error('create');
    const four = smapOf(w4.k, r.value);
    expect(four.buckets.length).toBe(4);
    expect([1, 2, 3, 1_000_001, 2_000_005].map((key) => selectBucket(four, asObjId(key)))).toEqual([
      1, 3, 0, 1, 3,
    ]);
  });

  it('copy_map_value copies every slot but the bpf_spin_lock one; missing source slots read 0', () => {
    const w = makeWorld();
    const withLock = smapOf(w.k, w.map2);
    const dst = [7, 7, 7];
    copyMapValue(withLock, dst, [1, 2]);
    expect(dst).toEqual([7, 2, 0]);
    const plain = [7, 7];
    copyMapValue(smapOf(w.k, w.map), plain, [1, 2, 3]);
    expect(plain).toEqual([1, 2]);
  });

  it('check_flags: NOEXIST on an element → -EEXIST, EXIST on none → -ENOENT; BPF_F_LOCK is ignored', () => {
    const e = asObjId(5);
    expect([
      checkFlags(e, BPF_NOEXIST),
      checkFlags(e, BPF_NOEXIST | BPF_F_LOCK),
      checkFlags(null, BPF_EXIST),
      checkFlags(null, BPF_EXIST | BPF_F_LOCK),
      checkFlags(e, BPF_EXIST),
      checkFlags(null, BPF_NOEXIST),
      checkFlags(e, BPF_ANY),
      checkFlags(null, BPF_ANY | BPF_F_LOCK),
    ]).toEqual([EEXIST, EEXIST, ENOENT, ENOENT, 0, 0, 0, 0]);
  });

  it('bpf_selem_alloc: an unlinked element, zeroed or copied, with its own bpf_spin_lock when the value has one', () => {
    const w = makeWorld();
    const sel = bpfSelemAlloc(w.k, w.a, smapOf(w.k, w.map2), w.cg, [9, 8, 7])!;
    expect(sel).toStrictEqual({
      obj: sel.obj,
      map: w.map2,
      cgroup: w.cg,
      smap: w.map2,
      storage: null,
      home: null,
      isInStorage: false,
      isInMap: false,
      bucket: -1,
      state: 0,
      nofailInFlight: 0,
      spinLock: sel.spinLock,
    });
    expect(w.k.memory.get(sel.obj)).toMatchObject({ kind: 'selem', label: 'selem m2/cg', data: [0, 8, 7] });
    expect(w.k.locks.get(sel.spinLock!)).toMatchObject({
      cls: 'value_spin_lock',
      label: `bpf_spin_lock of selem ${sel.obj}`,
    });
    const plain = bpfSelemAlloc(w.k, w.a, smapOf(w.k, w.map), w.cg2, undefined)!;
    expect(plain.spinLock).toBeNull();
    expect(w.k.memory.get(plain.obj).data).toEqual([0, 0]);
    expect(w.k.localStorages.selem(plain.obj)).toBe(plain);
  });

  it('bpf_selem_alloc fails (NULL, -ENOMEM for the caller) when the allocation fails', () => {
    const w = makeWorld({ isAllocFailurePossible: true }, () => 1);
    expect(bpfSelemAlloc(w.k, w.a, smapOf(w.k, w.map), w.cg, undefined)).toBeNull();
    expect(w.k.memory.liveOf('selem')).toEqual([]);
  });

  it('bpf_selem_free: reuse_now waits for a plain grace period, otherwise for RCU tasks trace; the callback frees the element', () => {
    const w = makeWorld();
    const smap = smapOf(w.k, w.map);
    const a = bpfSelemAlloc(w.k, w.a, smap, w.cg, undefined)!;
    const b = bpfSelemAlloc(w.k, w.a, smap, w.cg, undefined)!;
    bpfSelemFree(w.k, w.a, a, true);
    bpfSelemFree(w.k, w.a, b, false);
    expect(w.k.rcu.queue.map((c) => [c.label, c.flavour, c.objs])).toEqual([
      [`bpf_selem_free(${a.obj})`, 'rcu', [a.obj, smap.obj]],
      [`bpf_selem_free(${b.obj})`, 'tasks_trace', [b.obj, smap.obj]],
    ]);
    w.k.rcu.invoke(0);
    expect(w.k.memory.get(a.obj)).toMatchObject({ state: 'freed', freedBy: 'A bpf_selem_free' });
  });

  it('E3: the free callback reads the map (bpf_obj_free_fields) unless the nofail unlink cleared sdata.smap', () => {
    const w = makeWorld({ era: 'E3' });
    const smap = smapOf(w.k, w.map);
    const a = bpfSelemAlloc(w.k, w.a, smap, w.cg, undefined)!;
    const b = bpfSelemAlloc(w.k, w.a, smap, w.cg, undefined)!;
    b.smap = null;
    bpfSelemFree(w.k, w.a, a, true);
    bpfSelemFree(w.k, w.a, b, true);
    w.k.memory.free(smap.obj, 'kworker map_free');
    w.k.rcu.invoke(0);
    w.k.rcu.invoke(0);
    expect(w.k.memory.faults).toEqual([
      {
        kind: 'use-after-free',
        obj: smap.obj,
        label: 'map m1',
        by: 'bpf_selem_free_rcu: smap->map.record',
        freedBy: 'kworker map_free',
      },
    ]);
  });

  it('E1: the free callback does not read the map', () => {
    const w = makeWorld({ era: 'E1' });
    const smap = smapOf(w.k, w.map);
    bpfSelemFree(w.k, w.a, bpfSelemAlloc(w.k, w.a, smap, w.cg, undefined)!, true);
    w.k.memory.free(smap.obj, 'kworker map_free');
    w.k.rcu.invoke(0);
    expect(w.k.memory.faults).toEqual([]);
  });

  it('bpf_local_storage_free: kfree_rcu with reuse_now, else after RCU tasks trace', () => {
    const w = makeWorld();
    const s = { obj: asObjId(1_000_500) } as Parameters<typeof bpfLocalStorageFree>[2];
    w.k.memory.alloc(s.obj, 'local_storage', 'storage cg');
    bpfLocalStorageFree(w.k, w.a, s, true);
    bpfLocalStorageFree(w.k, w.a, s, false);
    expect(w.k.rcu.queue.map((c) => [c.label, c.flavour, c.objs])).toEqual([
      ['bpf_local_storage_free(1000500)', 'rcu', [1_000_500]],
      ['bpf_local_storage_free(1000500)', 'tasks_trace', [1_000_500]],
    ]);
    w.k.rcu.invoke(0);
    expect(w.k.memory.get(s.obj).freedBy).toBe('A bpf_local_storage_free');
  });
});
