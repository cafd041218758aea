/** Cases the pC mutants showed untested: cursors, fault names, pairs, excuses, reachability's near misses. */
import { describe, expect, it } from 'vitest';
import { cgroupStorageMapAlloc } from '../../model/cgroupStorage/cgroupStorage.js';
import { EBUSY, EDEADLK } from '../../model/core/errno.js';
import type { MapId, ObjId } from '../../model/core/ids.js';
import type { Observation } from '../../model/core/observation.js';
import {
  bpfSelemAlloc,
  linkMapNolock,
  linkStorageNolock,
  smapOf,
} from '../../model/localStorage/localStorage.js';
import { createNoOutOfBounds } from '../../properties/noOutOfBounds.js';
import { createNoSpuriousNull } from '../../properties/noSpuriousNull.js';
import { createNullOnAbsent } from '../../properties/nullOnAbsent.js';
import { LogCursor } from '../../properties/observationCursor.js';
import { createReachabilityGoal, GOAL_IDS } from '../../properties/reachability.js';
import { createSingleElement } from '../../properties/singleElement.js';
import { ledgerOf } from '../../properties/stepLedger.js';
import { create, makeWorld, type World } from './fixture.js';

type Helper = Extract<Observation, { kind: 'helper' }>;
const helper = (w: World, o: Partial<Helper> = {}): Helper => ({
  kind: 'helper',
  actor: w.a.id,
  helper: 'bpf_cgrp_storage_get',
  map: w.map,
  cgroup: w.cg,
  flags: 0,
  ret: null,
  existedBefore: false,
  ...o,
});

describe('LogCursor', () => {
  it('reads on from where it stopped, and restarts at 0 when handed another kernel', () => {
    const a = makeWorld().k;
    const b = makeWorld().k;
    const c = new LogCursor();
    expect([c.advance(a, 5), c.advance(a, 7), c.advance(b, 3), c.advance(b, 4), c.advance(a, 9)]).toEqual([
      0, 5, 0, 3, 0,
    ]);
  });
});

describe('out-of-bounds naming', () => {
  it('an access outside any object the memory knows names the access only', () => {
    const w = makeWorld();
    w.k.memory.recordFault('out-of-bounds', 999 as ObjId, 'slot 7', 'A');
    expect(createNoOutOfBounds().checkEnd?.(w.k)?.message).toBe('A accessed slot 7: out of bounds');
  });
});

describe('single-element pairs', () => {
  function two(w: World) {
    create(w, w.a);
    const s = w.k.localStorages.storage(w.k.cgroups.get(w.cg).bpfCgrpStorage!);
    const extra = bpfSelemAlloc(w.k, w.b, smapOf(w.k, w.map), w.cg, undefined)!;
    linkStorageNolock(s, extra);
    linkMapNolock(smapOf(w.k, w.map), 0, extra);
    return { s, extra };
  }

  it('exactly two elements of one map are a violation', () => {
    const w = makeWorld();
    const { extra } = two(w);
    expect(createSingleElement().checkEnd?.(w.k)?.message).toBe(
      `cgroup cg has two linked elements of map m1 (${extra.obj} and 1000001) with its owner lock free`,
    );
  });

  it('two elements whose smap E3 cleared (both null) are no pair', () => {
    const w = makeWorld();
    const { extra } = two(w);
    extra.smap = null;
    w.k.localStorages.selem(1000001 as ObjId).smap = null;
    expect(createSingleElement().checkEnd?.(w.k)).toBeUndefined();
  });
});

describe('no-spurious-null excuses', () => {
  it('only an unlink during the call excuses the NULL, not another helper of that map and cgroup', () => {
    const w = makeWorld();
    const begin = w.k.observations.length;
    w.k.observe(helper(w, { actor: w.b.id, ret: 5 }));
    w.k.observe(helper(w, { existedBefore: true, begin }));
    expect(createNoSpuriousNull().checkEnd?.(w.k)?.invariant).toBe('no-spurious-null');
  });
});

