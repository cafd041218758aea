/**
 * The kernel selftests of tools/testing/selftests/bpf/prog_tests/cg_storage_multi.c
 * (the deprecated BPF_MAP_TYPE_CGROUP_STORAGE) as concurrent scenarios: `$cpus`
 * tasks in the child cgroup each send one packet (one egress and one ingress run of
 * the child's effective programs, as connect_send() does) while userspace looks the
 * storages up; the counts the selftest asserts are checked at the end of every
 * execution. `struct cgroup_value {u32 egress_pkts; u32 ingress_pkts}` is two 8-byte
 * words; the .bss invocation counter is left out.
 */
import type { ScenarioBuilder } from '../format/builder.js';
import { scenario } from '../format/builder.js';
import type { StorageKey } from '../format/types.js';

/** `__sync_fetch_and_add(&ptr_cg_storage->{egress,ingress}_pkts, 1); return 1;` */
const countIn = (word: 0 | 1): string[] => [
  'call get_local_storage map=cgroup_storage',
  `atomic_add [r0+${word}] 1`,
  'exit 1',
];

/** /cgroup_storage and /cgroup_storage/child, one map, `$cpus` senders in the child. */
function multi(name: string, description: string, key: StorageKey): ScenarioBuilder {
  return scenario(name)
    .describe(description)
    .kernel('6.2')
    .expect('pass')
    .param('cpus', {
      default: 2,
      min: 1,
      max: 4,
      description: 'tasks in the child cgroup sending one packet each',
    })
    .cgroup('root')
    .cgroup('parent', { parent: 'root' })
    .cgroup('child', { parent: 'parent' })
    .map('cgroup_storage', { type: 'cgroup_storage', valueSize: 16, key })
    .cpus('$cpus', { name: 'sender', cgroup: 'child', run: [{ hook: 'egress' }, { hook: 'ingress' }] })
    .check('deprecated-semantics', 'atomic-add');
}

/** Two egress programs and one ingress program, attached at `cgroups`. */
function threePrograms(b: ScenarioBuilder, cgroups: readonly string[]): ScenarioBuilder {
  let out = b
    .program('egress1', { type: 'cgroup_skb', attach: 'egress', insns: countIn(0) })
    .program('egress2', { type: 'cgroup_skb', attach: 'egress', insns: countIn(0) })
    .program('ingress', { type: 'cgroup_skb', attach: 'ingress', insns: countIn(1) });
  for (const cg of cgroups) out = out.attach('egress1', cg).attach('egress2', cg).attach('ingress', cg);
  return out;
}

/**
 * `selftest-egress-only`: the parent's program counts the child's packets in the
 * parent's storage; userspace attaches it to the child meanwhile, which allocates the
 * child's own storage (its count depends on the interleaving, so only the parent's is fixed).
 */
export const selftestEgressOnly = multi(
  'selftest-egress-only',
  "cg_storage_multi egress_only: the child's packets count in the parent's storage while userspace attaches to the child",
  'isolated',
)
  .program('egress', { type: 'cgroup_skb', attach: 'egress', insns: countIn(0) })
  .attach('egress', 'parent')
  .user('test', [
    { op: 'lookup', map: 'cgroup_storage', cgroup: 'parent', attachType: 'egress' },
    { op: 'lookup', map: 'cgroup_storage', cgroup: 'child', attachType: 'egress' },
    { op: 'attach', program: 'egress', cgroup: 'child' },
    { op: 'lookup', map: 'cgroup_storage', cgroup: 'child', attachType: 'egress' },
  ])
  .expectFinal({
    map: 'cgroup_storage',
    cgroup: 'parent',
    attachType: 'egress',
    value: [1, 0],
    times: '$cpus',
  });

/** `selftest-isolated`: (cgroup, EGRESS) storage shared by both egress programs; ingress has its own. */
export const selftestIsolated = threePrograms(
  multi(
    'selftest-isolated',
    'cg_storage_multi isolated: two egress programs share (cgroup, EGRESS) storage, ingress its own',
    'isolated',
  ),
  ['parent', 'child'],
)
  .user('test', [
    { op: 'lookup', map: 'cgroup_storage', cgroup: 'parent', attachType: 'egress' },
    { op: 'lookup', map: 'cgroup_storage', cgroup: 'child', attachType: 'ingress' },
  ])
  .expectFinal(
    { map: 'cgroup_storage', cgroup: 'parent', attachType: 'egress', value: [2, 0], times: '$cpus' },
    { map: 'cgroup_storage', cgroup: 'parent', attachType: 'ingress', value: [0, 1], times: '$cpus' },
    { map: 'cgroup_storage', cgroup: 'child', attachType: 'egress', value: [2, 0], times: '$cpus' },
    { map: 'cgroup_storage', cgroup: 'child', attachType: 'ingress', value: [0, 1], times: '$cpus' },
  );

/** `selftest-shared`: a u64 key, so one storage per cgroup for every attach type. */
export const selftestShared = threePrograms(
  multi(
    'selftest-shared',
    'cg_storage_multi shared: a u64 key, one storage per cgroup for egress and ingress programs',
    'shared',
  ),
  ['parent', 'child'],
)
  .user('test', [
    { op: 'lookup', map: 'cgroup_storage', cgroup: 'parent' },
    { op: 'lookup', map: 'cgroup_storage', cgroup: 'child' },
  ])
  .expectFinal(
    { map: 'cgroup_storage', cgroup: 'parent', value: [2, 1], times: '$cpus' },
    { map: 'cgroup_storage', cgroup: 'child', value: [2, 1], times: '$cpus' },
  );
