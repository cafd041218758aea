/**
 * The teardown properties case by case on kernels changed by hand: e3-single-free
 * (invariant 20), free-after-gp (invariant 5) and map-free-clean (invariant 9).
 */
import { describe, expect, it } from 'vitest';
import { cgroupBpfOf } from '../../model/cgroup/cgroupBpf.js';
import {
  bpfCgroupStorageAlloc,
  cgroupStorageMapAlloc,
  cgroupStorageMapOf,
} from '../../model/cgroupStorage/cgroupStorage.js';
import type { ObjId } from '../../model/core/ids.js';
import { smapOf } from '../../model/localStorage/localStorage.js';
import {
  SELEM_STORAGE_UNLINKED,
  SELEM_TOFREE,
  SELEM_UNLINKED,
} from '../../model/localStorage/localStorageState.js';
import { createE3SingleFree } from '../../properties/e3SingleFree.js';
import { createFreeAfterGracePeriod } from '../../properties/freeAfterGracePeriod.js';
import { createMapFreeClean, leftoverOfMap } from '../../properties/mapFreeClean.js';
import { create, era, makeWorld, type World } from './fixture.js';

function world(e: 'E1' | 'E2' | 'E3' = 'E3') {
  const w = makeWorld(era(e));
  const elem = create(w, w.a)!;
  const sel = w.k.localStorages.selem(elem);
  return { w, elem, sel, s: w.k.localStorages.storage(sel.storage!) };
}
const queueFree = (w: World, ...objs: ObjId[]) =>
  w.k.rcu.queue.push({ label: 'bpf_selem_free_rcu', flavour: 'rcu', readers: [], run: () => {}, objs });
const unlinkBoth = (w: World, sel: ReturnType<typeof world>['sel'], s: ReturnType<typeof world>['s']) => {
  const b = smapOf(w.k, sel.map).buckets[sel.bucket]!;
  b.list.splice(b.list.indexOf(sel.obj), 1);
  s.list.splice(s.list.indexOf(sel.obj), 1);
  sel.isInMap = false;
  sel.isInStorage = false;
};

describe('e3-single-free (invariant 20)', () => {
  it('only in E3: other eras have no nofail teardown', () => {
    const { w, sel } = world('E2');
    sel.state = SELEM_UNLINKED;
    w.k.memory.free(sel.obj, 'x');
    w.k.memory.free(sel.obj, 'y');
    expect(createE3SingleFree().checkEnd?.(w.k)).toBeUndefined();
  });

  it('a double free of an object that is no element is not its claim', () => {
    const { w, s } = world();
    w.k.memory.free(s.obj, 'x');
    w.k.memory.free(s.obj, 'y');
    expect(createE3SingleFree().checkStep?.(w.k)).toBeUndefined();
  });

  it('an element marked TOFREE but never freed is reported; one freed, or queued for free, is not', () => {
    const { w, sel } = world();
    const p = () => createE3SingleFree().checkEnd?.(w.k)?.message;
    sel.state = SELEM_STORAGE_UNLINKED;
    expect(p()).toBeUndefined();
    sel.state = SELEM_UNLINKED | SELEM_TOFREE;
    expect(p()).toBe(
      'element 1000001 of map m1 for cgroup cg ended with state 7 (marked TOFREE but never freed)',
    );
    queueFree(w, sel.obj);
    expect(p()).toBeUndefined();
    w.k.rcu.queue.length = 0;
    w.k.memory.free(sel.obj, 'x');
    expect(p()).toBeUndefined();
  });

  it('is violated by a cgroup freed while its storage is still pinned by map_free', () => {
    const { w, s } = world();
    const p = createE3SingleFree();
    s.ownerRefcnt = 2;
    w.k.observe({ kind: 'cgroup-free', actor: w.kw.id, cgroup: w.cg2 });
    expect(p.checkStep?.(w.k)).toBeUndefined();
    w.k.observe({ kind: 'cgroup-free', actor: w.kw.id, cgroup: w.cg });
    expect(p.checkStep?.(w.k)?.message).toBe(
      'cgroup cg was freed while its storage 1000002 had owner_refcnt 2: destroy must wait for map_free to drop its pin',
    );
    expect(p.checkStep?.(w.k)).toBeUndefined();
    s.ownerRefcnt = 0;
    w.k.observe({ kind: 'cgroup-free', actor: w.kw.id, cgroup: w.cg });
    expect(p.checkStep?.(w.k)).toBeUndefined();
  });
});

