/**
 * The four differences the seed document lists between BPF_MAP_TYPE_CGRP_STORAGE
 * (`new`) and the deprecated BPF_MAP_TYPE_CGROUP_STORAGE (`old`), each observable
 * side by side in one scenario (Documentation/bpf/map_cgrp_storage.rst):
 * (1) program types, (2) many cgroups vs the one attached cgroup, (3) run-time vs
 * attach-time allocation, (4) program delete vs no delete but at release.
 */
import type { ScenarioBuilder } from '../format/builder.js';
import { scenario } from '../format/builder.js';

/** `__sync_fetch_and_add(bpf_get_local_storage(&old, 0), 1)`: never NULL, never checked. */
const OLD_COUNT = ['call get_local_storage map=old', 'atomic_add [r0+0] 1'];

/** `ptr = bpf_cgrp_storage_get(&new, cg, 0, F_CREATE); if (ptr) __sync_fetch_and_add(ptr, 1);` */
const newCount = (cg: 'current' | 'ctx'): string[] => [
  `call get map=new cg=${cg} flags=F_CREATE`,
  'jnull r0 +1',
  'atomic_add [r0+0] 1',
];

/** Both maps, 8-byte counters, in a cgroup `app` under `root`. */
function base(name: string, description: string): ScenarioBuilder {
  return scenario(name)
    .describe(description)
    .kernel('6.2')
    .expect('pass')
    .param('packets', { default: 2, min: 1, max: 8, description: 'program runs per CPU' })
    .cgroup('root')
    .cgroup('app', { parent: 'root' })
    .map('new', { type: 'cgrp_storage', valueSize: 8 })
    .map('old', { type: 'cgroup_storage', valueSize: 8 });
}

/**
 * (1) `deprecated-vs-new-prog-types`: a tracing program and a cgroup_skb program both
 * count in the NEW map; only the cgroup_skb program can use the deprecated one (a
 * tracing program calling bpf_get_local_storage fails to load: a test shows it).
 */
export const deprecatedVsNewProgTypes = base(
  'deprecated-vs-new-prog-types',
  'new map from a tp_btf and a cgroup_skb program, the deprecated one from the cgroup_skb program only',
)
  .program('trace_count', { type: 'tp_btf', attach: 'sys_enter', insns: [...newCount('current'), 'exit 0'] })
  .program('skb_count', {
    type: 'cgroup_skb',
    attach: 'egress',
    insns: [...OLD_COUNT, ...newCount('ctx'), 'exit 1'],
  })
  .attach('skb_count', 'app')
  // Two first creates racing would lose one (-EEXIST, NULL): difference 3, shown below.
  .setup([{ op: 'update', map: 'new', cgroup: 'app', value: [0] }])
  .cpu('tracer', { cgroup: 'app', run: [{ program: 'trace_count', times: '$packets' }] })
  .cpu('sender', { cgroup: 'app', run: [{ hook: 'egress', times: '$packets' }] })
  .user('reader', [
    { op: 'lookup', map: 'new', cgroup: 'app' },
    { op: 'lookup', map: 'old', cgroup: 'app', attachType: 'egress' },
  ])
  .check('atomic-add', 'deprecated-semantics')
  .expectFinal(
    { map: 'new', cgroup: 'app', value: [2], times: '$packets' },
    { map: 'old', cgroup: 'app', attachType: 'egress', value: ['$packets'] },
  );

/**
 * (2) `deprecated-vs-new-cgroups`: one program attached at `app` runs for packets of
 * its children `a` and `b`; the NEW map keeps one counter per child cgroup, the
 * deprecated map only the attach cgroup's.
 */
export const deprecatedVsNewCgroups = base(
  'deprecated-vs-new-cgroups',
  "new map: storage for each child cgroup; deprecated map: only the attach cgroup's, shared by its children",
)
  .cgroup('a', { parent: 'app' })
  .cgroup('b', { parent: 'app' })
  .program('skb_count', {
    type: 'cgroup_skb',
    attach: 'egress',
    insns: [...OLD_COUNT, ...newCount('ctx'), 'exit 1'],
  })
  .attach('skb_count', 'app')
  .cpu('sender_a', { cgroup: 'a', run: [{ hook: 'egress', times: '$packets' }] })
  .cpu('sender_b', { cgroup: 'b', run: [{ hook: 'egress', times: '$packets' }] })
  .user('reader', [
    { op: 'lookup', map: 'old', cgroup: 'app', attachType: 'egress' },
    { op: 'lookup', map: 'new', cgroup: 'a' },
    { op: 'lookup', map: 'old', cgroup: 'a', attachType: 'egress' },
  ])
  .check('atomic-add', 'deprecated-semantics')
  .expectFinal(
    { map: 'new', cgroup: 'a', value: ['$packets'] },
    { map: 'new', cgroup: 'b', value: ['$packets'] },
    { map: 'new', cgroup: 'app' },
    { map: 'old', cgroup: 'app', attachType: 'egress', value: [2], times: '$packets' },
    { map: 'old', cgroup: 'a', attachType: 'egress' },
    { map: 'old', cgroup: 'b', attachType: 'egress' },
  );

