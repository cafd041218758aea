import { describe, expect, it } from 'vitest';
import { EEXIST, EINVAL, ENOENT, ENOMEM, err, ok } from '../../../model/core/errno.js';
import { type Step, step } from '../../../model/core/step.js';
import {
  BPF_ANY,
  BPF_EXIST,
  BPF_F_LOCK,
  BPF_NOEXIST,
  smapOf,
} from '../../../model/localStorage/localStorage.js';
import { bpfLocalStorageUpdate } from '../../../model/localStorage/localStorageUpdate.js';
import { makeWorld, slotsOf } from '../world.js';

function collect<T>(op: Generator<Step, T, void>): { labels: string[]; ret: T } {
  const labels: string[] = [];
  for (;;) {
    const r = op.next();
    if (r.done) return { labels, ret: r.value };
    labels.push(r.value.label);
  }
}

function world(opts = {}, choose?: (n: number) => number) {
  const w = makeWorld(opts, choose);
  const update = (map = w.map, value: number[] | undefined = [1, 2], flags = BPF_ANY, cg = w.cg) =>
    collect(bpfLocalStorageUpdate(w.k, w.a, smapOf(w.k, map), cg, value, flags));
  return { ...w, update };
}

describe('bpf_local_storage_update flags (kernel/bpf/bpf_local_storage.c)', () => {
  it('flags above BPF_EXIST, or BPF_F_LOCK on a value without a bpf_spin_lock → -EINVAL before any step', () => {
    const w = world();
    expect(w.update(w.map, [1], 3)).toEqual({ labels: [], ret: err(EINVAL) });
    expect(w.update(w.map, [1], BPF_F_LOCK)).toEqual({ labels: [], ret: err(EINVAL) });
    expect(w.update(w.map2, [1, 2, 3], BPF_F_LOCK).ret.ok).toBe(true);
  });

  it('BPF_F_LOCK on an existing element copies in place under its bpf_spin_lock, after a lookup that fills no cache', () => {
    const w = world();
    const first = w.update(w.map2, [1, 2, 3]);
    expect(first.ret.ok).toBe(true);
    const e = first.ret.ok ? first.ret.value : 0;
    const r = w.update(w.map2, [7, 8, 9], BPF_F_LOCK);
    expect(r.ret).toEqual(ok(e));
    expect(r.labels).toEqual([
      'rcu_dereference(cg->bpf_cgrp_storage)',
      'hlist_empty(&local_storage->list)',
      'bpf_local_storage_lookup(m2)',
      `lock bpf_spin_lock of selem ${e}`,
      `unlock bpf_spin_lock of selem ${e}`,
    ]);
    expect(slotsOf(w, e as never)).toEqual([0, 8, 9]);
    const s = w.k.localStorages.storage(w.k.cgroups.get(w.cg).bpfCgrpStorage!);
    expect(s.cache[smapOf(w.k, w.map2).cacheIdx]).toBeNull();
    // A value shorter than the map's: the missing slot reads 0.
    w.update(w.map2, [1, 2], BPF_F_LOCK | BPF_EXIST);
    expect(slotsOf(w, e as never)).toEqual([0, 2, 0]);
  });

  it('BPF_F_LOCK | BPF_EXIST without an element of this map (the owner has others) → -ENOENT from the lockless check', () => {
    const w = world();
    w.update(w.map, [1, 2]);
    const r = w.update(w.map2, [1], BPF_F_LOCK | BPF_EXIST);
    expect(r.ret).toEqual(err(ENOENT));
    expect(r.labels).toEqual([
      'rcu_dereference(cg->bpf_cgrp_storage)',
      'hlist_empty(&local_storage->list)',
      'bpf_local_storage_lookup(m2)',
    ]);
  });

  it('BPF_F_LOCK | BPF_NOEXIST skips the lockless path: under the owner lock, an element → -EEXIST; the new one is freed (reuse_now)', () => {
    const w = world();
    w.update(w.map2, [1, 2, 3]);
    const r = w.update(w.map2, [4], BPF_F_LOCK | BPF_NOEXIST);
    expect(r.ret).toEqual(err(EEXIST));
    expect(r.labels).toEqual([
      'rcu_dereference(cg->bpf_cgrp_storage)',
      'hlist_empty(&local_storage->list)',
      'lock owner lock of cg (1000003)',
      'unlock owner lock of cg (1000003)',
    ]);
    expect(w.k.rcu.queue.map((c) => [c.label, c.flavour])).toEqual([['bpf_selem_free(1000005)', 'rcu']]);
  });

  it('BPF_EXIST with no element of this map under the owner lock → -ENOENT; BPF_NOEXIST on none creates', () => {
    const w = world();
    w.update(w.map, [1, 2]);
    expect(w.update(w.map2, [1], BPF_EXIST).ret).toEqual(err(ENOENT));
    expect(w.update(w.map2, [1], BPF_NOEXIST).ret.ok).toBe(true);
  });

  it('on a first element, BPF_EXIST → -ENOENT and nothing is allocated', () => {
    const w = world();
    expect(w.update(w.map, [1], BPF_EXIST).ret).toEqual(err(ENOENT));
    expect(w.k.memory.liveOf('selem')).toEqual([]);
    expect(w.k.memory.liveOf('local_storage')).toEqual([]);
  });
});