describe('null-on-absent, one observation per kernel', () => {
  const verdict = (obs: (w: World) => Observation[]) => {
    const w = makeWorld();
    for (const o of obs(w)) w.k.observe(o);
    return createNullOnAbsent().checkEnd?.(w.k)?.message;
  };

  it('a delete returning 0 is not a get; an errno or NULL get is another claim', () => {
    expect(verdict((w) => [helper(w, { helper: 'bpf_cgrp_storage_delete', ret: 0 })])).toBeUndefined();
    expect(verdict((w) => [helper(w, { ret: -EBUSY })])).toBeUndefined();
    expect(verdict((w) => [helper(w, { ret: null })])).toBeUndefined();
  });

  it('a get that returned 0 returned something', () => {
    expect(verdict((w) => [helper(w, { ret: 0 })])).toBe(
      'bpf_cgrp_storage_get(m1, cg, flags 0) on A returned object 0 though the cgroup had no element and nothing created one; it must return NULL',
    );
  });

  it('lookups of a deprecated map or of a map the kernel does not know are not judged', () => {
    const lookup = (w: World, map: MapId): Observation => ({
      kind: 'syscall',
      actor: w.user.id,
      cmd: 'BPF_MAP_LOOKUP_ELEM',
      map,
      cgroup: w.cg,
      flags: 0,
      ret: 0,
      existedBefore: false,
    });
    expect(
      verdict((w) => {
        const r = cgroupStorageMapAlloc(w.k, {
          name: 'cs',
          mapType: 'cgroup_storage',
          keySize: 16,
          valueSize: 8,
        });
        if (!r.ok) throw new Error('map');
        return [lookup(w, r.value), lookup(w, 99 as MapId)];
      }),
    ).toBeUndefined();
  });
});

describe('reachability: descriptions and near misses', () => {
  it('each goal says what it claims; an unknown id has no goal', () => {
    expect(GOAL_IDS.map((id) => createReachabilityGoal(id)?.description)).toEqual([
      'a cgroup was freed while a program or RCU reader that looked up its storage was still running',
      'some bpf_cgrp_storage_get returned NULL',
      'a userspace update replaced an element (or buffer) a program still held and wrote',
      'two deletes of the same element both returned 0',
      'some value ended with fewer than its increments (a lost non-atomic update)',
      'a helper nested in storage code on the same CPU failed (busy counter or -EDEADLK)',
      'bpf_cgrp_storage_get(F_CREATE) returned NULL because the cgroup was dying',
    ]);
    expect(createReachabilityGoal('no-such-goal')).toBeUndefined();
  });

  it('cgroup-freed-while-running: an unlink after the free is no write; a write to no element is not the cgroup’s', () => {
    const w = makeWorld();
    const elem = create(w, w.a)!;
    w.k.observe({ kind: 'cgroup-free', actor: w.kw.id, cgroup: w.cg });
    w.k.observe({ kind: 'selem-unlink', actor: w.b.id, obj: elem, map: w.map, cgroup: w.cg });
    w.k.observe({ kind: 'value-update', actor: w.b.id, obj: 999 as ObjId, slot: 0, atomic: true, delta: 1 });
    expect(createReachabilityGoal('cgroup-freed-while-running')!.isReached(w.k)).toBe(false);
  });

  it('racing-deletes: only its own facts are read back, and a delete on an unknown map is not the NEW map’s', () => {
    const w = makeWorld();
    w.k.observe({ kind: 'selem-unlink', actor: w.b.id, obj: 5 as ObjId, map: w.map, cgroup: w.cg });
    w.k.observe(helper(w, { actor: w.a.id, ret: 5 }));
    w.k.observe(helper(w, { actor: w.b.id, helper: 'bpf_cgrp_storage_delete', ret: 0, existedBefore: true }));
    expect(createReachabilityGoal('racing-deletes')!.isReached(w.k)).toBe(false);
    const u = makeWorld();
    u.k.observe({
      kind: 'syscall',
      actor: u.user.id,
      cmd: 'BPF_MAP_DELETE_ELEM',
      map: 99 as MapId,
      cgroup: u.cg,
      flags: 0,
      ret: 0,
      existedBefore: true,
    });
    expect(createReachabilityGoal('racing-deletes')!.isReached(u.k)).toBe(false);
  });

  it('nested-helper-failed: any one failing helper among others; a syscall’s -EBUSY is not a helper’s', () => {
    const w = makeWorld();
    w.k.observe(helper(w, { ret: 5 }));
    w.k.observe({
      kind: 'syscall',
      actor: w.user.id,
      cmd: 'BPF_MAP_UPDATE_ELEM',
      map: w.map,
      cgroup: w.cg,
      flags: 0,
      ret: -EBUSY,
      existedBefore: false,
    });
    expect(createReachabilityGoal('nested-helper-failed')!.isReached(w.k)).toBe(false);
    w.k.observe(helper(w, { ret: -EDEADLK }));
    expect(createReachabilityGoal('nested-helper-failed')!.isReached(w.k)).toBe(true);
  });

  it('lost-update: a value below its base plus increments, counting the base; one at or above it is not lost', () => {
    const at = (final: number) => {
      const w = makeWorld();
      const elem = create(w, w.a)!;
      w.k.memory.get(elem).data![0] = final;
      ledgerOf(w.k).objects.set(elem, {
        start: undefined,
        snapshotAt: 0,
        slots: new Map([[0, { base: 5, baseKind: 'store', increments: 2, total: 2, loads: [] }]]),
      });
      return createReachabilityGoal('lost-update')!.isReached(w.k);
    };
    expect([at(6), at(7), at(8)]).toEqual([true, false, false]);
  });
});
