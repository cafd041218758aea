/**
 * Edge cases of final-value, free-after-gp, e3-single-free, get-finds-prealloc and
 * get-never-creates-without-flag on states and logs built by hand: what each one
 * skips, and what it still judges.
 */
import { describe, expect, it } from 'vitest';
import { cgroupStorageMapAlloc, cgroupStorageMapOf } from '../../model/cgroupStorage/cgroupStorage.js';
import { cgrpStorageUpdateElem } from '../../model/cgrpStorage/cgrpStorageSyscall.js';
import { EBUSY } from '../../model/core/errno.js';
import type { CgroupId, MapId, ObjId } from '../../model/core/ids.js';
import type { Observation } from '../../model/core/observation.js';
import {
  BPF_ANY,
  bpfSelemAlloc,
  linkMapNolock,
  linkStorageNolock,
  smapOf,
} from '../../model/localStorage/localStorage.js';
import { createE3SingleFree } from '../../properties/e3SingleFree.js';
import { createFinalValue, finalValueOf } from '../../properties/finalValue.js';
import { createFreeAfterGracePeriod } from '../../properties/freeAfterGracePeriod.js';
import { createGetFindsPrealloc } from '../../properties/getFindsPrealloc.js';
import { createGetNeverCreatesWithoutFlag } from '../../properties/getNeverCreatesWithoutFlag.js';
import { runOp } from '../model/driver.js';
import { create, era, makeWorld, type World } from './fixture.js';

type Helper = Extract<Observation, { kind: 'helper' }>;
type Syscall = Extract<Observation, { kind: 'syscall' }>;

describe('final-value: keys it cannot read', () => {
  it('a map the kernel does not know has no entry, even for a cgroup it does not know', () => {
    const w = makeWorld();
    expect(finalValueOf(w.k, { map: 99 as MapId, cgroup: 98 as CgroupId, value: undefined })).toBeUndefined();
  });

  it('an element whose memory object is gone holds [] (all zero)', () => {
    const w = makeWorld();
    const elem = create(w, w.a)!;
    w.k.memory.objects.delete(elem);
    expect(finalValueOf(w.k, { map: w.map, cgroup: w.cg, value: undefined })).toEqual([]);
  });

  it('a deprecated storage not yet keyed is nobody’s entry', () => {
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
    expect(finalValueOf(w.k, { map: r.value, cgroup: w.cg, value: undefined })).toBeUndefined();
  });

  it('describes itself', () => {
    expect(createFinalValue([]).description).toBe(
      'each key the scenario names ends holding the value it expects (expectFinal)',
    );
  });
});

describe('free-after-gp: edge cases', () => {
  /** cg's element of m1, freed while still in its bucket. */
  function freedInBucket() {
    const w = makeWorld();
    const elem = create(w, w.a)!;
    w.k.memory.free(elem, 'B bpf_selem_free');
    return { w, elem };
  }
  const message =
    'element 1000001 of map m1 for cgroup cg was freed by B bpf_selem_free while still in a bucket of its map';

  it('its first per-step check looks at frees whatever the RCU completion count reads', () => {
    const { w } = freedInBucket();
    w.k.rcu.completed = 1;
    expect(createFreeAfterGracePeriod().checkStep?.(w.k)?.message).toBe(message);
  });

  it('handed another kernel, it checks that one at once too', () => {
    const p = createFreeAfterGracePeriod();
    const a = makeWorld();
    expect(p.checkStep?.(a.k)).toBeUndefined();
    const { w } = freedInBucket();
    w.k.rcu.completed = 1;
    expect(p.checkStep?.(w.k)?.message).toBe(message);
  });

  it('names the freer ? when the memory recorded none', () => {
    const w = makeWorld();
    const elem = create(w, w.a)!;
    const mem = w.k.memory.get(elem);
    mem.state = 'freed';
    expect(createFreeAfterGracePeriod().checkEnd?.(w.k)?.message).toBe(
      'element 1000001 of map m1 for cgroup cg was freed by ? while still in a bucket of its map',
    );
  });

  it('an element whose owner storage the model no longer tracks is judged by its unlink only', () => {
    const w = makeWorld();
    const elem = create(w, w.a)!;
    const sel = w.k.localStorages.selem(elem);
    const bucket = smapOf(w.k, w.map).buckets[sel.bucket]!;
    bucket.list.splice(bucket.list.indexOf(elem), 1);
    sel.isInMap = false;
    sel.storage = 999 as ObjId;
    w.k.memory.free(elem, 'B bpf_selem_free');
    expect(createFreeAfterGracePeriod().checkEnd?.(w.k)).toBeUndefined();
  });
});

describe('e3-single-free: only double frees', () => {
  it('a use-after-free of an element is not a double free (no-use-after-free reports it)', () => {
    const w = makeWorld(era('E3'));
    const elem = create(w, w.a)!;
    w.k.memory.free(elem, 'kworker bpf_local_storage_destroy');
    w.k.memory.use(elem, 'A');
    expect(w.k.memory.faults.map((f) => f.kind)).toEqual(['use-after-free']);
    expect(createE3SingleFree().checkStep?.(w.k)).toBeUndefined();
  });
});