/**
 * (3) `deprecated-vs-new-allocation`: a tracing program peeks at the NEW storage
 * without F_CREATE while a cgroup_skb program creates it: the peek may see NULL
 * (`get-returned-null`); bpf_get_local_storage never does (the storage exists from
 * attach, `deprecated-semantics`).
 */
export const deprecatedVsNewAllocation = base(
  'deprecated-vs-new-allocation',
  'new map allocates at run time (get may return NULL); deprecated allocates at attach (never NULL)',
)
  .program('peek', {
    type: 'tp_btf',
    attach: 'sys_enter',
    insns: ['call get map=new cg=current', 'jnull r0 +1', 'ld r1 [r0+0]', 'exit 0'],
  })
  .program('skb_count', {
    type: 'cgroup_skb',
    attach: 'egress',
    insns: [...OLD_COUNT, ...newCount('ctx'), 'exit 1'],
  })
  .attach('skb_count', 'app')
  .cpu('peeker', { cgroup: 'app', run: [{ program: 'peek', times: '$packets' }] })
  .cpu('sender', { cgroup: 'app', run: [{ hook: 'egress', times: '$packets' }] })
  .user('reader', [
    { op: 'lookup', map: 'old', cgroup: 'app', attachType: 'egress' },
    { op: 'lookup', map: 'new', cgroup: 'app' },
  ])
  .check('null-on-absent', 'deprecated-semantics', 'atomic-add')
  .reachability('get-returned-null')
  .expectFinal(
    { map: 'new', cgroup: 'app', value: ['$packets'] },
    { map: 'old', cgroup: 'app', attachType: 'egress', value: ['$packets'] },
  );

/**
 * (4) `deprecated-vs-new-delete`: programs on two CPUs create, count and delete their
 * NEW storage (it ends absent); userspace cannot delete the deprecated storage
 * (-EINVAL) nor create it (BPF_NOEXIST: -EINVAL), and it survives the detach of a
 * second program that shares it.
 */
export const deprecatedVsNewDelete = base(
  'deprecated-vs-new-delete',
  'new map: programs delete their storage; deprecated map: userspace delete is -EINVAL and storage survives detach',
)
  .program('count_and_drop', {
    type: 'tp_btf',
    attach: 'sys_enter',
    insns: [...newCount('current'), 'call delete map=new cg=current', 'exit 0'],
  })
  .program('skb_count', { type: 'cgroup_skb', attach: 'egress', insns: [...OLD_COUNT, 'exit 1'] })
  .program('skb_peek', {
    type: 'cgroup_skb',
    attach: 'egress',
    insns: ['call get_local_storage map=old', 'ld r1 [r0+0]', 'exit 1'],
  })
  .attach('skb_count', 'app')
  .attach('skb_peek', 'app')
  .cpus(2, { name: 'dropper', cgroup: 'app', run: [{ program: 'count_and_drop', times: '$packets' }] })
  .cpu('sender', { cgroup: 'app', run: [{ hook: 'egress', times: '$packets' }] })
  .user('admin', [
    { op: 'delete', map: 'old', cgroup: 'app', attachType: 'egress' },
    { op: 'update', map: 'old', cgroup: 'app', attachType: 'egress', value: [7], flags: ['BPF_NOEXIST'] },
    { op: 'detach', program: 'skb_peek', cgroup: 'app' },
    { op: 'lookup', map: 'old', cgroup: 'app', attachType: 'egress' },
    { op: 'delete', map: 'new', cgroup: 'app' },
  ])
  .check('deprecated-semantics', 'atomic-add')
  .reachability('racing-deletes')
  .expectFinal(
    { map: 'new', cgroup: 'app' },
    { map: 'old', cgroup: 'app', attachType: 'egress', value: ['$packets'] },
  );
