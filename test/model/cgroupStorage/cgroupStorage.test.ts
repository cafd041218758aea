import { describe, expect, it } from 'vitest';
import { BPF_F_ALLOW_MULTI, bpfProgRunArrayCg } from '../../../model/cgroup/cgroupBpf.js';
import { cgroupBpfAttach } from '../../../model/cgroup/cgroupBpfAttach.js';
import {
  BPF_F_RDONLY,
  BPF_F_WRONLY,
  type CgroupStorageKey,
  type CgroupStorageMapAttr,
  cgroupStorageMapAlloc,
  cgroupStorageMapFree,
  cgroupStorageMapOf,
} from '../../../model/cgroupStorage/cgroupStorage.js';
import {
  cgroupStorageDeleteElem,
  cgroupStorageGetNextKey,
  cgroupStorageLookupElem,
  cgroupStorageUpdateElem,
} from '../../../model/cgroupStorage/cgroupStorageSyscall.js';
import { E2BIG, EINVAL, ENOENT, ENOMEM, type Errno, err, OK0, ok } from '../../../model/core/errno.js';
import type { CgroupId } from '../../../model/core/ids.js';
import { runToCompletion } from '../../../model/core/step.js';
import type { ModelOptions } from '../../../model/kernel/kernel.js';
import { BPF_ANY, BPF_EXIST, BPF_F_LOCK, BPF_NOEXIST } from '../../../model/localStorage/localStorage.js';
import { load, makeKernel } from '../selftests/fixture.js';

const ISOLATED: CgroupStorageMapAttr = { name: 'cs', mapType: 'cgroup_storage', keySize: 16, valueSize: 16 };

/** root ⊃ parent; an egress program counting packets in slot 0 of map `cs`, attached to parent. */
function world(attr: Partial<CgroupStorageMapAttr> = {}, options: ModelOptions = {}, choices: number[] = []) {
  const { k, cpu0, cpu1, user } = makeKernel(options);
  Object.assign(k, { choose: () => choices.shift() ?? 0 });
  const root = k.cgroups.mkdir(null, 'root');
  const parent = k.cgroups.mkdir(root, 'parent');
  const r = cgroupStorageMapAlloc(k, { ...ISOLATED, ...attr });
  if (!r.ok) throw new Error(`map create: ${r.errno}`);
  const map = r.value;
  const insns = ['call get_local_storage map=cs', 'atomic_add [r0+0] 1', 'exit 1'];
  const egress = load(k, { name: 'egress', section: 'cgroup_skb/egress', insns }, { maps: { cs: map } });
  expect(
    runToCompletion(cgroupBpfAttach(k, user, parent, egress, 'cgroup_inet_egress', BPF_F_ALLOW_MULTI)),
  ).toEqual(OK0);
  return { k, cpu0, cpu1, user, root, parent, map, egress };
}
const key = (
  cg: CgroupId,
  attachType: CgroupStorageKey['attachType'] = 'cgroup_inet_egress',
): CgroupStorageKey => ({
  cgroupInodeId: cg,
  attachType,
});

describe('cgroupStorageMapAlloc (cgroup_storage_map_alloc)', () => {
  it.each([
    ['a key that is neither the struct (16) nor u64 (8)', { keySize: 12 }, EINVAL],
    ['a zero value size', { valueSize: 0 }, EINVAL],
    ['a value over BPF_LOCAL_STORAGE_MAX_VALUE_SIZE (65407)', { valueSize: 65_408 }, E2BIG],
    [
      'a per-CPU value over PCPU_MIN_UNIT_SIZE (32768)',
      { mapType: 'percpu_cgroup_storage' as const, valueSize: 32_769 },
      E2BIG,
    ],
    ['BPF_F_NO_PREALLOC, outside LOCAL_STORAGE_CREATE_FLAG_MASK', { mapFlags: 1 }, EINVAL],
    ['both BPF_F_RDONLY and BPF_F_WRONLY', { mapFlags: BPF_F_RDONLY | BPF_F_WRONLY }, EINVAL],
    ['max_entries ≠ 0', { maxEntries: 1 }, EINVAL],
  ])('refuses %s', (_name, attr, errno) => {
    const { k } = makeKernel();
    expect(cgroupStorageMapAlloc(k, { ...ISOLATED, ...attr })).toEqual(err(errno as Errno));
    expect(k.maps.size).toBe(0);
  });

  it('creates an empty map: map 1, refcount 1, no storages', () => {
    const { k } = makeKernel();
    expect(cgroupStorageMapAlloc(k, { ...ISOLATED, valueSize: 65_407 })).toEqual(ok(1));
    const map = cgroupStorageMapOf(k, 1 as never);
    expect({ type: map.type, refcnt: map.refcnt, tree: map.tree, list: map.list }).toEqual({
      type: 'cgroup_storage',
      refcnt: 1,
      tree: [],
      list: [],
    });
  });
});