describe('get-finds-prealloc: what counts', () => {
  const get = (w: World, o: Partial<Helper> = {}): Helper => ({
    kind: 'helper',
    actor: w.a.id,
    helper: 'bpf_cgrp_storage_get',
    map: w.map,
    cgroup: w.cg,
    flags: 0,
    ret: null,
    existedBefore: true,
    ...o,
  });
  const setup = (w: World, o: Partial<Syscall> = {}): Syscall => ({
    kind: 'syscall',
    actor: w.k.setupActor.id,
    cmd: 'BPF_MAP_UPDATE_ELEM',
    map: w.map,
    cgroup: w.cg,
    flags: 0,
    ret: 0,
    existedBefore: false,
    ...o,
  });
  const verdict = (obs: (w: World) => Observation[]) => {
    const w = makeWorld();
    for (const o of obs(w)) w.k.observe(o);
    return createGetFindsPrealloc().checkEnd?.(w.k)?.message;
  };

  it('only a successful setup BPF_MAP_UPDATE_ELEM pre-allocates: a setup lookup does not', () => {
    expect(verdict((w) => [setup(w, { cmd: 'BPF_MAP_LOOKUP_ELEM' }), get(w)])).toBeUndefined();
    expect(verdict((w) => [setup(w), get(w)])).toBe(
      'bpf_cgrp_storage_get(m1, cg, flags 0) on A returned NULL though userspace pre-allocated that storage at setup and nothing removed it',
    );
  });

  it('judges gets only: a delete that returned 0 or -EBUSY is not a lookup', () => {
    expect(
      verdict((w) => [
        setup(w),
        get(w, { helper: 'bpf_cgrp_storage_delete', ret: 0 }),
        get(w, { helper: 'bpf_cgrp_storage_delete', ret: -EBUSY }),
      ]),
    ).toBeUndefined();
  });

  it('a get with a NULL cgroup is not judged, whatever setup recorded', () => {
    expect(verdict((w) => [setup(w, { cgroup: null }), get(w, { cgroup: null })])).toBeUndefined();
  });

  it('a get that returned an errno did not find the storage either', () => {
    expect(verdict((w) => [setup(w), get(w, { ret: -EBUSY })])).toBe(
      'bpf_cgrp_storage_get(m1, cg, flags 0) on A returned NULL though userspace pre-allocated that storage at setup and nothing removed it',
    );
  });
});

describe('get-never-creates-without-flag: what explains an element', () => {
  /** cg's storage (made by a create of m2) with an element of m1 linked by hand; the element. */
  function smuggled(w: World): ObjId {
    create(w, w.a, w.map2);
    const s = w.k.localStorages.storage(w.k.cgroups.get(w.cg).bpfCgrpStorage!);
    const sel = bpfSelemAlloc(w.k, w.b, smapOf(w.k, w.map), w.cg, undefined)!;
    linkStorageNolock(s, sel);
    linkMapNolock(smapOf(w.k, w.map), 0, sel);
    return sel.obj;
  }
  const verdict = (w: World) => createGetNeverCreatesWithoutFlag().checkEnd?.(w.k)?.message;
  const unexplained = (n: number, updates: number) =>
    `element 2000001 of map m1 for cgroup cg was created by no get(F_CREATE) and no update (${n} element${n === 1 ? '' : 's'} not returned by a get(F_CREATE), ${updates} successful update${updates === 1 ? '' : 's'})`;

  it('a delete observation naming it with F_CREATE set explains nothing: only a get does', () => {
    const w = makeWorld();
    const elem = smuggled(w);
    w.k.observe({
      kind: 'helper',
      actor: w.a.id,
      helper: 'bpf_cgrp_storage_delete',
      map: w.map,
      cgroup: w.cg,
      flags: 1,
      ret: elem,
      existedBefore: true,
    });
    expect(verdict(w)).toBe(unexplained(1, 0));
  });

  it('only successful updates of that map and cgroup count: not lookups, not failures, not other maps', () => {
    const w = makeWorld();
    smuggled(w);
    const sys = (o: Partial<Syscall>): Observation => ({
      kind: 'syscall',
      actor: w.user.id,
      cmd: 'BPF_MAP_UPDATE_ELEM',
      map: w.map,
      cgroup: w.cg,
      flags: 0,
      ret: 0,
      existedBefore: false,
      ...o,
    });
    w.k.observe(sys({ cmd: 'BPF_MAP_LOOKUP_ELEM' }));
    w.k.observe(sys({ ret: -12 }));
    w.k.observe(sys({ map: w.map2 }));
    w.k.observe(sys({ cgroup: w.cg2 }));
    expect(verdict(w)).toBe(unexplained(1, 0));
    w.k.observe(sys({}));
    expect(verdict(w)).toBeUndefined();
  });

  it('a real update does explain its element', () => {
    const w = makeWorld();
    expect(runOp(w.k, w.user, cgrpStorageUpdateElem(w.k, w.user, w.map, w.fd, [1, 2], BPF_ANY))).toEqual({
      ok: true,
      value: 0,
    });
    expect(verdict(w)).toBeUndefined();
  });
});
