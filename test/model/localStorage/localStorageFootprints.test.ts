import { describe, expect, it } from 'vitest';
import type { Step } from '../../../model/core/step.js';
import type { Kernel } from '../../../model/kernel/kernel.js';
import { objectName } from '../../../model/kernel/objectName.js';
import { BPF_ANY, smapOf } from '../../../model/localStorage/localStorage.js';
import {
  bpfLocalStorageDestroy,
  bpfLocalStorageMapFree,
} from '../../../model/localStorage/localStorageTeardown.js';
import { bpfLocalStorageUpdate } from '../../../model/localStorage/localStorageUpdate.js';
import { makeWorld } from '../world.js';

/**
 * Footprints of the storage operations run alone, one line per step: `label | accesses [blocker]`,
 * objects by name. What DPOR sees of each operation; a changed lock, order or access shows here.
 */
function show(k: Kernel, steps: readonly Step[]): string[] {
  const name = (obj: number): string =>
    obj === k.rcuOpenObj
      ? 'RCU opens'
      : obj === k.rcuCloseObj
        ? 'RCU closes'
        : (objectName(k, obj as never) ?? String(obj));
  return steps.map(
    (s) =>
      `${s.label} | ${s.accesses.map((a) => `${a.kind} ${name(a.obj)}`).join(', ')}${s.blocker ? ` [${s.blocker.kind}]` : ''}`,
  );
}

function collect<T>(op: Generator<Step, T, void>): { steps: Step[]; ret: T } {
  const steps: Step[] = [];
  for (;;) {
    const r = op.next();
    if (r.done) return { steps, ret: r.value };
    steps.push(r.value);
  }
}

