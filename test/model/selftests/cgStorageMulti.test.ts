/**
 * tools/testing/selftests/bpf/prog_tests/cg_storage_multi.c and its progs, run
 * through the model in the selftest's own order. `struct cgroup_value {u32
 * egress_pkts; u32 ingress_pkts}` is modelled as two 8-byte slots (value size 16).
 * connect_send() from the child cgroup sends one UDP packet to a server in the same
 * cgroup: one egress run and one ingress run of the child's effective programs.
 */
import { describe, expect, it } from 'vitest';
import { BPF_F_ALLOW_MULTI, bpfProgRunArrayCg } from '../../../model/cgroup/cgroupBpf.js';
import { cgroupBpfAttach } from '../../../model/cgroup/cgroupBpfAttach.js';
import { type CgroupStorageKey, cgroupStorageMapAlloc } from '../../../model/cgroupStorage/cgroupStorage.js';
import { cgroupStorageLookupElem } from '../../../model/cgroupStorage/cgroupStorageSyscall.js';
import { ENOENT, err, OK0, ok } from '../../../model/core/errno.js';
import type { CgroupId, MapId } from '../../../model/core/ids.js';
import { runToCompletion } from '../../../model/core/step.js';
import { allocProgData, type BpfProgram } from '../../../model/programs/bpfProgram.js';
import { load, makeKernel } from './fixture.js';

/** egress: `__sync_fetch_and_add(&ptr_cg_storage->egress_pkts, 1); __sync_fetch_and_add(&invocations, 1); return 1;` */
const countIn = (slot: number): string[] => [
  'call get_local_storage map=cgroup_storage',
  `atomic_add [r0+${slot}] 1`,
  'atomic_add [data+0] 1',
  'exit 1',
];

/** test_cg_storage_multi(): /cgroup_storage and /cgroup_storage/child; one skeleton's map and programs. */
function setup(keySize: 8 | 16, sections: Record<string, string>) {
  const { k, cpu0, user } = makeKernel();
  const root = k.cgroups.mkdir(null, 'root');
  const parent = k.cgroups.mkdir(root, 'cgroup_storage');
  const child = k.cgroups.mkdir(parent, 'child');
  const r = cgroupStorageMapAlloc(k, {
    name: 'cgroup_storage',
    mapType: 'cgroup_storage',
    keySize,
    valueSize: 16,
  });
  if (!r.ok) throw new Error('map');
  const map: MapId = r.value;
  const data = allocProgData(k, 'cg_storage_multi', 1);
  const progs = new Map<string, BpfProgram>();
  for (const [name, section] of Object.entries(sections)) {
    const slot = section.includes('ingress') ? 1 : 0;
    progs.set(
      name,
      load(k, { name, section, insns: countIn(slot) }, { maps: { cgroup_storage: map }, data }),
    );
  }
  /** bpf_program__attach_cgroup: a link, so BPF_F_ALLOW_MULTI. */
  const attach = (name: string, cg: CgroupId) => {
    const p = progs.get(name)!;
    expect(runToCompletion(cgroupBpfAttach(k, user, cg, p, p.attachType!, BPF_F_ALLOW_MULTI))).toEqual(OK0);
  };
  const connectSend = () => {
    runToCompletion(bpfProgRunArrayCg(k, cpu0, child, 'cgroup_inet_egress'));
    runToCompletion(bpfProgRunArrayCg(k, cpu0, child, 'cgroup_inet_ingress'));
  };
  const invocations = (): number => k.memory.get(data).data![0]!;
  const lookup = (cg: CgroupId, attachType: CgroupStorageKey['attachType'] = 'cgroup_inet_egress') =>
    runToCompletion(cgroupStorageLookupElem(k, user, map, { cgroupInodeId: cg, attachType }));
  return { parent, child, attach, connectSend, invocations, lookup };
}

describe('cg_storage_multi', () => {
  it('egress_only: the parent’s program uses the parent’s storage for the child; the child gets its own only when attached', () => {
    const t = setup(16, { egress: 'cgroup_skb/egress' });
    t.attach('egress', t.parent);
    t.connectSend();
    expect(t.invocations()).toBe(1);
    expect(t.lookup(t.parent)).toEqual(ok([1, 0]));
    expect(t.lookup(t.child)).toEqual(err(ENOENT));

    t.attach('egress', t.child);
    t.connectSend();
    expect(t.invocations()).toBe(3);
    expect(t.lookup(t.parent)).toEqual(ok([2, 0]));
    expect(t.lookup(t.child)).toEqual(ok([1, 0]));
  });

  it('isolated: two egress programs share (cgroup, EGRESS); ingress has its own storage', () => {
    const t = setup(16, {
      egress1: 'cgroup_skb/egress/1',
      egress2: 'cgroup_skb/egress/2',
      ingress: 'cgroup_skb/ingress',
    });
    for (const p of ['egress1', 'egress2', 'ingress']) t.attach(p, t.parent);
    t.connectSend();
    expect(t.invocations()).toBe(3);
    expect(t.lookup(t.parent, 'cgroup_inet_egress')).toEqual(ok([2, 0]));
    expect(t.lookup(t.parent, 'cgroup_inet_ingress')).toEqual(ok([0, 1]));
    expect(t.lookup(t.child, 'cgroup_inet_egress')).toEqual(err(ENOENT));
    expect(t.lookup(t.child, 'cgroup_inet_ingress')).toEqual(err(ENOENT));

    for (const p of ['egress1', 'egress2', 'ingress']) t.attach(p, t.child);
    t.connectSend();
    expect(t.invocations()).toBe(9);
    expect(t.lookup(t.parent, 'cgroup_inet_egress')).toEqual(ok([4, 0]));
    expect(t.lookup(t.parent, 'cgroup_inet_ingress')).toEqual(ok([0, 2]));
    expect(t.lookup(t.child, 'cgroup_inet_egress')).toEqual(ok([2, 0]));
    expect(t.lookup(t.child, 'cgroup_inet_ingress')).toEqual(ok([0, 1]));
  });

  it('shared (u64 key): one storage per cgroup for every attach type', () => {
    const t = setup(8, {
      egress1: 'cgroup_skb/egress/1',
      egress2: 'cgroup_skb/egress/2',
      ingress: 'cgroup_skb/ingress',
    });
    for (const p of ['egress1', 'egress2', 'ingress']) t.attach(p, t.parent);
    t.connectSend();
    expect(t.invocations()).toBe(3);
    expect(t.lookup(t.parent)).toEqual(ok([2, 1]));
    expect(t.lookup(t.child)).toEqual(err(ENOENT));

    for (const p of ['egress1', 'egress2', 'ingress']) t.attach(p, t.child);
    t.connectSend();
    expect(t.invocations()).toBe(9);
    expect(t.lookup(t.parent)).toEqual(ok([4, 2]));
    expect(t.lookup(t.child)).toEqual(ok([2, 1]));
  });
});
