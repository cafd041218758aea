/** The shared evidence of the end-of-execution checks: who may have created or removed an element. */
import { describe, expect, it } from 'vitest';
import type { ObjId } from '../../model/core/ids.js';
import type { Observation } from '../../model/core/observation.js';
import { hasCreator, hasRemover, pendingFrees } from '../../properties/evidence.js';
import { makeWorld, type World } from './fixture.js';

type Helper = Extract<Observation, { kind: 'helper' }>;
type Syscall = Extract<Observation, { kind: 'syscall' }>;

const get = (w: World, o: Partial<Helper> = {}): Helper => ({
  kind: 'helper',
  actor: w.a.id,
  helper: 'bpf_cgrp_storage_get',
  map: w.map,
  cgroup: w.cg,
  flags: 1,
  ret: 5,
  existedBefore: false,
  ...o,
});
const update = (w: World, o: Partial<Syscall> = {}): Syscall => ({
  kind: 'syscall',
  actor: w.user.id,
  cmd: 'BPF_MAP_UPDATE_ELEM',
  map: w.map,
  cgroup: w.cg,
  flags: 0,
  ret: 0,
  existedBefore: true,
  ...o,
});
/** hasCreator(m1, cg) after observing what `obs` builds. */
function creator(obs: (w: World) => Observation[]): boolean {
  const w = makeWorld();
  for (const o of obs(w)) w.k.observe(o);
  return hasCreator(w.k, w.map, w.cg);
}
function remover(obs: (w: World) => Observation[]): boolean {
  const w = makeWorld();
  for (const o of obs(w)) w.k.observe(o);
  return hasRemover(w.k, w.map, w.cg);
}

describe('hasCreator', () => {
  it('a get(F_CREATE) of that map and cgroup that returned an element where none existed', () => {
    expect(creator((w) => [get(w)])).toBe(true);
    expect([
      creator((w) => [get(w, { flags: 0 })]),
      creator((w) => [get(w, { ret: null })]),
      creator((w) => [get(w, { existedBefore: true })]),
      creator((w) => [get(w, { map: w.map2 })]),
      creator((w) => [get(w, { cgroup: w.cg2 })]),
      creator((w) => [get(w, { helper: 'bpf_cgrp_storage_delete' })]),
    ]).toEqual([false, false, false, false, false, false]);
  });

  it('a successful BPF_MAP_UPDATE_ELEM of that map and cgroup', () => {
    expect(creator((w) => [update(w)])).toBe(true);
    expect([
      creator((w) => [update(w, { ret: -17 })]),
      creator((w) => [update(w, { map: w.map2 })]),
      creator((w) => [update(w, { cgroup: w.cg2 })]),
      creator((w) => [update(w, { cmd: 'BPF_MAP_LOOKUP_ELEM' })]),
    ]).toEqual([false, false, false, false]);
  });

  it('looks past facts that are not creations', () => {
    expect(creator((w) => [get(w, { flags: 0 }), update(w, { ret: -2 }), get(w)])).toBe(true);
  });
});

describe('hasRemover', () => {
  it('an unlink of that map and cgroup, a free of that cgroup, or map_free of that map', () => {
    const unlink = (
      w: World,
      o: Partial<Extract<Observation, { kind: 'selem-unlink' }>> = {},
    ): Observation => ({
      kind: 'selem-unlink',
      actor: w.b.id,
      obj: 5 as ObjId,
      map: w.map,
      cgroup: w.cg,
      ...o,
    });
    expect([
      remover((w) => [unlink(w)]),
      remover((w) => [{ kind: 'cgroup-free', actor: w.kw.id, cgroup: w.cg }]),
      remover((w) => [{ kind: 'map-free', actor: w.kw.id, map: w.map }]),
    ]).toEqual([true, true, true]);
    expect([
      remover((w) => [unlink(w, { map: w.map2 })]),
      remover((w) => [unlink(w, { cgroup: w.cg2 })]),
      remover((w) => [{ kind: 'cgroup-free', actor: w.kw.id, cgroup: w.cg2 }]),
      remover((w) => [{ kind: 'map-free', actor: w.kw.id, map: w.map2 }]),
      remover((w) => [update(w)]),
    ]).toEqual([false, false, false, false, false]);
  });
});

describe('pendingFrees', () => {
  it('every object of every queued RCU callback', () => {
    const w = makeWorld();
    expect(pendingFrees(w.k)).toEqual(new Set());
    w.k.rcu.queue.push({
      label: 'a',
      flavour: 'rcu',
      readers: [],
      run: () => {},
      objs: [1 as ObjId, 2 as ObjId],
    });
    w.k.rcu.queue.push({ label: 'b', flavour: 'rcu', readers: [], run: () => {}, objs: [3 as ObjId] });
    expect(pendingFrees(w.k)).toEqual(new Set([1, 2, 3]));
  });
});
