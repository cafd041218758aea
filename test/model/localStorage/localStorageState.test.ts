import { describe, expect, it } from 'vitest';
import { cgroupStorageMapAlloc } from '../../../model/cgroupStorage/cgroupStorage.js';
import {
  cgrpStorageGet,
  BPF_LOCAL_STORAGE_GET_F_CREATE as F_CREATE,
} from '../../../model/cgrpStorage/cgrpStorage.js';
import { asObjId } from '../../../model/core/ids.js';
import { smapOf } from '../../../model/localStorage/localStorage.js';
import { inRcu, runOp } from '../driver.js';
import { makeWorld } from '../world.js';

describe('the local storage tables', () => {
  it('an unknown storage or element id is a checker bug', () => {
    const w = makeWorld();
    expect(() => w.k.localStorages.storage(asObjId(42))).toThrow('unknown local storage 42');
    expect(() => w.k.localStorages.selem(asObjId(43))).toThrow('unknown storage element 43');
  });

  it("linkedElem: the map's element on the owner list; none for a NULL or unknown storage or another map", () => {
    const w = makeWorld();
    const p = runOp(w.k, w.a, inRcu(w.k, w.a, cgrpStorageGet(w.k, w.a, w.map, w.cg, undefined, F_CREATE)));
    const s = w.k.cgroups.get(w.cg).bpfCgrpStorage;
    expect(w.k.localStorages.linkedElem(s, w.map)).toBe(p);
    expect(w.k.localStorages.linkedElem(s, w.map2)).toBeNull();
    expect(w.k.localStorages.linkedElem(null, w.map)).toBeNull();
    expect(w.k.localStorages.linkedElem(asObjId(42), w.map)).toBeNull();
  });

  it('smapOf refuses a deprecated cgroup storage map', () => {
    const w = makeWorld();
    const r = cgroupStorageMapAlloc(w.k, {
      name: 'old',
      mapType: 'cgroup_storage',
      keySize: 8,
      valueSize: 8,
    });
    if (!r.ok) throw new Error('alloc');
    expect(() => smapOf(w.k, r.value)).toThrow(`map ${r.value} is not a cgrp_storage map`);
  });
});
