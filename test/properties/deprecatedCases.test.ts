/**
 * deprecated-semantics (invariants 21–22) case by case, on observations and map
 * lists written by hand: what the helper may return, what userspace may get from
 * an update or a delete of a shared or per-CPU map, and when an entry may leave.
 */
import { describe, expect, it } from 'vitest';
import { cgroupBpfOf } from '../../model/cgroup/cgroupBpf.js';
import {
  bpfCgroupStorageAlloc,
  bpfCgroupStorageLink,
  cgroupStorageMapAlloc,
  cgroupStorageMapOf,
} from '../../model/cgroupStorage/cgroupStorage.js';
import { EAGAIN, EINVAL, ENOENT, ENOMEM } from '../../model/core/errno.js';
import { asObjId, type MapId } from '../../model/core/ids.js';
import type { Observation } from '../../model/core/observation.js';
import { runToCompletion } from '../../model/core/step.js';
import { BPF_ANY, BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST } from '../../model/localStorage/localStorage.js';
import type { AttachType } from '../../model/programs/bpfProgram.js';
import { createDeprecatedSemantics } from '../../properties/deprecatedSemantics.js';
import { makeWorld, type World } from './fixture.js';

type Syscall = Extract<Observation, { kind: 'syscall' }>;
type LocalStorage = Extract<Observation, { kind: 'local-storage' }>;

function newMap(w: World, name: string, percpu = false, keySize = 16): MapId {
  const mapType = percpu ? 'percpu_cgroup_storage' : 'cgroup_storage';
  const r = cgroupStorageMapAlloc(w.k, { name, mapType, keySize, valueSize: 8 });
  if (!r.ok) throw new Error('map');
  return r.value;
}

/** Links a storage of `map` for cg under `type`; the storage. */
function link(w: World, map: MapId, type: AttachType = 'cgroup_inet_egress') {
  const s = bpfCgroupStorageAlloc(w.k, w.user, cgroupStorageMapOf(w.k, map));
  if (!s.ok) throw new Error('alloc');
  runToCompletion(bpfCgroupStorageLink(w.k, w.user, s.value, w.cg, type));
  return s.value;
}

const verdict = (w: World, ...obs: Observation[]) => {
  for (const o of obs) w.k.observe(o);
  return createDeprecatedSemantics().checkEnd?.(w.k)?.message;
};

describe('deprecated-semantics: bpf_get_local_storage', () => {
  const helper = (w: World, cs: MapId, o: Partial<LocalStorage>): LocalStorage => ({
    kind: 'local-storage',
    actor: w.a.id,
    prog: 'count',
    map: cs,
    storage: asObjId(900),
    storageMap: cs,
    expected: asObjId(900),
    ...o,
  });

  it("holds when it returns the running prog item's storage, of the map passed", () => {
    const w = makeWorld();
    const cs = newMap(w, 'cs');
    expect(verdict(w, helper(w, cs, {}))).toBeUndefined();
  });

  it('is violated by NULL, by another storage of that map or of another, and by no expected storage', () => {
    const cases = (o: (w: World, cs: MapId, big: MapId) => Partial<LocalStorage>) => {
      const w = makeWorld();
      const cs = newMap(w, 'cs');
      const big = newMap(w, 'big');
      return verdict(w, helper(w, cs, o(w, cs, big)));
    };
    expect(cases(() => ({ storage: null }))).toBe(
      'bpf_get_local_storage(cs) in count on A returned NULL; for an attached program it never does',
    );
    expect(cases(() => ({ storage: asObjId(901) }))).toBe(
      "bpf_get_local_storage(cs) in count on A returned storage 901 but the running prog item's storage is 900",
    );
    expect(cases((_w, _cs, big) => ({ storage: asObjId(901), storageMap: big }))).toBe(
      "bpf_get_local_storage(cs) in count on A returned storage 901 of map big but the running prog item's storage is 900",
    );
    expect(cases(() => ({ expected: null }))).toBe(
      "bpf_get_local_storage(cs) in count on A returned storage 900 but the running prog item's storage is NULL",
    );
  });
});

