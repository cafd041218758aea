/**
 * cleanup-on-free (invariant 8) piece by piece: when it is checked (at the
 * cgroup-free fact, once; at the end, for freed cgroups only) and what counts as
 * left over (an element in a bucket, one on a live owner list with no free
 * queued, a cgroup_bpf or deprecated map still holding the cgroup's storage),
 * with the exemptions (other cgroups, freed elements, E3 half-unlinked ones).
 * teardown.test.ts has the end-to-end cases.
 */
import { describe, expect, it } from 'vitest';
import { cgroupRmdir } from '../../model/cgroup/cgroup.js';
import { BPF_F_ALLOW_MULTI } from '../../model/cgroup/cgroupBpf.js';
import { cgroupBpfAttach } from '../../model/cgroup/cgroupBpfAttach.js';
import { cgroupStorageMapAlloc, cgroupStorageMapOf } from '../../model/cgroupStorage/cgroupStorage.js';
import { OK0 } from '../../model/core/errno.js';
import type { CgroupId, CpuNo, ObjId } from '../../model/core/ids.js';
import { runToCompletion, step } from '../../model/core/step.js';
import type { Kernel } from '../../model/kernel/kernel.js';
import { smapOf, unlinkMapNolock, unlinkSnode } from '../../model/localStorage/localStorage.js';
import { SELEM_UNLINKED } from '../../model/localStorage/localStorageState.js';
import { kworker, rcuWorker } from '../../model/sync/rcuWorker.js';
import { CLEANUP_ON_FREE, createCleanupOnFree, leftoverOf } from '../../properties/cleanupOnFree.js';
import { runAll, runOp, start } from '../model/driver.js';
import { load, makeKernel } from '../model/selftests/fixture.js';
import { drainDeferred } from '../model/world.js';
import { create, era, makeWorld, type World } from './fixture.js';

/** rmdir cg and let the kworker and RCU thread run the release and free work. */
function freeCgroup(w: World, cg: CgroupId = w.cg): void {
  runOp(w.k, w.user, cgroupRmdir(w.k, w.user, cg));
  if (!drainDeferred(w)) throw new Error('deferred work stalled');
}

/**
 * Replaces bpf_cgrp_storage_free with a broken one that clears the cgroup's
 * pointer and does `unlink` to each element, then frees the cgroup.
 */
function freeWith(w: World, unlink: (sel: ReturnType<Kernel['localStorages']['selem']>) => void): void {
  w.k.cgroups.onFree.length = 0;
  w.k.cgroups.onFree.push(function* brokenFree(k, _actor, cg) {
    yield step('bpf_cgrp_storage_free, broken', []);
    for (const sel of [...k.localStorages.selems.values()]) if (sel.cgroup === cg) unlink(sel);
    k.cgroups.get(cg).bpfCgrpStorage = null;
  });
  freeCgroup(w);
}

/** Unlinks `sel` from its map's bucket only. */
function unlinkFromMap(w: World, sel: ReturnType<Kernel['localStorages']['selem']>): void {
  unlinkMapNolock(smapOf(w.k, sel.map).buckets[sel.bucket]!, sel);
}

/** Runs an RCU worker and a kworker until they wait idle; false on a stall. */
function drainKernel(k: Kernel): boolean {
  const rcu = k.addActor('rcu', 'rcu', 0 as CpuNo);
  const kw = k.addActor('kworker', 'kworker', 0 as CpuNo);
  return runAll([start(k, rcu, rcuWorker(k, rcu)), start(k, kw, kworker(k, kw))]);
}

/** root ⊃ parent, deprecated map cs, one egress program attached to each of `on`. */
function deprecatedWorld(on: readonly ('root' | 'parent')[]) {
  const { k, user } = makeKernel();
  const root = k.cgroups.mkdir(null, 'root');
  const parent = k.cgroups.mkdir(root, 'parent');
  const r = cgroupStorageMapAlloc(k, { name: 'cs', mapType: 'cgroup_storage', keySize: 16, valueSize: 8 });
  if (!r.ok) throw new Error(`map create: ${r.errno}`);
  const insns = ['call get_local_storage map=cs', 'exit 1'];
  const egress = load(k, { name: 'egress', section: 'cgroup_skb/egress', insns }, { maps: { cs: r.value } });
  for (const cg of on) {
    const id = cg === 'root' ? root : parent;
    expect(
      runToCompletion(cgroupBpfAttach(k, user, id, egress, 'cgroup_inet_egress', BPF_F_ALLOW_MULTI)),
    ).toEqual(OK0);
  }
  return { k, user, root, parent, map: r.value };
}

describe('cleanup-on-free: when it is checked', () => {
  it('checkStep reports at the cgroup-free fact, naming the cgroup, and only once', () => {
    const w = makeWorld();
    create(w, w.a);
    w.k.cgroups.onFree.length = 0;
    freeCgroup(w);
    const p = createCleanupOnFree();
    expect(p.checkStep?.(w.k)).toEqual({
      invariant: CLEANUP_ON_FREE,
      message: 'cgroup cg was freed but its bpf_cgrp_storage still points at storage 1000002 (1 element)',
    });
    // The fact is read; nothing new was appended.
    expect(p.checkStep?.(w.k)).toBeUndefined();
  });

  it('checkStep before the cgroup is freed: no cgroup-free fact yet, no violation', () => {
    const w = makeWorld();
    create(w, w.a);
    expect(createCleanupOnFree().checkStep?.(w.k)).toBeUndefined();
  });

  it('checkEnd alone reports a freed cgroup left with its storage', () => {
    const w = makeWorld();
    create(w, w.a);
    w.k.cgroups.onFree.length = 0;
    freeCgroup(w);
    expect(createCleanupOnFree().checkEnd?.(w.k)).toEqual({
      invariant: CLEANUP_ON_FREE,
      message: 'cgroup cg was freed but its bpf_cgrp_storage still points at storage 1000002 (1 element)',
    });
  });

  it('checkEnd looks at freed cgroups only: the live cg2 keeps its element, cg is freed clean', () => {
    const w = makeWorld();
    create(w, w.a, w.map, w.cg2);
    freeCgroup(w);
    expect([w.k.cgroups.get(w.cg).state, w.k.cgroups.get(w.cg2).state]).toEqual(['freed', 'online']);
    expect(leftoverOf(w.k, w.cg2)).toBe('its bpf_cgrp_storage still points at storage 1000002 (1 element)');
    const p = createCleanupOnFree();
    expect([p.checkStep?.(w.k), p.checkEnd?.(w.k)]).toEqual([undefined, undefined]);
  });
});

