import { describe, expect, it } from 'vitest';
import { cgroupStorageMapAlloc } from '../../../model/cgroupStorage/cgroupStorage.js';
import { asObjId } from '../../../model/core/ids.js';
import { objectName } from '../../../model/kernel/objectName.js';
import { smapOf } from '../../../model/localStorage/localStorage.js';
import { makeWorld } from '../world.js';

describe('objectName: what an abstract object id stands for, in traces', () => {
  it('memory objects and locks by their label; the RCU queue, the workqueue and each CPU busy counter by role', () => {
    const w = makeWorld();
    const { k } = w;
    const locks = [...k.locks.locks.keys()];
    expect(objectName(k, k.cgroups.get(w.cg).obj)).toBe('cgroup cg');
    expect(objectName(k, smapOf(k, w.map).obj)).toBe('map m1');
    expect(locks.map((l) => objectName(k, l))).toEqual([
      'lock cgroup_mutex',
      'lock m1 bucket 0',
      'lock m1 bucket 1',
      'lock m2 bucket 0',
      'lock m2 bucket 1',
    ]);
    expect(objectName(k, k.rcuObj)).toBe('RCU grace period');
    expect(objectName(k, k.work.obj)).toBe('workqueue');
    expect(objectName(k, k.cpus[0]!.busyObj)).toBe('bpf_cgrp_storage_busy cpu0');
    expect(objectName(k, k.cpus[1]!.busyObj)).toBe('bpf_cgrp_storage_busy cpu1');
  });

  it("a cgroup's refcount, its refcount mode (percpu_ref_kill) and its cgroup_bpf have ids of their own", () => {
    const w = makeWorld();
    const { k } = w;
    const cg2 = k.cgroups.get(w.cg2);
    expect(objectName(k, cg2.refObj)).toBe('cgroup cg2 refcnt');
    expect(objectName(k, cg2.dyingObj)).toBe('cgroup cg2 refcnt mode');
    expect(objectName(k, cg2.bpfObj)).toBe('cgroup cg2 bpf (effective programs)');
  });

  it("a bucket's list is named by its map and index (2 buckets on 2 CPUs), apart from the bucket lock", () => {
    const w = makeWorld();
    const { k } = w;
    const m1 = smapOf(k, w.map);
    const m2 = smapOf(k, w.map2);
    expect(m2.buckets.length).toBe(2);
    expect([...m1.buckets, ...m2.buckets].map((b) => objectName(k, b.obj))).toEqual([
      'm1 bucket 0 list',
      'm1 bucket 1 list',
      'm2 bucket 0 list',
      'm2 bucket 1 list',
    ]);
  });

  it('an id the model does not know has no name, also when a deprecated map (no buckets) comes last', () => {
    const w = makeWorld();
    const old = cgroupStorageMapAlloc(w.k, {
      name: 'old',
      mapType: 'cgroup_storage',
      keySize: 8,
      valueSize: 8,
    });
    expect(old.ok).toBe(true);
    expect(objectName(w.k, asObjId(123_456_789))).toBeUndefined();
    expect(objectName(w.k, asObjId(-5))).toBeUndefined();
  });
});
