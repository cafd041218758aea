/**
 * Historical bugs of the DEPRECATED map (KERNEL-SEMANTICS section 6: 1, 2 and 8),
 * as before/after pairs; see historical.ts.
 */
import { bugs, pair } from './historicalPair.js';
import { LOCAL_STORAGE_COUNT } from './programs.js';

/**
 * Bug 1, pre-5.14 ("bpf: Fix NULL pointer dereference in bpf_get_local_storage()
 * helper", b910eaaaa4b8): two tasks on CPU 0 run egress programs of cgroups a and b;
 * task A is preempted under migrate_disable between bpf_cgroup_storage_set() and its
 * helper, and task B overwrites the per-CPU pointer.
 */
export const [percpuStoragePointerBefore, percpuStoragePointerAfter] = pair(
  'percpu-storage-pointer',
  { strategy: 'random', runs: 200 },
  (b) =>
    b
      .kernel('6.2')
      .cgroup('root')
      .cgroup('a', { parent: 'root' })
      .cgroup('b', { parent: 'root' })
      .map('old', { type: 'cgroup_storage', valueSize: 8 })
      .program('count', { type: 'cgroup_skb', attach: 'egress', insns: LOCAL_STORAGE_COUNT })
      .attach('count', 'a')
      .attach('count', 'b')
      .cpu('taskA', { cpu: 0, cgroup: 'a', run: [{ hook: 'egress' }] })
      .cpu('taskB', { cpu: 0, cgroup: 'b', run: [{ hook: 'egress' }] })
      .check('deprecated-semantics'),
  {
    describe:
      'pre-5.14 per-CPU storage pointer (b910eaaaa4b8): a preempted egress program on a shared CPU gets the other task’s storage',
    expect: 'deprecated-semantics',
    change: bugs('percpu-storage-pointer'),
  },
  {
    describe:
      'per-task storage (b910eaaaa4b8), now bpf_cg_run_ctx (c7603cfa04e7): each run keeps its own prog item’s storage on a shared CPU',
  },
);

/**
 * Bug 2, CVE-2025-38502 (abad3d0bad72): `caller` (8-byte storage) tail-calls
 * `callee` (64-byte storage), whose helper returns the caller's storage; reading its
 * word 7 is out of bounds. One task, one schedule.
 */
export const [tailCallStorageBefore, tailCallStorageAfter] = pair(
  'tail-call-storage',
  { strategy: 'dpor', runs: 100 },
  (b) =>
    b
      .kernel('6.2')
      .cgroup('root')
      .cgroup('app', { parent: 'root' })
      .map('small', { type: 'cgroup_storage', valueSize: 8 })
      .map('big', { type: 'cgroup_storage', valueSize: 64 })
      .program('caller', {
        type: 'cgroup_skb',
        attach: 'egress',
        insns: ['call get_local_storage map=small', 'tail_call 0', 'exit 1'],
        tailCalls: ['callee'],
      })
      .program('callee', {
        type: 'cgroup_skb',
        attach: 'egress',
        insns: ['call get_local_storage map=big', 'ld r1 [r0+7]', 'exit 1'],
      })
      .attach('caller', 'app')
      .cpu('task', { cgroup: 'app', run: [{ hook: 'egress' }] }),
  {
    describe:
      'CVE-2025-38502 (before abad3d0bad72): a tail call to a program with another storage reads past the caller’s 8-byte storage',
    expect: 'out-of-bounds',
    change: bugs('tail-call-storage-mismatch'),
  },
  {
    describe:
      'storage cookies (abad3d0bad72) keep the callee out of the prog array: the tail call falls through',
  },
);

/**
 * Bug 8, before 5828b9e5b272: BPF_MAP_GET_NEXT_KEY after the only key of a deprecated
 * map reads the list head as a storage.
 */
export const [getNextKeyPastEndBefore, getNextKeyPastEndAfter] = pair(
  'get-next-key-past-end',
  { strategy: 'dpor', runs: 100 },
  (b) =>
    b
      .kernel('6.2')
      .cgroup('root')
      .cgroup('app', { parent: 'root' })
      .map('old', { type: 'cgroup_storage', valueSize: 8 })
      .program('count', { type: 'cgroup_skb', attach: 'egress', insns: LOCAL_STORAGE_COUNT })
      .attach('count', 'app')
      .user('walker', [{ op: 'get-next-key', map: 'old', cgroup: 'app', attachType: 'egress' }]),
  {
    describe:
      'deprecated get_next_key past the last key (before 5828b9e5b272) reads the list head as a storage',
    expect: 'out-of-bounds',
    change: bugs('get-next-key-past-end'),
  },
  { describe: 'get_next_key past the last key gives -ENOENT (5828b9e5b272)' },
);