describe('deprecated-semantics: userspace updates and deletes', () => {
  const sys = (w: World, map: MapId, o: Partial<Syscall>): Syscall => ({
    kind: 'syscall',
    actor: w.user.id,
    cmd: 'BPF_MAP_UPDATE_ELEM',
    map,
    cgroup: w.cg,
    flags: BPF_ANY,
    ret: 0,
    existedBefore: true,
    ...o,
  });
  /** The verdict on one syscall on a fresh map `cs` (per-CPU if asked), with an entry for cg if `entry`. */
  const on = (o: Partial<Syscall>, opts: { percpu?: boolean; entry?: boolean } = {}) => {
    const w = makeWorld();
    const cs = newMap(w, 'cs', opts.percpu);
    if (opts.entry) link(w, cs);
    return verdict(w, sys(w, cs, o));
  };

  it('delete always gives -EINVAL', () => {
    expect(on({ cmd: 'BPF_MAP_DELETE_ELEM', ret: -EINVAL })).toBeUndefined();
    expect(on({ cmd: 'BPF_MAP_DELETE_ELEM', ret: -ENOENT })).toBe(
      'BPF_MAP_DELETE_ELEM(cs, cgroup cg, flags 0) by U returned -ENOENT: delete must always give -EINVAL',
    );
    expect(on({ cmd: 'BPF_MAP_DELETE_ELEM', ret: 0 })).toBe(
      'BPF_MAP_DELETE_ELEM(cs, cgroup cg, flags 0) by U returned 0: delete must always give -EINVAL',
    );
  });

  it('a shared map takes BPF_ANY, BPF_EXIST and BPF_F_LOCK; any other flag must give -EINVAL', () => {
    expect([BPF_ANY, BPF_EXIST, BPF_F_LOCK, BPF_F_LOCK | BPF_EXIST].map((flags) => on({ flags }))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(on({ flags: BPF_NOEXIST, ret: -EINVAL })).toBeUndefined();
    expect(on({ flags: BPF_NOEXIST, ret: 0 })).toBe(
      'BPF_MAP_UPDATE_ELEM(cs, cgroup cg, flags 1) by U returned 0: flags 1 must give -EINVAL (userspace cannot create)',
    );
    expect(on({ flags: 8, ret: -ENOENT })).toBe(
      'BPF_MAP_UPDATE_ELEM(cs, cgroup cg, flags 8) by U returned -ENOENT: flags 8 must give -EINVAL (userspace cannot create)',
    );
  });

  it('a per-CPU map takes only BPF_ANY and BPF_EXIST: BPF_F_LOCK must give -EINVAL', () => {
    const percpu = { percpu: true };
    expect([on({ flags: BPF_ANY }, percpu), on({ flags: BPF_EXIST }, percpu)]).toEqual([
      undefined,
      undefined,
    ]);
    expect(on({ flags: BPF_F_LOCK, ret: -EINVAL }, percpu)).toBeUndefined();
    expect(on({ flags: BPF_F_LOCK }, percpu)).toBe(
      'BPF_MAP_UPDATE_ELEM(cs, cgroup cg, flags 4) by U returned 0: flags 4 must give -EINVAL (userspace cannot create)',
    );
  });

  it('an update returns 0, -ENOENT, -EINVAL or -ENOMEM', () => {
    expect([0, -ENOENT, -EINVAL, -ENOMEM].map((ret) => on({ ret }))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(on({ ret: -EAGAIN })).toBe(
      'BPF_MAP_UPDATE_ELEM(cs, cgroup cg, flags 0) by U returned -EAGAIN: not a value this update returns',
    );
  });

  it('a successful update needs an entry: one that existed when it began, or one in the map now', () => {
    const message =
      'BPF_MAP_UPDATE_ELEM(cs, cgroup cg, flags 0) by U returned 0: it updated a key that has no entry; it must give -ENOENT';
    expect(on({ existedBefore: false })).toBe(message);
    expect(on({ existedBefore: false }, { entry: true })).toBeUndefined();
    expect(on({ existedBefore: true })).toBeUndefined();
    expect(on({ existedBefore: false, ret: -ENOENT })).toBeUndefined();
  });

  it('judges only the deprecated maps, and only updates and deletes', () => {
    const w = makeWorld();
    expect(
      verdict(w, sys(w, w.map, { ret: -EAGAIN }), sys(w, w.map, { cmd: 'BPF_MAP_DELETE_ELEM' })),
    ).toBeUndefined();
    const w2 = makeWorld();
    const cs = newMap(w2, 'cs');
    expect(verdict(w2, sys(w2, cs, { cmd: 'BPF_MAP_LOOKUP_ELEM', ret: -EAGAIN }))).toBeUndefined();
  });
});

describe('deprecated-semantics: entries', () => {
  it('may leave a map that is no longer live, or when their cgroup_bpf is released', () => {
    for (const how of ['map', 'cgroup'] as const) {
      const w = makeWorld();
      const cs = newMap(w, 'cs');
      link(w, cs);
      const p = createDeprecatedSemantics();
      expect(p.checkStep?.(w.k)).toBeUndefined();
      const m = cgroupStorageMapOf(w.k, cs);
      if (how === 'map') (m as { isLive: boolean }).isLive = false;
      else cgroupBpfOf(w.k, w.cg).isReleased = true;
      m.list.pop();
      expect([how, p.checkStep?.(w.k)]).toEqual([how, undefined]);
    }
  });

  it('a storage leaving while another one joins is still reported', () => {
    const w = makeWorld();
    const cs = newMap(w, 'cs');
    const first = link(w, cs);
    const p = createDeprecatedSemantics();
    expect(p.checkStep?.(w.k)).toBeUndefined();
    const m = cgroupStorageMapOf(w.k, cs);
    m.list.splice(m.list.indexOf(first), 1, link(w, cs, 'cgroup_inet_ingress'));
    m.list.pop();
    expect(m.list.length).toBe(1);
    expect(p.checkStep?.(w.k)?.message).toBe(
      `storage ${first.obj} left map cs while the map is live and cgroup cg is not released: entries survive detach`,
    );
  });

  it('is violated by two entries of one key; attach types are one key in a u64-keyed map', () => {
    const w = makeWorld();
    const cs = newMap(w, 'cs');
    const a = link(w, cs);
    expect(createDeprecatedSemantics().checkEnd?.(w.k)).toBeUndefined();
    link(w, cs, 'cgroup_inet_ingress');
    expect(createDeprecatedSemantics().checkEnd?.(w.k)).toBeUndefined();
    const b = link(w, cs);
    expect(createDeprecatedSemantics().checkEnd?.(w.k)?.message).toBe(
      `map cs holds two entries for cgroup cg, cgroup_inet_egress (${a.obj} and ${b.obj}): attach must reuse the existing storage`,
    );
    const w2 = makeWorld();
    const u64 = newMap(w2, 'u64', false, 8);
    const c = link(w2, u64);
    const d = link(w2, u64, 'cgroup_inet_ingress');
    expect(createDeprecatedSemantics().checkEnd?.(w2.k)?.message).toBe(
      `map u64 holds two entries for cgroup cg, cgroup_inet_egress (${c.obj} and ${d.obj}): attach must reuse the existing storage`,
    );
  });
});