describe('userspace access to the deprecated map', () => {
  it('lookup: the attach-time storage (zeroed), -ENOENT for any other key', () => {
    const { k, user, root, parent, map } = world();
    const lookup = (kk: CgroupStorageKey) => runToCompletion(cgroupStorageLookupElem(k, user, map, kk));
    expect(lookup(key(parent))).toEqual(ok([0, 0]));
    expect(lookup(key(parent, 'cgroup_inet_ingress'))).toEqual(err(ENOENT));
    expect(lookup(key(root))).toEqual(err(ENOENT));
    expect(runToCompletion(cgroupStorageLookupElem(k, user, map, key(parent), BPF_F_LOCK))).toEqual(
      err(EINVAL),
    );
  });

  it('a u64-keyed (shared) map ignores the attach type', () => {
    const { k, user, parent, map } = world({ keySize: 8 });
    expect(
      runToCompletion(cgroupStorageLookupElem(k, user, map, key(parent, 'cgroup_inet_ingress'))),
    ).toEqual(ok([0, 0]));
  });

  it.each([
    ['BPF_NOEXIST', BPF_NOEXIST, EINVAL],
    ['BPF_F_LOCK without a spin lock in the value', BPF_F_LOCK, EINVAL],
    ['an unknown flag', 8, EINVAL],
  ])('update with %s → %i', (_name, flags, errno) => {
    const { k, user, parent, map } = world();
    expect(runToCompletion(cgroupStorageUpdateElem(k, user, map, key(parent), [5, 6], flags))).toEqual(
      err(errno as Errno),
    );
  });

  it('update cannot create: a missing key is -ENOENT; delete is always -EINVAL', () => {
    const { k, user, root, parent, map } = world();
    expect(runToCompletion(cgroupStorageUpdateElem(k, user, map, key(root), [1, 2], BPF_ANY))).toEqual(
      err(ENOENT),
    );
    expect(runToCompletion(cgroupStorageDeleteElem(k, user, map, key(parent)))).toEqual(err(EINVAL));
    expect(runToCompletion(cgroupStorageLookupElem(k, user, map, key(parent)))).toEqual(ok([0, 0]));
  });

  it('update (ANY or EXIST) swaps in a new buffer; the old one is freed after a grace period', () => {
    const { k, user, parent, map } = world();
    const storage = cgroupStorageMapOf(k, map).list[0]!;
    const oldBuf = storage.buf!;
    expect(runToCompletion(cgroupStorageUpdateElem(k, user, map, key(parent), [5, 6], BPF_EXIST))).toEqual(
      OK0,
    );
    expect(storage.buf).not.toBe(oldBuf);
    expect(runToCompletion(cgroupStorageLookupElem(k, user, map, key(parent)))).toEqual(ok([5, 6]));
    expect(k.rcu.queue.map((cb) => cb.label)).toEqual(['kfree_rcu(storage_buf)']);
    k.rcu.invoke(k.rcu.firstReady());
    expect(k.memory.isLive(oldBuf)).toBe(false);
  });

  it('F_LOCK copies in place under the value lock, leaving the lock slot alone', () => {
    const { k, user, parent, map } = world({ spinLockSlot: 1 });
    const storage = cgroupStorageMapOf(k, map).list[0]!;
    const buf = storage.buf;
    expect(
      runToCompletion(cgroupStorageUpdateElem(k, user, map, key(parent), [9, 9], BPF_F_LOCK | BPF_EXIST)),
    ).toEqual(OK0);
    expect(storage.buf).toBe(buf);
    expect(k.memory.get(buf!).data).toEqual([9, 0]);
    expect(k.rcu.queue).toEqual([]);
  });

  it('update may fail with -ENOMEM (GFP_NOWAIT) when allocation failures are a data choice', () => {
    const { k, user, parent, map } = world({}, { isAllocFailurePossible: true }, [0, 1]);
    expect(runToCompletion(cgroupStorageUpdateElem(k, user, map, key(parent), [5, 6], BPF_ANY))).toEqual(
      err(ENOMEM),
    );
  });

  it('a per-CPU map copies every CPU on lookup and update, and takes only ANY or EXIST', () => {
    const { k, cpu1, user, parent, map } = world({ mapType: 'percpu_cgroup_storage', valueSize: 8 });
    runToCompletion(bpfProgRunArrayCg(k, cpu1, parent, 'cgroup_inet_egress'));
    expect(runToCompletion(cgroupStorageLookupElem(k, user, map, key(parent)))).toEqual(ok([0, 1]));
    expect(runToCompletion(cgroupStorageUpdateElem(k, user, map, key(parent), [7, 8], BPF_F_LOCK))).toEqual(
      err(EINVAL),
    );
    expect(runToCompletion(cgroupStorageUpdateElem(k, user, map, key(parent), [7, 8], BPF_NOEXIST))).toEqual(
      err(EINVAL),
    );
    expect(runToCompletion(cgroupStorageUpdateElem(k, user, map, key(parent), [7, 8], BPF_EXIST))).toEqual(
      OK0,
    );
    expect(runToCompletion(cgroupStorageLookupElem(k, user, map, key(parent)))).toEqual(ok([7, 8]));
  });

  it('a program write through a pointer taken before a userspace update is lost (xchg + kfree_rcu)', () => {
    const { k, cpu0, user, parent, map } = world();
    const run = bpfProgRunArrayCg(k, cpu0, parent, 'cgroup_inet_egress');
    // Run the program up to its atomic_add: bpf_get_local_storage has returned the old buffer.
    for (let r = run.next(); !r.done && !r.value.label.includes('atomic_add'); r = run.next());
    expect(runToCompletion(cgroupStorageUpdateElem(k, user, map, key(parent), [100, 0], BPF_ANY))).toEqual(
      OK0,
    );
    expect(k.rcu.firstReady()).toBe(-1); // the program's RCU section keeps the old buffer alive
    runToCompletion(run);
    expect(runToCompletion(cgroupStorageLookupElem(k, user, map, key(parent)))).toEqual(ok([100, 0]));
    expect(k.memory.faults).toEqual([]);
  });
});