const E1_UPDATE1 = [
  'rcu_dereference(cg->bpf_cgrp_storage) | read cgroup cg',
  'lock m1 bucket 0 | acquire lock m1 bucket 0, write m1 bucket 0 list [lock]',
  'unlock m1 bucket 0 | release lock m1 bucket 0, write cgroup cg',
];
const E1_UPDATE2 = [
  'rcu_dereference(cg->bpf_cgrp_storage) | read cgroup cg',
  'hlist_empty(&local_storage->list) | read bpf_local_storage of cg',
  'lock owner lock of cg (1000002) | acquire lock owner lock of cg (1000002), write bpf_local_storage of cg [lock]',
  'lock m1 bucket 1 | acquire lock m1 bucket 1, write m1 bucket 1 list [lock]',
  'unlock m1 bucket 1 | release lock m1 bucket 1, write bpf_local_storage of cg, write cgroup cg, read m1 bucket 0 list',
  'lock m1 bucket 0 | acquire lock m1 bucket 0, write m1 bucket 0 list [lock]',
  'unlock m1 bucket 0 | release lock m1 bucket 0, write bpf_local_storage of cg, write cgroup cg',
  'unlock owner lock of cg (1000002) | release lock owner lock of cg (1000002), release RCU grace period, read RCU opens, read RCU closes',
];
const E1_DESTROY = [
  'lock owner lock of cg (1000002) | acquire lock owner lock of cg (1000002), write bpf_local_storage of cg, write cgroup cg [lock]',
  'bpf_selem_unlink_map | read m2 bucket 1 list, write bpf_local_storage of cg, write cgroup cg',
  'lock m2 bucket 1 | acquire lock m2 bucket 1, write m2 bucket 1 list [lock]',
  'unlock m2 bucket 1 | release lock m2 bucket 1, write bpf_local_storage of cg, write cgroup cg',
  'bpf_selem_unlink_map | read m1 bucket 1 list, write bpf_local_storage of cg, write cgroup cg',
  'lock m1 bucket 1 | acquire lock m1 bucket 1, write m1 bucket 1 list [lock]',
  'unlock m1 bucket 1 | release lock m1 bucket 1, write bpf_local_storage of cg, write cgroup cg',
  'unlock owner lock of cg (1000002) | release lock owner lock of cg (1000002), release RCU grace period, read RCU opens, read RCU closes',
];
const E1_MAPFREE = [
  'kworker: synchronize_rcu(rcu) starts a grace period | read RCU opens, read RCU closes',
  'kworker: synchronize_rcu(rcu) waits | read RCU closes [gp]',
  'rcu_read_lock; walk bucket 0 | atomic RCU opens, read m1 bucket 0 list',
  'rcu_read_unlock | atomic RCU closes',
  'rcu_read_lock; walk bucket 1 | atomic RCU opens, read m1 bucket 1 list',
  'bpf_cgrp_storage_lock | write bpf_cgrp_storage_busy cpu0',
  'selem_linked_to_map_lockless | read m1 bucket 1 list',
  'lock m1 bucket 1 | acquire lock m1 bucket 1, write m1 bucket 1 list [lock]',
  'unlock m1 bucket 1 | release lock m1 bucket 1',
  'selem_linked_to_storage_lockless | read bpf_local_storage of cg2',
  'lock owner lock of cg2 (1000008) | acquire lock owner lock of cg2 (1000008), write bpf_local_storage of cg2, write cgroup cg2 [lock]',
  'unlock owner lock of cg2 (1000008) | release lock owner lock of cg2 (1000008), release RCU grace period, read RCU opens, read RCU closes',
  'bpf_cgrp_storage_unlock | write bpf_cgrp_storage_busy cpu0',
  'cond_resched_rcu; hlist_first_rcu(&b->list) | atomic RCU closes, atomic RCU opens, read m1 bucket 1 list',
  'rcu_read_unlock | atomic RCU closes',
  'kworker: synchronize_rcu(rcu) starts a grace period | read RCU opens, read RCU closes',
  'kworker: synchronize_rcu(rcu) waits | read RCU closes [gp]',
  'bpf_map_area_free(m1) | write map m1',
];
const E3_UPDATE1 = [
  'rcu_dereference(cg->bpf_cgrp_storage) | read cgroup cg',
  'raw_res_spin_lock m1 bucket 1 | acquire lock m1 bucket 1, read lock m1 bucket 1, write m1 bucket 1 list, write cgroup cg [lock]',
  'unlock m1 bucket 1 | release lock m1 bucket 1',
];
const E3_UPDATE2 = [
  'rcu_dereference(cg->bpf_cgrp_storage) | read cgroup cg',
  'hlist_empty(&local_storage->list) | read bpf_local_storage of cg',
  'raw_res_spin_lock owner lock of cg (1000002) | acquire lock owner lock of cg (1000002), read lock owner lock of cg (1000002), write bpf_local_storage of cg, release RCU grace period, read RCU opens, read RCU closes [lock]',
  'raw_res_spin_lock m1 bucket 1 | acquire lock m1 bucket 1, read lock m1 bucket 1, write m1 bucket 1 list, write bpf_local_storage of cg, write cgroup cg, read m1 bucket 1 list [lock]',
  'unlock m1 bucket 1 | release lock m1 bucket 1',
  'unlock owner lock of cg (1000002) | release lock owner lock of cg (1000002), release RCU grace period, read RCU opens, read RCU closes',
];
const E3_DESTROY = [
  'hlist_for_each_entry_rcu(&local_storage->list) | read bpf_local_storage of cg',
  'bpf_selem_unlink_nofail | read selem m2/cg, read bpf_local_storage of cg',
  'raw_res_spin_lock m2 bucket 1 | acquire lock m2 bucket 1, read lock m2 bucket 1, write m2 bucket 1 list, write bpf_local_storage of cg [lock]',
  'unlock m2 bucket 1 | release lock m2 bucket 1, write bpf_local_storage of cg',
  'raw_res_spin_lock owner lock of cg (1000002) | acquire lock owner lock of cg (1000002), read lock owner lock of cg (1000002), write bpf_local_storage of cg, write cgroup cg [lock]',
  'unlock owner lock of cg (1000002) | release lock owner lock of cg (1000002), write bpf_local_storage of cg',
  'bpf_selem_unlink_nofail: free | write bpf_local_storage of cg, release RCU grace period, read RCU opens, read RCU closes',
  'bpf_selem_unlink_nofail | read selem m1/cg, read bpf_local_storage of cg',
  'raw_res_spin_lock m1 bucket 1 | acquire lock m1 bucket 1, read lock m1 bucket 1, write m1 bucket 1 list, write bpf_local_storage of cg [lock]',
  'unlock m1 bucket 1 | release lock m1 bucket 1, write bpf_local_storage of cg',
  'raw_res_spin_lock owner lock of cg (1000002) | acquire lock owner lock of cg (1000002), read lock owner lock of cg (1000002), write bpf_local_storage of cg, write cgroup cg [lock]',
  'unlock owner lock of cg (1000002) | release lock owner lock of cg (1000002), write bpf_local_storage of cg',
  'bpf_selem_unlink_nofail: free | write bpf_local_storage of cg, release RCU grace period, read RCU opens, read RCU closes',
  'refcount_dec_and_test(&local_storage->owner_refcnt) | write bpf_local_storage of cg',
];
const E3_MAPFREE = [
  'kworker: synchronize_rcu(rcu) starts a grace period | read RCU opens, read RCU closes',
  'kworker: synchronize_rcu(rcu) waits | read RCU closes [gp]',
  'rcu_read_lock; walk bucket 0 | atomic RCU opens, read m1 bucket 0 list',
  'bpf_selem_unlink_nofail | read selem m1/cg2, read bpf_local_storage of cg2',
  'raw_res_spin_lock m1 bucket 0 | acquire lock m1 bucket 0, read lock m1 bucket 0, write m1 bucket 0 list, write bpf_local_storage of cg2 [lock]',
  'unlock m1 bucket 0 | release lock m1 bucket 0, write bpf_local_storage of cg2',
  'raw_res_spin_lock owner lock of cg2 (1000008) | acquire lock owner lock of cg2 (1000008), read lock owner lock of cg2 (1000008), write bpf_local_storage of cg2, write cgroup cg2 [lock]',
  'unlock owner lock of cg2 (1000008) | release lock owner lock of cg2 (1000008), write bpf_local_storage of cg2',
  'bpf_selem_unlink_nofail: free | write bpf_local_storage of cg2, release RCU grace period, read RCU opens, read RCU closes',
  'rcu_read_unlock | atomic RCU closes',
  'rcu_read_lock; walk bucket 1 | atomic RCU opens, read m1 bucket 1 list',
  'rcu_read_unlock | atomic RCU closes',
  'kworker: synchronize_rcu(rcu) starts a grace period | read RCU opens, read RCU closes',
  'kworker: synchronize_rcu(rcu) waits | read RCU closes [gp]',
  'kworker: rcu_barrier(tasks_trace) notes the queued callbacks | read RCU grace period',
  'kworker: rcu_barrier(tasks_trace) waits | write RCU grace period [until]',
  'kworker: rcu_barrier(rcu) notes the queued callbacks | read RCU grace period',
  'kworker: rcu_barrier(rcu) waits | write RCU grace period [until]',
  'bpf_map_area_free(m1) | write map m1',
];

