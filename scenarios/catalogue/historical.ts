/**
 * The historical bugs of KERNEL-SEMANTICS section 6, one pair each: `<bug>-before`
 * models the kernel before the fix (an era or an `options.bugs` name) and expects
 * the invariant the bug broke; `<bug>-after` is the same scenario with the fix and
 * passes, with the same invariants checked. Both entries of a pair carry the budget
 * that gets their verdicts (`budget`, checked with the catalogue seed by
 * test/scenarios/catalogue/catalogue.test.ts and pinned in test/scenarios/catalogue/historical.test.ts):
 * dpor where the space is small enough to finish, else random.
 */
import type { ScenarioBuilder } from '../format/builder.js';
import {
  getNextKeyPastEndAfter,
  getNextKeyPastEndBefore,
  percpuStoragePointerAfter,
  percpuStoragePointerBefore,
  tailCallStorageAfter,
  tailCallStorageBefore,
} from './historicalDeprecated.js';
import { bugs, pair } from './historicalPair.js';

/** A pair sharing `base`; `before` adds what restores the pre-fix kernel. */
/**
 * Bug 3, before c78f4afbd962 ("bpf: Fix deadlock when freeing cgroup storage"): the
 * kworker in map_free of `a` clears app's storage pointer under the owner lock; an
 * fentry program on cgroup_storage_ptr does get(b, F_CREATE) on the same cgroup and
 * spins on that owner lock. E1.
 */
export const [mapFreeDeadlockBefore, mapFreeDeadlockAfter] = pair(
  'map-free-deadlock',
  { strategy: 'random', runs: 200 },
  (b) =>
    b
      .kernel('6.2')
      .cgroup('root')
      .cgroup('app', { parent: 'root' })
      .map('a', { type: 'cgrp_storage', valueSize: 8 })
      .map('b', { type: 'cgrp_storage', valueSize: 8 })
      .program('nested', {
        type: 'fentry',
        attach: 'cgroup_storage_ptr',
        insns: ['call get map=b cg=ctx flags=F_CREATE', 'exit 0'],
      })
      .setup([{ op: 'update', map: 'a', cgroup: 'app', value: [1] }])
      .trace('nested')
      .user('closer', [{ op: 'close-map', map: 'a' }]),
  {
    describe:
      'map_free deadlock (before c78f4afbd962): a program under the owner lock in map_free creates storage for the same cgroup, taking the owner lock its interrupted context holds',
    expect: 'no-lock-while-busy',
    change: bugs('map-free-unguarded'),
  },
  {
    describe:
      'map_free holds the busy counter (c78f4afbd962): the nested create returns NULL and map_free ends',
  },
);

/**
 * Bug 4, before f4edc66e48a6: while get(a, F_CREATE) holds the busy counter inside
 * bpf_local_storage_update, an fentry program there looks up b, which exists. E1
 * returns NULL; E2 still looks up.
 */
export const [busyFalsePositiveBefore, busyFalsePositiveAfter] = pair(
  'busy-false-positive',
  { strategy: 'dpor', runs: 100 },
  (b) =>
    b
      .cgroup('root')
      .cgroup('app', { parent: 'root' })
      .map('a', { type: 'cgrp_storage', valueSize: 8 })
      .map('b', { type: 'cgrp_storage', valueSize: 8 })
      .program('create_a', {
        type: 'tp_btf',
        attach: 'sys_enter',
        insns: ['call get map=a cg=current flags=F_CREATE', 'exit 0'],
      })
      .program('peek_b', {
        type: 'fentry',
        attach: 'bpf_local_storage_update',
        insns: ['call get map=b cg=current', 'exit 0'],
      })
      .setup([{ op: 'update', map: 'b', cgroup: 'app', value: [7] }])
      .trace('peek_b')
      .cpu('task', { cgroup: 'app', run: [{ program: 'create_a' }] })
      .check('no-spurious-null'),
  {
    describe:
      'busy false positive (E1, before f4edc66e48a6): a nested lookup of an existing element fails while another map’s update holds the counter',
    expect: 'no-spurious-null',
    change: (b) => b.kernel('6.2'),
  },
  {
    describe: 'E2 (f4edc66e48a6): a busy get still looks up, so the nested lookup finds the element',
    change: (b) => b.kernel('6.15'),
  },
);

/**
 * Bug 5, the 7.0 series (merge db975debcb8c, "bpf: Remove cgroup local storage
 * percpu counter"): a BPF_MAP_LOOKUP_ELEM preempted on CPU 0 while it holds
 * bpf_cgrp_storage_busy makes the get(F_CREATE) of a task on that CPU return NULL.
 * E2 before, E3 after.
 */