describe('cgroupStorageGetNextKey (cgroup_storage_get_next_key)', () => {
  function twoStorages(options: ModelOptions = {}) {
    const w = world({}, options);
    const child = w.k.cgroups.mkdir(w.parent, 'child');
    runToCompletion(cgroupBpfAttach(w.k, w.user, child, w.egress, 'cgroup_inet_egress', BPF_F_ALLOW_MULTI));
    const next = (kk: CgroupStorageKey | null) =>
      runToCompletion(cgroupStorageGetNextKey(w.k, w.user, w.map, kk));
    return { ...w, child, next };
  }

  it('walks list_map newest first, then -ENOENT after the last and for unknown keys', () => {
    const { next, parent, child, root } = twoStorages();
    expect(next(null)).toEqual(ok(key(child)));
    expect(next(key(child))).toEqual(ok(key(parent)));
    expect(next(key(parent))).toEqual(err(ENOENT));
    expect(next(key(root))).toEqual(err(ENOENT));
  });

  it('an empty map is -ENOENT', () => {
    const { k, user } = makeKernel();
    const map = cgroupStorageMapAlloc(k, ISOLATED);
    expect(map.ok && runToCompletion(cgroupStorageGetNextKey(k, user, map.value, null))).toEqual(err(ENOENT));
  });

  it('hasCgroupStorageNextKeyBug: past the last key the list head is read as a storage (5828b9e5b272)', () => {
    const { k, next, parent } = twoStorages({ hasCgroupStorageNextKeyBug: true });
    expect(next(key(parent))).toEqual(ok({ cgroupInodeId: 0, attachType: 'cgroup_inet_ingress' }));
    expect(k.memory.faults.map((f) => [f.kind, f.label])).toEqual([
      ['out-of-bounds', 'cs: list head read as a storage'],
    ]);
  });
});

describe('cgroupStorageMapFree (cgroup_storage_map_free)', () => {
  it('unlinks every storage under cgroup_mutex and frees them after a grace period', () => {
    const { k, user, parent, map } = world();
    const storage = cgroupStorageMapOf(k, map).list[0]!;
    runToCompletion(cgroupStorageMapFree(k, user, map));
    expect(cgroupStorageMapOf(k, map).list).toEqual([]);
    expect(k.cgroupBpf.get(parent)?.storages).toEqual([]);
    expect(k.rcu.queue.map((cb) => cb.label)).toEqual(['free_cgroup_storage_rcu']);
    k.rcu.invoke(0);
    expect([storage.obj, storage.buf!].map((o) => k.memory.isLive(o))).toEqual([false, false]);
  });
});