const EXPECTED = {
  E1: { update1: E1_UPDATE1, update2: E1_UPDATE2, destroy: E1_DESTROY, mapFree: E1_MAPFREE },
  E3: { update1: E3_UPDATE1, update2: E3_UPDATE2, destroy: E3_DESTROY, mapFree: E3_MAPFREE },
};

describe.each(['E1', 'E3'] as const)('footprints of update, destroy and map_free, era %s', (era) => {
  function world() {
    const w = makeWorld({ era });
    return { ...w, smap: smapOf(w.k, w.map) };
  }

  it('bpf_local_storage_update: the first element (bpf_local_storage_alloc), then a BPF_ANY replacing it under the owner lock', () => {
    const w = world();
    const u1 = collect(bpfLocalStorageUpdate(w.k, w.a, w.smap, w.cg, [1, 2], BPF_ANY));
    expect(u1.ret).toEqual({ ok: true, value: 1_000_001 });
    expect(show(w.k, u1.steps)).toEqual(EXPECTED[era].update1);
    const u2 = collect(bpfLocalStorageUpdate(w.k, w.a, w.smap, w.cg, [3, 4], BPF_ANY));
    expect(u2.ret).toEqual({ ok: true, value: 1_000_004 });
    expect(show(w.k, u2.steps)).toEqual(EXPECTED[era].update2);
    // The replaced element waits for RCU tasks trace (reuse_now = false).
    expect(w.k.rcu.queue.map((c) => [c.label, c.flavour])).toEqual([
      ['bpf_selem_free(1000001)', 'tasks_trace'],
    ]);
  });

  it('bpf_local_storage_destroy of a cgroup with two elements, then the storage itself, all reuse_now', () => {
    const w = world();
    collect(bpfLocalStorageUpdate(w.k, w.a, w.smap, w.cg, [1, 2], BPF_ANY));
    collect(bpfLocalStorageUpdate(w.k, w.a, w.smap, w.cg, [3, 4], BPF_ANY));
    collect(bpfLocalStorageUpdate(w.k, w.a, smapOf(w.k, w.map2), w.cg, [5], BPF_ANY));
    const s = w.k.localStorages.storage(w.k.cgroups.get(w.cg).bpfCgrpStorage!);
    expect(show(w.k, collect(bpfLocalStorageDestroy(w.k, w.kw, s)).steps)).toEqual(EXPECTED[era].destroy);
    expect(w.k.rcu.queue.map((c) => [c.label, c.flavour])).toEqual([
      ['bpf_selem_free(1000001)', 'tasks_trace'],
      ['bpf_selem_free(1000005)', 'rcu'],
      ['bpf_selem_free(1000004)', 'rcu'],
      ['bpf_local_storage_free(1000002)', 'rcu'],
    ]);
    // E1/E2 unlink the last element with bpf_selem_unlink_storage_nolock, which clears the
    // cgroup's pointer; E3's nofail unlink leaves it to the cgroup being freed.
    expect(w.k.cgroups.get(w.cg).bpfCgrpStorage).toBe(era === 'E1' ? null : s.obj);
  });

  it('bpf_local_storage_map_free: synchronize_rcu, each bucket under rcu_read_lock, synchronize_rcu (E3: rcu_barriers), then the map', () => {
    const w = world();
    collect(bpfLocalStorageUpdate(w.k, w.a, w.smap, w.cg, [1, 2], BPF_ANY));
    collect(bpfLocalStorageUpdate(w.k, w.a, w.smap, w.cg, [3, 4], BPF_ANY));
    collect(bpfLocalStorageUpdate(w.k, w.a, smapOf(w.k, w.map2), w.cg, [5], BPF_ANY));
    const s = w.k.localStorages.storage(w.k.cgroups.get(w.cg).bpfCgrpStorage!);
    collect(bpfLocalStorageDestroy(w.k, w.kw, s));
    // One element left, of cg2 (owner lock 1000008).
    collect(bpfLocalStorageUpdate(w.k, w.a, w.smap, w.cg2, [1, 2], BPF_ANY));
    const steps = collect(bpfLocalStorageMapFree(w.k, w.kw, w.smap, true)).steps;
    expect(show(w.k, steps)).toEqual(EXPECTED[era].mapFree);
    expect(w.k.memory.isLive(w.smap.obj)).toBe(false);
  });
});