describe('cleanup-on-free: what is left over', () => {
  it('a pointer to a storage no longer tracked counts 0 elements', () => {
    const w = makeWorld();
    freeCgroup(w);
    w.k.cgroups.get(w.cg).bpfCgrpStorage = 42 as ObjId;
    expect(leftoverOf(w.k, w.cg)).toBe('its bpf_cgrp_storage still points at storage 42 (0 elements)');
  });

  it('an element unlinked from its bucket but still on its live owner list, no free queued', () => {
    const w = makeWorld();
    const elem = create(w, w.a)!;
    freeWith(w, (sel) => unlinkFromMap(w, sel));
    const sel = w.k.localStorages.selem(elem);
    expect([sel.isInMap, sel.isInStorage]).toEqual([false, true]);
    expect(leftoverOf(w.k, w.cg)).toBe(`element ${elem} of map m1 is still on its owner's list`);
  });

  it("an element on its owner's list is not left over once the owner storage's free is queued", () => {
    const w = makeWorld();
    const elem = create(w, w.a)!;
    freeWith(w, (sel) => unlinkFromMap(w, sel));
    const storage = w.k.localStorages.selem(elem).storage!;
    w.k.rcu.queue.push({
      label: 'storage free',
      flavour: 'rcu',
      readers: [],
      run: () => {},
      objs: [storage],
    });
    expect(leftoverOf(w.k, w.cg)).toBeUndefined();
  });

  it("an element off both lists is not cleanup-on-free's concern (no-leak reports it)", () => {
    const w = makeWorld();
    create(w, w.a);
    freeWith(w, (sel) => {
      unlinkFromMap(w, sel);
      unlinkSnode(w.k, w.b, w.k.localStorages.storage(sel.storage!), sel);
    });
    expect(leftoverOf(w.k, w.cg)).toBeUndefined();
  });

  it('an element still in a bucket is named as such even when it is also on the owner list', () => {
    const w = makeWorld();
    const elem = create(w, w.a)!;
    freeWith(w, () => {});
    expect(leftoverOf(w.k, w.cg)).toBe(`element ${elem} of map m1 is still in a bucket of the map`);
  });

  it("another cgroup's element in the same map is not the freed cgroup's leftover", () => {
    const w = makeWorld();
    create(w, w.a, w.map, w.cg2);
    freeWith(w, (sel) => unlinkFromMap(w, sel));
    expect(leftoverOf(w.k, w.cg)).toBeUndefined();
  });

  it('a freed element is not left over, whatever its flags say (no-use-after-free owns it)', () => {
    const w = makeWorld();
    const elem = create(w, w.a)!;
    freeCgroup(w);
    expect(w.k.memory.objects.get(elem)?.state).toBe('freed');
    Object.assign(w.k.localStorages.selem(elem), { isInMap: true });
    expect(leftoverOf(w.k, w.cg)).toBeUndefined();
  });

  it('E3: an element half-unlinked by bpf_selem_unlink_nofail is exempt; a fully linked one is not', () => {
    const w = makeWorld(era('E3'));
    const elem = create(w, w.a)!;
    w.k.cgroups.onFree.length = 0;
    freeCgroup(w);
    expect(leftoverOf(w.k, w.cg)).toBe(`element ${elem} of map m1 is still in a bucket of the map`);
    w.k.localStorages.selem(elem).state = SELEM_UNLINKED;
    expect(leftoverOf(w.k, w.cg)).toBeUndefined();
  });

  it('a cgroup_bpf that still lists the deprecated storage (cgroup_bpf_release never ran)', () => {
    const { k, user, parent } = deprecatedWorld(['parent']);
    k.cgroups.onOffline.length = 0;
    expect(runToCompletion(cgroupRmdir(k, user, parent))).toEqual(OK0);
    expect(drainKernel(k)).toBe(true);
    expect(k.cgroups.get(parent).state).toBe('freed');
    expect(leftoverOf(k, parent)).toBe('its cgroup_bpf still lists 1 deprecated storage');
  });

  it("the deprecated map may keep another cgroup's storage: root's stays when parent is freed", () => {
    const { k, user, root, parent, map } = deprecatedWorld(['root', 'parent']);
    // bpf_cgroup_storage_link adds at the head of map->list: the last attach first.
    expect(cgroupStorageMapOf(k, map).list.map((s) => s.key?.cgroupInodeId)).toEqual([parent, root]);
    expect(runToCompletion(cgroupRmdir(k, user, parent))).toEqual(OK0);
    expect(drainKernel(k)).toBe(true);
    expect(cgroupStorageMapOf(k, map).list.map((s) => s.key?.cgroupInodeId)).toEqual([root]);
    expect([leftoverOf(k, parent), createCleanupOnFree().checkEnd?.(k)]).toEqual([undefined, undefined]);
  });
});
