/**
 * An attach updates the effective arrays of the whole subtree
 * (update_effective_progs, kernel/bpf/cgroup.c), so a packet sent from a child
 * races with an attach to its parent: DPOR must order the two both ways.
 */
import { describe, expect, it } from 'vitest';
import { check } from '../../../scenarios/api/api.js';
import { scenario } from '../../../scenarios/format/builder.js';

/** One packet from the child while userspace attaches a counting program to the parent. */
const attachToParent = scenario('attach-to-parent')
  .describe("a child's packet runs the program userspace attaches to its parent meanwhile, or not")
  .kernel('6.2')
  .expect('pass')
  .cgroup('root')
  .cgroup('parent', { parent: 'root' })
  .cgroup('child', { parent: 'parent' })
  .map('cgroup_storage', { type: 'cgroup_storage', valueSize: 8, key: 'shared' })
  .program('egress', {
    type: 'cgroup_skb',
    attach: 'egress',
    insns: ['call get_local_storage map=cgroup_storage', 'atomic_add [r0+0] 1', 'exit 1'],
  })
  .cpu('sender', { cgroup: 'child', run: [{ hook: 'egress' }] })
  .user('admin', [{ op: 'attach', program: 'egress', cgroup: 'parent' }])
  .expectFinal({ map: 'cgroup_storage', cgroup: 'parent', reachable: [[1], [0]] });

describe("attach to a parent and a child's packet", () => {
  it('dpor reaches both outcomes: the packet counted by the new program, and sent before it was there', async () => {
    const r = await check(attachToParent, { strategy: 'dpor', runs: 10_000 });
    expect([r.verdict, r.complete, r.unreached]).toEqual(['pass', true, []]);
  });
});