export const [busyCrossTaskBefore, busyCrossTaskAfter] = pair(
  'busy-cross-task',
  { strategy: 'random', runs: 300 },
  (b) =>
    b
      .cgroup('root')
      .cgroup('app', { parent: 'root' })
      .map('a', { type: 'cgrp_storage', valueSize: 8 })
      .map('b', { type: 'cgrp_storage', valueSize: 8 })
      .program('create_b', {
        type: 'tp_btf',
        attach: 'sys_enter',
        insns: ['call get map=b cg=current flags=F_CREATE', 'exit 0'],
      })
      .user('reader', [{ op: 'lookup', map: 'a', cgroup: 'app' }], { cpu: 0 })
      .cpu('task', { cpu: 0, cgroup: 'app', run: [{ program: 'create_b' }] })
      .check('no-spurious-create-failure'),
  {
    describe:
      'spurious cross-task failure (E2): a syscall preempted while holding the busy counter makes another task’s create on that CPU fail',
    expect: 'no-spurious-create-failure',
    change: (b) => b.kernel('6.15'),
  },
  {
    describe: 'E3 (db975debcb8c): no busy counter; the create succeeds whatever else ran on the CPU',
    change: (b) => b.kernel('7.0'),
  },
);

/**
 * Bug 6, E3 before the SELEM_*_UNLINKED handshake (5d800f87d0a5, 0be08389c7f2):
 * the free of cgroup x (kworker) destroys x's element of n while `writer` replaces
 * y's element, holding the bucket lock x's and y's storages share; destroy's bucket
 * lock times out. Before the fix destroy only warns (WARN_ON_ONCE) and frees the
 * element while it is still in the bucket; with the handshake it marks it
 * SELEM_STORAGE_UNLINKED and leaves it to map_free. No map_free races here: with
 * one on the same owner the fixed kernel still leaks, as its comments admit
 * ("Highly unlikely scenario: memory leak", kernel-patches/bpf PR 11056).
 *
 */
export const [teardownHandshakeBefore, teardownHandshakeAfter] = pair(
  'teardown-handshake',
  { strategy: 'random', runs: 300 },
  (b) =>
    b
      .kernel('7.0')
      .cgroup('root')
      .cgroup('x', { parent: 'root' })
      .cgroup('y', { parent: 'root' })
      .cgroup('z', { parent: 'root' })
      .map('n', { type: 'cgrp_storage', valueSize: 8 })
      .setup([
        { op: 'update', map: 'n', cgroup: 'x', value: [1] },
        { op: 'update', map: 'n', cgroup: 'y', value: [2] },
      ])
      .user('admin', [{ op: 'rmdir', cgroup: 'x' }])
      .user('writer', [
        { op: 'update', map: 'n', cgroup: 'y', value: [3] },
        { op: 'update', map: 'n', cgroup: 'y', value: [4] },
      ]),
  {
    describe:
      'destroy before the nofail handshake (5d800f87d0a5): a bucket lock timeout frees an element still linked in its bucket',
    expect: 'double-link',
    change: (b) => b.options({ lockTimeouts: true, bugs: ['unlink-without-handshake'] }),
  },
  {
    describe:
      'bpf_selem_unlink_nofail (5d800f87d0a5): after a bucket lock timeout destroy marks the element for map_free instead of freeing it',
    change: (b) => b.options({ lockTimeouts: true }),
  },
);

/**
 * Bug 7, the 6.2 design's percpu_ref_is_dying() guard: an fexit program on
 * bpf_cgrp_storage_free creates storage for the cgroup being freed; nothing frees
 * it. One user, one schedule.
 */
export const [createOnDyingBefore, createOnDyingAfter] = pair(
  'create-on-dying',
  { strategy: 'random', runs: 200 },
  (b) =>
    b
      .kernel('6.2')
      .cgroup('root')
      .cgroup('app', { parent: 'root' })
      .map('m', { type: 'cgrp_storage', valueSize: 8 })
      .program('late', {
        type: 'fexit',
        attach: 'bpf_cgrp_storage_free',
        insns: ['call get map=m cg=ctx flags=F_CREATE', 'exit 0'],
      })
      .setup([{ op: 'update', map: 'm', cgroup: 'app', value: [1] }])
      .trace('late')
      .user('admin', [{ op: 'rmdir', cgroup: 'app' }])
      .check('no-create-on-dying'),
  {
    describe:
      'create on a dying cgroup (no percpu_ref_is_dying guard): storage created after bpf_cgrp_storage_free is never freed',
    expect: 'no-create-on-dying',
    change: bugs('create-on-dying'),
  },
  { describe: 'the percpu_ref_is_dying guard (6.2 design): a create on a dying cgroup returns NULL' },
);

/** Every historical pair, before then after, in section 6 order. */
export const HISTORICAL: readonly ScenarioBuilder[] = [
  percpuStoragePointerBefore,
  percpuStoragePointerAfter,
  tailCallStorageBefore,
  tailCallStorageAfter,
  mapFreeDeadlockBefore,
  mapFreeDeadlockAfter,
  busyFalsePositiveBefore,
  busyFalsePositiveAfter,
  busyCrossTaskBefore,
  busyCrossTaskAfter,
  teardownHandshakeBefore,
  teardownHandshakeAfter,
  createOnDyingBefore,
  createOnDyingAfter,
  getNextKeyPastEndBefore,
  getNextKeyPastEndAfter,
];