describe('free-after-gp (invariant 5)', () => {
  const freed = (p = createFreeAfterGracePeriod()) => p;

  it('is violated by an element freed while still in a bucket, or on a published owner list', () => {
    const a = world('E2');
    a.w.k.memory.free(a.elem, 'B bpf_selem_free');
    expect(freed().checkEnd?.(a.w.k)?.message).toBe(
      'element 1000001 of map m1 for cgroup cg was freed by B bpf_selem_free while still in a bucket of its map',
    );
    const b = world('E2');
    const bucket = smapOf(b.w.k, b.w.map).buckets[b.sel.bucket]!;
    bucket.list.splice(0, 1);
    b.sel.isInMap = false;
    b.w.k.memory.free(b.elem, 'B bpf_selem_free');
    expect(freed().checkEnd?.(b.w.k)?.message).toBe(
      "element 1000001 of map m1 for cgroup cg was freed by B bpf_selem_free while still on its owner's list",
    );
    b.w.k.cgroups.get(b.w.cg).bpfCgrpStorage = null;
    expect(freed().checkEnd?.(b.w.k)).toBeUndefined();
  });

  it('an element freed after its unlink with no reader open, or unlinked unseen at step time, is fine', () => {
    const { w, sel, s } = world('E2');
    const p = freed();
    unlinkBoth(w, sel, s);
    w.k.observe({ kind: 'selem-unlink', actor: w.b.id, obj: sel.obj, map: w.map, cgroup: w.cg });
    expect(p.checkStep?.(w.k)).toBeUndefined();
    w.k.memory.free(sel.obj, 'B bpf_selem_free');
    w.k.rcu.completed++;
    expect(p.checkStep?.(w.k)).toBeUndefined();
    const r = world('E2');
    unlinkBoth(r.w, r.sel, r.s);
    r.w.k.rcu.readLock(r.w.a.id);
    r.w.k.observe({ kind: 'selem-unlink', actor: r.w.b.id, obj: r.sel.obj, map: r.w.map, cgroup: r.w.cg });
    r.w.k.memory.free(r.sel.obj, 'B bpf_selem_free');
    expect(freed().checkEnd?.(r.w.k)).toBeUndefined();
  });

  it('per step, looks at frees only when an RCU callback completed; at the end always; each element once', () => {
    const { w, sel, s } = world('E2');
    const p = freed();
    unlinkBoth(w, sel, s);
    w.k.rcu.readLock(w.a.id);
    w.k.observe({ kind: 'selem-unlink', actor: w.b.id, obj: sel.obj, map: w.map, cgroup: w.cg });
    w.k.observe({ kind: 'selem-unlink', actor: w.a.id, obj: sel.obj, map: w.map, cgroup: w.cg });
    expect(p.checkStep?.(w.k)).toBeUndefined();
    w.k.memory.free(sel.obj, 'B bpf_selem_free');
    expect(p.checkStep?.(w.k)).toBeUndefined();
    const message =
      "element 1000001 of map m1 for cgroup cg was freed by B bpf_selem_free while A's RCU read section, open since before B unlinked it, had not ended: no grace period passed";
    expect(p.checkEnd?.(w.k)?.message).toBe(message);
    expect(p.checkEnd?.(w.k)).toBeUndefined();
  });

  it('is violated once a callback completed, naming the reader whose section is still open', () => {
    const { w, sel, s } = world('E2');
    const p = freed();
    unlinkBoth(w, sel, s);
    w.k.rcu.readLock(w.b.id);
    w.k.rcu.readUnlock(w.b.id);
    w.k.rcu.readLock(w.b.id);
    w.k.rcu.readLock(w.a.id);
    w.k.observe({ kind: 'selem-unlink', actor: w.user.id, obj: sel.obj, map: w.map, cgroup: w.cg });
    expect(p.checkStep?.(w.k)).toBeUndefined();
    w.k.rcu.readUnlock(w.b.id);
    w.k.memory.free(sel.obj, 'rcu bpf_selem_free');
    w.k.rcu.completed++;
    expect(p.checkStep?.(w.k)?.message).toBe(
      "element 1000001 of map m1 for cgroup cg was freed by rcu bpf_selem_free while A's RCU read section, open since before U unlinked it, had not ended: no grace period passed",
    );
  });

  it('starts afresh when handed another kernel', () => {
    const p = freed();
    const a = world('E2');
    a.w.k.memory.free(a.elem, 'x');
    expect(p.checkEnd?.(a.w.k)?.invariant).toBe('free-after-gp');
    const b = world('E2');
    b.w.k.memory.free(b.elem, 'x');
    expect(p.checkEnd?.(b.w.k)?.invariant).toBe('free-after-gp');
  });
});