describe('E3 before the SELEM_*_UNLINKED handshake (hasUnlinkWithoutHandshakeBug)', () => {
  it('destroy: the owner lock around per-element bucket locks, no owner_refcnt wait; map_free: bpf_selem_unlink per element', () => {
    const w = makeWorld({ era: 'E3', hasUnlinkWithoutHandshakeBug: true });
    const smap = smapOf(w.k, w.map);
    collect(bpfLocalStorageUpdate(w.k, w.a, smap, w.cg, [1, 2], BPF_ANY));
    collect(bpfLocalStorageUpdate(w.k, w.a, smapOf(w.k, w.map2), w.cg, [5], BPF_ANY));
    const s = w.k.localStorages.storage(w.k.cgroups.get(w.cg).bpfCgrpStorage!);
    expect(show(w.k, collect(bpfLocalStorageDestroy(w.k, w.kw, s)).steps)).toEqual([
      'raw_res_spin_lock owner lock of cg (1000002) | acquire lock owner lock of cg (1000002), read lock owner lock of cg (1000002), write bpf_local_storage of cg, write cgroup cg [lock]',
      'raw_res_spin_lock m2 bucket 1 | acquire lock m2 bucket 1, read lock m2 bucket 1, write m2 bucket 1 list, write bpf_local_storage of cg, write cgroup cg [lock]',
      'unlock m2 bucket 1 | release lock m2 bucket 1, write bpf_local_storage of cg, write cgroup cg',
      'raw_res_spin_lock m1 bucket 1 | acquire lock m1 bucket 1, read lock m1 bucket 1, write m1 bucket 1 list, write bpf_local_storage of cg, write cgroup cg [lock]',
      'unlock m1 bucket 1 | release lock m1 bucket 1, write bpf_local_storage of cg, write cgroup cg',
      'unlock owner lock of cg (1000002) | release lock owner lock of cg (1000002), release RCU grace period, read RCU opens, read RCU closes',
    ]);
    expect(s.ownerRefcnt).toBe(0);
    expect(w.k.rcu.queue.map((c) => [c.label, c.flavour])).toEqual([
      ['bpf_selem_free(1000004)', 'rcu'],
      ['bpf_selem_free(1000001)', 'rcu'],
      ['bpf_local_storage_free(1000002)', 'rcu'],
    ]);
    collect(bpfLocalStorageUpdate(w.k, w.a, smap, w.cg2, [1, 2], BPF_ANY));
    expect(show(w.k, collect(bpfLocalStorageMapFree(w.k, w.kw, smap, false)).steps)).toEqual([
      'kworker: synchronize_rcu(rcu) starts a grace period | read RCU opens, read RCU closes',
      'kworker: synchronize_rcu(rcu) waits | read RCU closes [gp]',
      'rcu_read_lock; walk bucket 0 | atomic RCU opens, read m1 bucket 0 list',
      'rcu_read_unlock | atomic RCU closes',
      'rcu_read_lock; walk bucket 1 | atomic RCU opens, read m1 bucket 1 list',
      'selem_linked_to_storage_lockless | read bpf_local_storage of cg2',
      'raw_res_spin_lock owner lock of cg2 (1000007) | acquire lock owner lock of cg2 (1000007), read lock owner lock of cg2 (1000007), write bpf_local_storage of cg2 [lock]',
      'raw_res_spin_lock m1 bucket 1 | acquire lock m1 bucket 1, read lock m1 bucket 1, write m1 bucket 1 list [lock]',
      'unlock m1 bucket 1 | release lock m1 bucket 1, write bpf_local_storage of cg2, write cgroup cg2',
      'unlock owner lock of cg2 (1000007) | release lock owner lock of cg2 (1000007), release RCU grace period, read RCU opens, read RCU closes',
      'rcu_read_unlock | atomic RCU closes',
      'kworker: synchronize_rcu(rcu) starts a grace period | read RCU opens, read RCU closes',
      'kworker: synchronize_rcu(rcu) waits | read RCU closes [gp]',
      'kworker: rcu_barrier(tasks_trace) notes the queued callbacks | read RCU grace period',
      'kworker: rcu_barrier(tasks_trace) waits | write RCU grace period [until]',
      'kworker: rcu_barrier(rcu) notes the queued callbacks | read RCU grace period',
      'kworker: rcu_barrier(rcu) waits | write RCU grace period [until]',
      'bpf_map_area_free(m1) | write map m1',
    ]);
  });
});

