/** More states built by hand, each showing what a property or helper skips. */
import { describe, expect, it } from 'vitest';
import { cgroupStorageMapAlloc, cgroupStorageMapOf } from '../../model/cgroupStorage/cgroupStorage.js';
import type { MapId, ObjId } from '../../model/core/ids.js';
import type { Observation } from '../../model/core/observation.js';
import {
  bpfSelemAlloc,
  linkMapNolock,
  linkStorageNolock,
  smapOf,
} from '../../model/localStorage/localStorage.js';
import { leftoverOf } from '../../properties/cleanupOnFree.js';
import { createGetNeverCreatesWithoutFlag } from '../../properties/getNeverCreatesWithoutFlag.js';
import { createGetNextKeyNotsupp } from '../../properties/getNextKeyNotsupp.js';
import { duringCall, nullGetAt } from '../../properties/helperCalls.js';
import { create, makeWorld } from './fixture.js';

describe('helperCalls.duringCall', () => {
  it('yields what was recorded after the call began and before its own observation, not the call itself', () => {
    const w = makeWorld();
    w.k.observe({ kind: 'cgroup-free', actor: w.kw.id, cgroup: w.cg2 });
    const begin = w.k.observations.length;
    w.k.observe({ kind: 'map-free', actor: w.kw.id, map: w.map2 });
    w.k.observe({
      kind: 'helper',
      actor: w.a.id,
      helper: 'bpf_cgrp_storage_get',
      map: w.map,
      cgroup: w.cg,
      flags: 0,
      ret: null,
      existedBefore: true,
      begin,
    });
    const i = w.k.observations.length - 1;
    const o = nullGetAt(w.k, i)!;
    expect([...duringCall(w.k, o, i)].map((d) => d.kind)).toEqual(['map-free']);
  });
});

describe('get-next-key-notsupp', () => {
  it('a map the kernel does not know is not the NEW map', () => {
    const w = makeWorld();
    w.k.observe({
      kind: 'syscall',
      actor: w.user.id,
      cmd: 'BPF_MAP_GET_NEXT_KEY',
      map: 99 as MapId,
      cgroup: null,
      flags: 0,
      ret: 0,
      existedBefore: false,
    });
    expect(createGetNextKeyNotsupp().checkEnd?.(w.k)).toBeUndefined();
  });
});

describe('get-never-creates-without-flag', () => {
  it('an element both unlinked (in the log) and on the owner list counts once', () => {
    const w = makeWorld();
    create(w, w.a, w.map2);
    const s = w.k.localStorages.storage(w.k.cgroups.get(w.cg).bpfCgrpStorage!);
    const sel = bpfSelemAlloc(w.k, w.b, smapOf(w.k, w.map), w.cg, undefined)!;
    linkStorageNolock(s, sel);
    linkMapNolock(smapOf(w.k, w.map), 0, sel);
    const log: Observation[] = [
      { kind: 'selem-unlink', actor: w.b.id, obj: sel.obj, map: w.map, cgroup: w.cg },
      {
        kind: 'syscall',
        actor: w.user.id,
        cmd: 'BPF_MAP_UPDATE_ELEM',
        map: w.map,
        cgroup: w.cg,
        flags: 0,
        ret: 0,
        existedBefore: false,
      },
    ];
    for (const o of log) w.k.observe(o);
    expect(createGetNeverCreatesWithoutFlag().checkEnd?.(w.k)).toBeUndefined();
  });
});

describe('cleanup-on-free leftovers', () => {
  it('an element flagged on an owner list but with no owner storage is not on one', () => {
    const w = makeWorld();
    const elem = create(w, w.a)!;
    const sel = w.k.localStorages.selem(elem);
    const b = smapOf(w.k, w.map).buckets[sel.bucket]!;
    b.list.splice(b.list.indexOf(elem), 1);
    sel.isInMap = false;
    sel.storage = null;
    w.k.cgroups.get(w.cg).bpfCgrpStorage = null;
    expect(leftoverOf(w.k, w.cg)).toBeUndefined();
  });

  it('a deprecated storage not yet keyed belongs to no cgroup', () => {
    const w = makeWorld();
    const r = cgroupStorageMapAlloc(w.k, {
      name: 'cs',
      mapType: 'cgroup_storage',
      keySize: 16,
      valueSize: 8,
    });
    if (!r.ok) throw new Error('map');
    cgroupStorageMapOf(w.k, r.value).list.push({
      obj: 1 as ObjId,
      map: r.value,
      key: undefined,
      buf: null,
      percpuBufs: [],
    });
    expect(leftoverOf(w.k, w.cg)).toBeUndefined();
  });
});