describe("bpf_local_storage_update's record of a new element", () => {
  it("a 'selem-create' observation with the value and the element it replaces; the syscall origin saw no dying check", () => {
    const w = world();
    const a = w.update(w.map, [1, 2]).ret;
    const b = w.update(w.map, [3, 4]).ret;
    const creates = w.k.observations.filter((o) => o.kind === 'selem-create');
    expect(creates).toEqual([
      {
        kind: 'selem-create',
        actor: w.a.id,
        obj: a.ok ? a.value : 0,
        map: w.map,
        cgroup: w.cg,
        value: [1, 2],
        replaces: null,
        path: 'syscall',
        sawDying: null,
      },
      {
        kind: 'selem-create',
        actor: w.a.id,
        obj: b.ok ? b.value : 0,
        map: w.map,
        cgroup: w.cg,
        value: [3, 4],
        replaces: a.ok ? a.value : 0,
        path: 'syscall',
        sawDying: null,
      },
    ]);
    expect(w.k.memory.get(w.k.cgroups.get(w.cg).bpfCgrpStorage!).label).toBe('bpf_local_storage of cg');
  });

  it('fentry/bpf_local_storage_update: an attached program runs first, nested', () => {
    const w = world();
    w.k.attachHook('fentry/bpf_local_storage_update', function* (actor) {
      yield step(`prog on ${actor.name} depth ${actor.hookDepth}`);
    });
    expect(w.update().labels.slice(0, 2)).toEqual([
      'prog on A depth 1',
      'rcu_dereference(cg->bpf_cgrp_storage)',
    ]);
  });
});

describe('allocation failures of the first element (bpf_local_storage_alloc)', () => {
  it('the element fails → -ENOMEM after one step, nothing queued', () => {
    const w = world({ isAllocFailurePossible: true }, () => 1);
    expect(w.update()).toEqual({ labels: ['rcu_dereference(cg->bpf_cgrp_storage)'], ret: err(ENOMEM) });
    expect(w.k.rcu.queue).toEqual([]);
  });

  it('the storage fails → -ENOMEM; the element is uncharged and freed after a plain grace period', () => {
    let n = 0;
    const w = world({ isAllocFailurePossible: true }, () => (n++ === 1 ? 1 : 0));
    expect(w.update()).toEqual({
      labels: ['rcu_dereference(cg->bpf_cgrp_storage)', 'bpf_local_storage_alloc: uncharge'],
      ret: err(ENOMEM),
    });
    expect(w.k.rcu.queue.map((c) => [c.label, c.flavour])).toEqual([['bpf_selem_free(1000001)', 'rcu']]);
    expect(w.k.cgroups.get(w.cg).bpfCgrpStorage).toBeNull();
  });

  it('E3: the update of an owner with elements fails to allocate → -ENOMEM before the owner lock', () => {
    let n = 0;
    const w = world({ era: 'E3', isAllocFailurePossible: true }, () => (n++ >= 2 ? 1 : 0));
    expect(w.update().ret.ok).toBe(true);
    expect(w.update(w.map, [3, 4])).toEqual({
      labels: ['rcu_dereference(cg->bpf_cgrp_storage)', 'hlist_empty(&local_storage->list)'],
      ret: err(ENOMEM),
    });
  });
});