describe('map-free-clean (invariant 9)', () => {
  it("NEW map: an element left on a live owner list is reported unless exempt, freed, or its storage's free is queued", () => {
    const { w, sel } = world('E2');
    const bucket = smapOf(w.k, w.map).buckets[sel.bucket]!;
    bucket.list.splice(0, 1);
    sel.isInMap = false;
    expect(leftoverOfMap(w.k, w.map)).toBe("element 1000001 is still on cgroup cg's owner list");
    expect(leftoverOfMap(w.k, w.map2)).toBeUndefined();
    queueFree(w, sel.storage!);
    expect(leftoverOfMap(w.k, w.map)).toBeUndefined();
    w.k.rcu.queue.length = 0;
    w.k.memory.free(sel.storage!, 'x');
    expect(leftoverOfMap(w.k, w.map)).toBeUndefined();
  });

  it('NEW map: elements off the owner list, freed, or half-unlinked by E3 nofail are not left over', () => {
    const { w, sel } = world('E3');
    smapOf(w.k, w.map).buckets[sel.bucket]!.list.splice(0, 1);
    sel.isInMap = false;
    sel.state = SELEM_STORAGE_UNLINKED;
    expect(leftoverOfMap(w.k, w.map)).toBeUndefined();
    sel.state = 0;
    expect(leftoverOfMap(w.k, w.map)).toBe("element 1000001 is still on cgroup cg's owner list");
    w.k.memory.free(sel.obj, 'x');
    expect(leftoverOfMap(w.k, w.map)).toBeUndefined();
    const b = world('E2');
    smapOf(b.w.k, b.w.map).buckets[b.sel.bucket]!.list.splice(0, 1);
    b.sel.isInMap = false;
    b.sel.isInStorage = false;
    expect(leftoverOfMap(b.w.k, b.w.map)).toBeUndefined();
  });

  it('E3: a queued callback that reads the map is left over; in E2 it is not checked', () => {
    for (const e of ['E2', 'E3'] as const) {
      const w = makeWorld(era(e));
      w.k.rcu.queue.push({
        label: 'bpf_selem_free_rcu',
        flavour: 'rcu',
        readers: [],
        run: () => {},
        objs: [smapOf(w.k, w.map).obj],
      });
      expect([e, leftoverOfMap(w.k, w.map)]).toEqual([
        e,
        e === 'E3'
          ? 'callback bpf_selem_free_rcu, which reads the map, is still queued (rcu_barrier missed it)'
          : undefined,
      ]);
    }
  });

  it('deprecated map: a storage still in its list or in a cgroup_bpf is left over; an unknown map is not', () => {
    const w = makeWorld();
    const r = cgroupStorageMapAlloc(w.k, {
      name: 'cs',
      mapType: 'cgroup_storage',
      keySize: 16,
      valueSize: 8,
    });
    if (!r.ok) throw new Error('map');
    const m = cgroupStorageMapOf(w.k, r.value);
    const s = bpfCgroupStorageAlloc(w.k, w.user, m);
    if (!s.ok) throw new Error('alloc');
    expect(leftoverOfMap(w.k, r.value)).toBeUndefined();
    m.list.push(s.value);
    expect(leftoverOfMap(w.k, r.value)).toBe(`it still holds storage ${s.value.obj}`);
    m.list.pop();
    cgroupBpfOf(w.k, w.cg2);
    cgroupBpfOf(w.k, w.cg).storages.push(s.value);
    expect(leftoverOfMap(w.k, r.value)).toBe("cgroup cg's cgroup_bpf still lists one of its storages");
    expect(leftoverOfMap(w.k, 99 as never)).toBeUndefined();
  });

  it('checks each map-free once, when it is observed', () => {
    const { w } = world('E2');
    const p = createMapFreeClean();
    w.k.observe({ kind: 'map-free', actor: w.kw.id, map: w.map2 });
    expect(p.checkStep?.(w.k)).toBeUndefined();
    w.k.observe({ kind: 'map-free', actor: w.kw.id, map: w.map });
    expect(p.checkStep?.(w.k)?.message).toMatch(
      /^map m1 finished map_free but element 1000001 is still in bucket \d+$/,
    );
    expect(p.checkStep?.(w.k)).toBeUndefined();
  });
});

describe('e3-single-free: end of execution', () => {
  it('outside E3 an element left UNLINKED is not its claim', () => {
    const { w, sel } = world('E2');
    sel.state = SELEM_UNLINKED;
    expect(createE3SingleFree().checkEnd?.(w.k)).toBeUndefined();
  });

  it('a per-step violation found at the end comes before any orphan', () => {
    const { w, sel } = world();
    const other = create(w, w.a, w.map2)!;
    sel.state = SELEM_UNLINKED;
    w.k.memory.free(other, 'kworker bpf_local_storage_destroy');
    w.k.memory.free(other, 'kworker bpf_local_storage_map_free');
    expect(createE3SingleFree().checkEnd?.(w.k)?.message).toBe(
      `element ${other} of map m2 for cgroup cg was freed by both teardown paths: kworker bpf_local_storage_destroy, then kworker bpf_local_storage_map_free`,
    );
  });
});
