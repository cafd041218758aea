/** Kernel-terms names in violation messages, and properties built under an alias. */
import { describe, expect, it } from 'vitest';
import type { ActorId, CgroupId, MapId, ObjId } from '../../model/core/ids.js';
import { createProperty } from '../../properties/index.js';
import { actorName, cgroupName, mapName, objName, plural } from '../../properties/names.js';
import { create, makeWorld } from './fixture.js';

describe('names', () => {
  it('names what the model knows, and says what it is when it does not', () => {
    const w = makeWorld();
    const elem = create(w, w.a)!;
    expect([
      cgroupName(w.k, w.cg),
      cgroupName(w.k, null),
      cgroupName(w.k, 99 as CgroupId),
      mapName(w.k, w.map2),
      mapName(w.k, null),
      mapName(w.k, 99 as MapId),
      actorName(w.k, w.kw.id),
      actorName(w.k, 99 as ActorId),
      objName(w.k, elem),
      objName(w.k, w.k.localStorages.selem(elem).storage!),
      objName(w.k, 999 as ObjId),
    ]).toEqual([
      'cg',
      'NULL',
      'cgroup#99',
      'm2',
      'none',
      'map#99',
      'kworker',
      'actor#99',
      'element 1000001 of map m1 for cgroup cg',
      'bpf_local_storage of cg 1000002',
      'object 999',
    ]);
  });

  it('plural', () => {
    expect([plural(0, 'element'), plural(1, 'element'), plural(2, 'element')]).toEqual([
      '0 elements',
      '1 element',
      '2 elements',
    ]);
  });
});

describe('a property built under an alias', () => {
  it('keeps the canonical description, fact-driven flag and both checks, reporting under the alias', () => {
    const canonical = createProperty('update-flags')!;
    const alias = createProperty('update-errno')!;
    expect([alias.id, alias.description, alias.isFactDriven, alias.checkStep]).toEqual([
      'update-errno',
      canonical.description,
      undefined,
      undefined,
    ]);
    const w = makeWorld();
    w.k.observe({
      kind: 'syscall',
      actor: w.user.id,
      cmd: 'BPF_MAP_UPDATE_ELEM',
      map: w.map,
      cgroup: w.cg,
      flags: 3,
      ret: 0,
      existedBefore: false,
    });
    expect(alias.checkEnd?.(w.k)).toEqual({
      invariant: 'update-errno',
      message: canonical.checkEnd?.(w.k)?.message,
    });
    const busy = createProperty('busy-released')!;
    expect(busy.isFactDriven).toBeUndefined();
    w.k.cpus[0]!.busy = -1;
    expect(busy.checkStep?.(w.k)?.invariant).toBe('busy-released');
    expect(busy.checkEnd?.(w.k)?.invariant).toBe('busy-released');
    w.k.cpus[0]!.busy = 0;
    expect([busy.checkStep?.(w.k), busy.checkEnd?.(w.k)]).toEqual([undefined, undefined]);
    const linked = createProperty('single-teardown')!;
    expect([linked.id, linked.isFactDriven]).toEqual(['single-teardown', true]);
  });
});