describe('E1 map_free before c78f4afbd962 (isMapFreeBusyGuarded false)', () => {
  it('unlinks without taking the busy counter', () => {
    const w = makeWorld({ era: 'E1' });
    const smap = smapOf(w.k, w.map);
    collect(bpfLocalStorageUpdate(w.k, w.a, smap, w.cg, [1, 2], BPF_ANY));
    expect(show(w.k, collect(bpfLocalStorageMapFree(w.k, w.kw, smap, false)).steps)).toEqual([
      'kworker: synchronize_rcu(rcu) starts a grace period | read RCU opens, read RCU closes',
      'kworker: synchronize_rcu(rcu) waits | read RCU closes [gp]',
      'rcu_read_lock; walk bucket 0 | atomic RCU opens, read m1 bucket 0 list',
      'selem_linked_to_map_lockless | read m1 bucket 0 list',
      'lock m1 bucket 0 | acquire lock m1 bucket 0, write m1 bucket 0 list [lock]',
      'unlock m1 bucket 0 | release lock m1 bucket 0',
      'selem_linked_to_storage_lockless | read bpf_local_storage of cg',
      'lock owner lock of cg (1000002) | acquire lock owner lock of cg (1000002), write bpf_local_storage of cg, write cgroup cg [lock]',
      'unlock owner lock of cg (1000002) | release lock owner lock of cg (1000002), release RCU grace period, read RCU opens, read RCU closes',
      'cond_resched_rcu; hlist_first_rcu(&b->list) | atomic RCU closes, atomic RCU opens, read m1 bucket 0 list',
      'rcu_read_unlock | atomic RCU closes',
      'rcu_read_lock; walk bucket 1 | atomic RCU opens, read m1 bucket 1 list',
      'rcu_read_unlock | atomic RCU closes',
      'kworker: synchronize_rcu(rcu) starts a grace period | read RCU opens, read RCU closes',
      'kworker: synchronize_rcu(rcu) waits | read RCU closes [gp]',
      'bpf_map_area_free(m1) | write map m1',
    ]);
    expect(w.k.memory.get(smap.obj).freedBy).toBe('kworker bpf_local_storage_map_free');
    // bpf_selem_unlink(selem, reuse_now = true): a plain grace period for the element and the storage.
    expect(w.k.rcu.queue.map((c) => [c.label, c.flavour])).toEqual([
      ['bpf_selem_free(1000001)', 'rcu'],
      ['bpf_local_storage_free(1000002)', 'rcu'],
    ]);
  });

  it('E3 map_free through bpf_selem_unlink_nofail: both sides unlinked, sdata.smap and selem->local_storage cleared, no call left in flight', () => {
    const w = makeWorld({ era: 'E3' });
    const smap = smapOf(w.k, w.map);
    const r = collect(bpfLocalStorageUpdate(w.k, w.a, smap, w.cg, [1, 2], BPF_ANY)).ret;
    const sel = w.k.localStorages.selem(r.ok ? r.value : (0 as never));
    collect(bpfLocalStorageMapFree(w.k, w.kw, smap, false));
    expect([sel.isInMap, sel.isInStorage, sel.smap, sel.storage, sel.state, sel.nofailInFlight]).toEqual([
      false,
      false,
      null,
      null,
      0,
      0,
    ]);
  });
});
