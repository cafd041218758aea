/**
 * no-leak case by case on kernels changed by hand: an element linked on one side
 * only, an owner storage with an empty list, what a freed cgroup or map may not
 * keep once the queues drained, the E3 exemption, and deprecated storages.
 */
import { describe, expect, it } from 'vitest';
import {
  bpfCgroupStorageAlloc,
  cgroupStorageMapAlloc,
  cgroupStorageMapOf,
} from '../../model/cgroupStorage/cgroupStorage.js';
import type { ObjId } from '../../model/core/ids.js';
import { smapOf, unlinkMapNolock } from '../../model/localStorage/localStorage.js';
import { createNoLeak } from '../../properties/noLeak.js';
import { create, era, makeWorld, type World } from './fixture.js';

const leak = (w: World) => createNoLeak().checkEnd?.(w.k)?.message;
/** Queues an RCU callback that frees `objs` (nothing runs it). */
const queueFree = (w: World, ...objs: ObjId[]) =>
  w.k.rcu.queue.push({ label: 'free', flavour: 'rcu', readers: [], run: () => {}, objs });
/** cg's element of m1 and its owner storage. */
function element(w: World) {
  const elem = create(w, w.a)!;
  const sel = w.k.localStorages.selem(elem);
  return { elem, sel, storage: w.k.localStorages.storage(sel.storage!) };
}

describe('no-leak: elements', () => {
  it('is violated by a live element on only one of its lists, unless its free is queued', () => {
    const w = makeWorld();
    const { sel } = element(w);
    unlinkMapNolock(smapOf(w.k, w.map).buckets[sel.bucket]!, sel);
    expect(leak(w)).toBe(
      'element 1000001 of map m1 for cgroup cg is allocated, only on its owner list, and no free is queued for it',
    );
    queueFree(w, sel.obj);
    expect(leak(w)).toBeUndefined();
    const w2 = makeWorld();
    const e2 = element(w2);
    e2.sel.isInStorage = false;
    e2.storage.list.splice(0, 1);
    create(w2, w2.a, w2.map2);
    expect(leak(w2)).toBe(
      'element 1000001 of map m1 for cgroup cg is allocated, only in a bucket, and no free is queued for it',
    );
  });

  it('E3: a half-linked element stays reachable while its cgroup (owner side) or map (bucket side) lives', () => {
    const w = makeWorld(era('E3'));
    const { sel } = element(w);
    sel.isInMap = false;
    expect(leak(w)).toBeUndefined();
    w.k.cgroups.get(w.cg).state = 'freed';
    expect(leak(w)).toBe(
      'element 1000001 of map m1 for cgroup cg is still allocated though its cgroup is freed and nothing is pending',
    );
    const w2 = makeWorld(era('E3'));
    const e2 = element(w2);
    e2.sel.isInStorage = false;
    create(w2, w2.a, w2.map2);
    expect(leak(w2)).toBeUndefined();
    w2.k.memory.free(w2.k.maps.get(w2.map)!.obj, 'test');
    expect(leak(w2)).toBe(
      'element 1000001 of map m1 for cgroup cg is still allocated though its map is freed and nothing is pending',
    );
  });

  it('a linked element of a freed cgroup or map is a leak only once the queues drained', () => {
    const w = makeWorld();
    element(w);
    w.k.memory.free(w.k.maps.get(w.map)!.obj, 'test');
    expect(leak(w)).toBe(
      'element 1000001 of map m1 for cgroup cg is still allocated though its map is freed and nothing is pending',
    );
    queueFree(w);
    expect(leak(w)).toBeUndefined();
    const w2 = makeWorld();
    element(w2);
    w2.k.cgroups.get(w2.cg).state = 'freed';
    expect(leak(w2)).toBe(
      'element 1000001 of map m1 for cgroup cg is still allocated though its cgroup is freed and nothing is pending',
    );
    w2.k.work.items.push({ label: 'w', run: () => {} } as never);
    expect(leak(w2)).toBeUndefined();
  });

  it('a freed element is no leak, whatever its flags say', () => {
    const w = makeWorld();
    const { sel } = element(w);
    sel.isInMap = false;
    sel.isInStorage = false;
    w.k.memory.free(sel.obj, 'test');
    create(w, w.a, w.map2);
    expect(leak(w)).toBeUndefined();
  });
});

describe('no-leak: owner storages', () => {
  it('is violated by a live storage with an empty list and no free queued', () => {
    const w = makeWorld();
    const { sel, storage } = element(w);
    storage.list.splice(0, 1);
    w.k.memory.free(sel.obj, 'test');
    expect(leak(w)).toBe(
      'the bpf_local_storage 1000002 of cgroup cg is allocated with an empty list and no free queued',
    );
    queueFree(w, storage.obj);
    expect(leak(w)).toBeUndefined();
  });

  it("is violated by a freed cgroup's storage still allocated once the queues drained", () => {
    const w = makeWorld(era('E3'));
    const { sel, storage } = element(w);
    w.k.memory.free(sel.obj, 'test');
    w.k.cgroups.get(w.cg).state = 'freed';
    expect(leak(w)).toBe(
      'the bpf_local_storage 1000002 of cgroup cg is still allocated though the cgroup is freed',
    );
    w.k.memory.free(storage.obj, 'test');
    expect(leak(w)).toBeUndefined();
  });
});

describe('no-leak: deprecated storages', () => {
  it('a storage and its buffers are leaks unless linked in a map or queued for free', () => {
    for (const mapType of ['cgroup_storage', 'percpu_cgroup_storage'] as const) {
      const w = makeWorld();
      const r = cgroupStorageMapAlloc(w.k, { name: 'cs', mapType, keySize: 16, valueSize: 8 });
      if (!r.ok) throw new Error('map');
      const m = cgroupStorageMapOf(w.k, r.value);
      const s = bpfCgroupStorageAlloc(w.k, w.user, m);
      if (!s.ok) throw new Error('alloc');
      const bufs = s.value.buf === null ? s.value.percpuBufs : [s.value.buf];
      const first = w.k.memory.get(s.value.obj);
      expect(leak(w)).toBe(
        `${first.label} ${s.value.obj} is allocated but linked in no map and no free is queued for it`,
      );
      m.list.push(s.value);
      expect([mapType, leak(w)]).toEqual([mapType, undefined]);
      m.list.pop();
      queueFree(w, s.value.obj, ...bufs);
      expect([mapType, leak(w)]).toEqual([mapType, undefined]);
      w.k.rcu.queue.length = 0;
      w.k.memory.free(s.value.obj, 'test');
      const buf = w.k.memory.get(bufs[0]!);
      expect(leak(w)).toBe(
        `${buf.label} ${bufs[0]} is allocated but linked in no map and no free is queued for it`,
      );
    }
  });
});
