/**
 * The reachability goals on logs and kernel states written by hand: each path
 * that reaches a goal and each near miss that does not.
 */
import { describe, expect, it } from 'vitest';
import {
  bpfCgroupStorageAlloc,
  bpfCgroupStorageLink,
  cgroupStorageMapAlloc,
  cgroupStorageMapOf,
} from '../../model/cgroupStorage/cgroupStorage.js';
import { EBUSY, EDEADLK, ETIMEDOUT } from '../../model/core/errno.js';
import type { ObjId } from '../../model/core/ids.js';
import type { Observation } from '../../model/core/observation.js';
import { runToCompletion } from '../../model/core/step.js';
import { BPF_ANY, BPF_F_LOCK } from '../../model/localStorage/localStorage.js';
import { createReachabilityGoal } from '../../properties/reachability.js';
import { ledgerOf } from '../../properties/stepLedger.js';
import { create, makeWorld, type World } from './fixture.js';

type Syscall = Extract<Observation, { kind: 'syscall' }>;
type Helper = Extract<Observation, { kind: 'helper' }>;

const reached = (id: string, w: World, ...obs: Observation[]): boolean => {
  for (const o of obs) w.k.observe(o);
  return createReachabilityGoal(id)!.isReached(w.k);
};
const helper = (w: World, o: Partial<Helper>): Helper => ({
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
const sys = (w: World, o: Partial<Syscall>): Syscall => ({
  kind: 'syscall',
  actor: w.user.id,
  cmd: 'BPF_MAP_UPDATE_ELEM',
  map: w.map,
  cgroup: w.cg,
  flags: BPF_ANY,
  ret: 0,
  existedBefore: true,
  ...o,
});
const unlink = (w: World, actor: number, o: Partial<Extract<Observation, { kind: 'selem-unlink' }>> = {}) =>
  ({ kind: 'selem-unlink', actor, obj: 1000001 as ObjId, map: w.map, cgroup: w.cg, ...o }) as Observation;
const write = (w: World, obj: ObjId, actor = w.a.id): Observation => ({
  kind: 'value-update',
  actor,
  obj,
  slot: 0,
  atomic: true,
  delta: 1,
});

describe('get-returned-null', () => {
  it('counts a NULL from the get helper only', () => {
    const w = makeWorld();
    expect(reached('get-returned-null', w, helper(w, { helper: 'bpf_cgrp_storage_delete' }))).toBe(false);
    expect(reached('get-returned-null', w, helper(w, { ret: 5 }))).toBe(false);
    expect(reached('get-returned-null', w, helper(w, {}))).toBe(true);
  });
});

describe('racing-deletes', () => {
  const del = (w: World, o: Partial<Helper> = {}) =>
    helper(w, { helper: 'bpf_cgrp_storage_delete', ret: 0, existedBefore: true, ...o });

  it('a helper delete returning 0 with no unlink of its own since its previous observation', () => {
    const w = makeWorld();
    expect(reached('racing-deletes', w, unlink(w, w.a.id), del(w))).toBe(false);
    expect(reached('racing-deletes', w, del(w))).toBe(true);
  });

  it("its own unlink must be of that map and cgroup, and another actor's facts in between do not end the search", () => {
    const w = makeWorld();
    expect(reached('racing-deletes', w, unlink(w, w.a.id, { map: w.map2 }), del(w))).toBe(true);
    const w2 = makeWorld();
    expect(
      reached('racing-deletes', w2, unlink(w2, w2.a.id), unlink(w2, w2.b.id, { cgroup: w2.cg2 }), del(w2)),
    ).toBe(false);
    const w3 = makeWorld();
    expect(
      reached(
        'racing-deletes',
        w3,
        unlink(w3, w3.a.id),
        helper(w3, { ret: 5 }),
        unlink(w3, w3.a.id, { cgroup: w3.cg2 }),
        del(w3),
      ),
    ).toBe(true);
  });

  it('ignores deletes that failed, found nothing, had a NULL cgroup', () => {
    const w = makeWorld();
    expect(
      reached(
        'racing-deletes',
        w,
        del(w, { ret: -2 }),
        del(w, { existedBefore: false }),
        del(w, { cgroup: null }),
        helper(w, { ret: 0 as never, existedBefore: true }),
      ),
    ).toBe(false);
  });

  it('counts BPF_MAP_DELETE_ELEM on the NEW map, not on a deprecated one', () => {
    const w = makeWorld();
    const r = cgroupStorageMapAlloc(w.k, {
      name: 'cs',
      mapType: 'cgroup_storage',
      keySize: 16,
      valueSize: 8,
    });
    if (!r.ok) throw new Error('map');
    const delElem = (o: Partial<Syscall> = {}) => sys(w, { cmd: 'BPF_MAP_DELETE_ELEM', ...o });
    expect(reached('racing-deletes', w, delElem({ map: r.value }), delElem({ ret: -2 }), sys(w, {}))).toBe(
      false,
    );
    expect(reached('racing-deletes', w, delElem())).toBe(true);
  });
});

describe('nested-helper-failed', () => {
  it('a helper returning -EBUSY or -EDEADLK, or an E3 lock failing with -EDEADLK; not -ETIMEDOUT', () => {
    const at = (o: (w: World) => Observation) => {
      const w = makeWorld();
      return reached('nested-helper-failed', w, o(w));
    };
    expect([
      at((w) => helper(w, { ret: -EBUSY })),
      at((w) => helper(w, { helper: 'bpf_cgrp_storage_delete', ret: -EDEADLK })),
      at((w) => ({ kind: 'lock-fail', actor: w.a.id, lock: 9 as ObjId, errno: EDEADLK })),
      at((w) => ({ kind: 'lock-fail', actor: w.a.id, lock: 9 as ObjId, errno: ETIMEDOUT })),
      at((w) => helper(w, { ret: -ETIMEDOUT })),
      at((w) => helper(w, {})),
    ]).toEqual([true, true, true, false, false, false]);
  });
});

describe('cgroup-freed-while-running', () => {
  it("is reached by another actor's write to the freed cgroup's element, not by the freer's or one to another cgroup", () => {
    const w = makeWorld();
    const e1 = create(w, w.a)!;
    const e2 = create(w, w.a, w.map, w.cg2)!;
    const free: Observation = { kind: 'cgroup-free', actor: w.kw.id, cgroup: w.cg };
    expect(
      reached('cgroup-freed-while-running', w, write(w, e1), free, write(w, e1, w.kw.id), write(w, e2)),
    ).toBe(false);
    expect(reached('cgroup-freed-while-running', w, write(w, e1))).toBe(true);
  });

  it('is reached at step time by a free while an actor that named the cgroup reads under RCU or runs a program', () => {
    for (const how of ['rcu', 'trace', 'prog', 'none', 'other-cgroup'] as const) {
      const w = makeWorld();
      const g = createReachabilityGoal('cgroup-freed-while-running')!;
      w.k.observe(helper(w, how === 'other-cgroup' ? { cgroup: w.cg2 } : {}));
      g.observeStep?.(w.k);
      if (how === 'rcu' || how === 'other-cgroup') w.k.rcu.readLock(w.a.id);
      if (how === 'trace') w.k.rcu.readLock(w.a.id, true);
      if (how === 'prog') w.a.progDepth = 1;
      w.k.observe({ kind: 'cgroup-free', actor: w.kw.id, cgroup: w.cg });
      g.observeStep?.(w.k);
      expect([how, g.isReached(w.k)]).toEqual([how, how === 'rcu' || how === 'trace' || how === 'prog']);
    }
  });

  it('the freer itself does not count, and a free seen only at the end is not judged', () => {
    const w = makeWorld();
    const g = createReachabilityGoal('cgroup-freed-while-running')!;
    w.k.observe(helper(w, { actor: w.kw.id }));
    w.k.rcu.readLock(w.kw.id);
    g.observeStep?.(w.k);
    w.k.observe({ kind: 'cgroup-free', actor: w.kw.id, cgroup: w.cg });
    g.observeStep?.(w.k);
    expect(g.isReached(w.k)).toBe(false);
    const w2 = makeWorld();
    w2.k.observe(helper(w2, {}));
    w2.k.rcu.readLock(w2.a.id);
    w2.k.observe({ kind: 'cgroup-free', actor: w2.kw.id, cgroup: w2.cg });
    expect(createReachabilityGoal('cgroup-freed-while-running')!.isReached(w2.k)).toBe(false);
    expect(ledgerOf(w2.k).isFreedWhileRunning).toBe(false);
  });
});

describe('element-replaced-while-held', () => {
  it("NEW map: a write after an unlink that the unlinker's next syscall shows was a successful update", () => {
    const ok = (next: (w: World) => Observation, writeObj: ObjId = 1000001 as ObjId) => {
      const w = makeWorld();
      return reached(
        'element-replaced-while-held',
        w,
        unlink(w, w.user.id),
        write(w, 5 as ObjId, w.user.id),
        next(w),
        write(w, writeObj),
      );
    };
    expect(ok((w) => sys(w, {}))).toBe(true);
    expect(ok((w) => sys(w, {}), 7 as ObjId)).toBe(false);
    expect(ok((w) => sys(w, { ret: -2 }))).toBe(false);
    expect(ok((w) => sys(w, { cmd: 'BPF_MAP_DELETE_ELEM' }))).toBe(false);
    expect(ok((w) => sys(w, { map: w.map2 }))).toBe(false);
    expect(ok((w) => sys(w, { cgroup: w.cg2 }))).toBe(false);
    expect(ok((w) => sys(w, { actor: w.b.id }))).toBe(false);
  });

  it('NEW map: the write must come after the unlink', () => {
    const w = makeWorld();
    expect(
      reached('element-replaced-while-held', w, write(w, 1000001 as ObjId), unlink(w, w.user.id), sys(w, {})),
    ).toBe(false);
  });

  it('deprecated map: a write to a buffer no storage holds any more, after an update without BPF_F_LOCK', () => {
    const setup = () => {
      const w = makeWorld();
      const r = cgroupStorageMapAlloc(w.k, {
        name: 'cs',
        mapType: 'cgroup_storage',
        keySize: 16,
        valueSize: 8,
      });
      if (!r.ok) throw new Error('map');
      const s = bpfCgroupStorageAlloc(w.k, w.user, cgroupStorageMapOf(w.k, r.value));
      if (!s.ok) throw new Error('alloc');
      runToCompletion(bpfCgroupStorageLink(w.k, w.user, s.value, w.cg, 'cgroup_inet_egress'));
      return { w, cs: r.value, storage: s.value, buf: s.value.buf! };
    };
    const a = setup();
    expect(reached('element-replaced-while-held', a.w, write(a.w, a.buf), sys(a.w, { map: a.cs }))).toBe(
      false,
    );
    expect(reached('element-replaced-while-held', a.w, write(a.w, a.buf))).toBe(false);
    a.w.k.memory.alloc(8001 as ObjId, 'storage_buf', 'cs buf', [0]);
    const old = a.buf;
    a.storage.buf = 8001 as ObjId;
    expect(reached('element-replaced-while-held', a.w, write(a.w, old))).toBe(true);
    const b = setup();
    b.storage.buf = 8001 as ObjId;
    b.w.k.memory.alloc(8001 as ObjId, 'storage_buf', 'cs buf', [0]);
    expect(
      reached(
        'element-replaced-while-held',
        b.w,
        sys(b.w, { map: b.cs, flags: BPF_F_LOCK }),
        write(b.w, b.buf),
      ),
    ).toBe(false);
    expect(
      reached('element-replaced-while-held', b.w, sys(b.w, { map: b.cs, ret: -2 }), write(b.w, b.buf)),
    ).toBe(false);
    expect(reached('element-replaced-while-held', b.w, sys(b.w, { map: b.w.map }), write(b.w, b.buf))).toBe(
      false,
    );
    expect(
      reached('element-replaced-while-held', b.w, sys(b.w, { map: b.cs }), write(b.w, 1000001 as ObjId)),
    ).toBe(false);
  });
});
