/** Cases the pB mutants showed untested: fault kinds, own unlinks, canonical properties, deprecated leftovers. */
import { describe, expect, it } from 'vitest';
import { cgroupBpfOf } from '../../model/cgroup/cgroupBpf.js';
import {
  bpfCgroupStorageAlloc,
  cgroupStorageMapAlloc,
  cgroupStorageMapOf,
} from '../../model/cgroupStorage/cgroupStorage.js';
import type { ObjId } from '../../model/core/ids.js';
import type { Observation } from '../../model/core/observation.js';
import { BPF_NOEXIST, smapOf } from '../../model/localStorage/localStorage.js';
import { hasRemover } from '../../properties/evidence.js';
import { createProperty } from '../../properties/index.js';
import { leftoverOfMap } from '../../properties/mapFreeClean.js';
import { createNoOutOfBounds } from '../../properties/noOutOfBounds.js';
import { create, makeWorld, type World } from './fixture.js';

describe('memory-fault properties', () => {
  it('skip faults of other kinds and report the first of their own', () => {
    const w = makeWorld();
    const elem = create(w, w.a)!;
    w.k.memory.free(elem, 'B');
    w.k.memory.use(elem, 'A');
    w.k.memory.recordFault('out-of-bounds', elem, 'slot 7', 'A');
    expect(w.k.memory.faults.map((f) => f.kind)).toEqual(['use-after-free', 'out-of-bounds']);
    expect(createNoOutOfBounds().checkEnd?.(w.k)?.message).toBe(
      'A accessed slot 7 of selem m1/cg (1000001): out of bounds',
    );
  });
});

describe('hasRemover with the judged update', () => {
  /** U's update of (m1, cg) that began at log index `begin`, with U's unlinks at the indices in `unlinkAt`. */
  function log(
    w: World,
    begin: number,
    unlinkAt: number[],
    length: number,
  ): Extract<Observation, { kind: 'syscall' }> {
    const u: Extract<Observation, { kind: 'syscall' }> = {
      kind: 'syscall',
      actor: w.user.id,
      cmd: 'BPF_MAP_UPDATE_ELEM',
      map: w.map,
      cgroup: w.cg,
      flags: BPF_NOEXIST,
      ret: 0,
      existedBefore: true,
      begin,
    };
    for (let i = 0; i < length; i++)
      w.k.observe(
        unlinkAt.includes(i)
          ? { kind: 'selem-unlink', actor: w.user.id, obj: 5 as ObjId, map: w.map, cgroup: w.cg }
          : { kind: 'map-free', actor: w.kw.id, map: w.map2 },
      );
    w.k.observe(u);
    return u;
  }

  it("an unlink by the update's own actor while it ran is its own; one before it began or after it returned is not", () => {
    const during = makeWorld();
    expect(hasRemover(during.k, during.map, during.cg, log(during, 1, [2], 3))).toBe(false);
    const before = makeWorld();
    expect(hasRemover(before.k, before.map, before.cg, log(before, 1, [0], 3))).toBe(true);
    const after = makeWorld();
    const u = log(after, 0, [], 1);
    after.k.observe({
      kind: 'selem-unlink',
      actor: after.user.id,
      obj: 5 as ObjId,
      map: after.map,
      cgroup: after.cg,
    });
    expect(hasRemover(after.k, after.map, after.cg, u)).toBe(true);
  });
});

describe('createProperty for a canonical id', () => {
  it('is the property itself, not a renaming wrapper: delete-errno checks steps and the end with one function', () => {
    const p = createProperty('delete-errno')!;
    expect(p.checkStep).toBe(p.checkEnd);
    const alias = createProperty('one-element-per-key')!;
    expect(alias.checkStep).not.toBe(alias.checkEnd);
  });
});

describe('map-free-clean leftovers', () => {
  function deprecated(w: World, name: string) {
    const r = cgroupStorageMapAlloc(w.k, { name, mapType: 'cgroup_storage', keySize: 16, valueSize: 8 });
    if (!r.ok) throw new Error('map');
    const s = bpfCgroupStorageAlloc(w.k, w.user, cgroupStorageMapOf(w.k, r.value));
    if (!s.ok) throw new Error('alloc');
    return { map: r.value, storage: s.value };
  }

  it("a cgroup_bpf listing another map's storage is no leftover of this map", () => {
    const w = makeWorld();
    const cs = deprecated(w, 'cs');
    const other = deprecated(w, 'other');
    cgroupBpfOf(w.k, w.cg).storages.push(other.storage);
    expect(leftoverOfMap(w.k, cs.map)).toBeUndefined();
    expect(leftoverOfMap(w.k, other.map)).toBe("cgroup cg's cgroup_bpf still lists one of its storages");
  });

  it('an element flagged on an owner list but with no owner storage is no leftover', () => {
    const w = makeWorld();
    const elem = create(w, w.a)!;
    const sel = w.k.localStorages.selem(elem);
    const b = smapOf(w.k, w.map).buckets[sel.bucket]!;
    b.list.splice(b.list.indexOf(elem), 1);
    sel.isInMap = false;
    sel.storage = null;
    expect(leftoverOfMap(w.k, w.map)).toBeUndefined();
  });
});

describe('no-create-on-dying and no-errno-from-get corners', () => {
  it('an allocation that is no element is not judged as a create', async () => {
    const { createNoCreateOnDying } = await import('../../properties/noCreateOnDying.js');
    const w = makeWorld();
    const p = createNoCreateOnDying();
    p.checkStep?.(w.k);
    w.k.memory.alloc(7001 as ObjId, 'storage_buf', 'cs buf', [0]);
    w.k.cgroups.get(w.cg).state = 'freed';
    expect(p.checkStep?.(w.k)).toBeUndefined();
  });

  it('a get that returned 0 returned no element (0 is no errno)', async () => {
    const { createNoErrnoFromGet } = await import('../../properties/noErrnoFromGet.js');
    const w = makeWorld();
    w.k.observe({
      kind: 'helper',
      actor: w.a.id,
      helper: 'bpf_cgrp_storage_get',
      map: w.map,
      cgroup: w.cg,
      flags: 0,
      ret: 0,
      existedBefore: false,
    });
    expect(createNoErrnoFromGet().checkEnd?.(w.k)?.message).toBe(
      'bpf_cgrp_storage_get(m1, cg, flags 0) on A returned object 0, not an element of that map and cgroup',
    );
  });
});
