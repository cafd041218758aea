import { describe, expect, it } from 'vitest';
import { cgroupRmdir } from '../../../model/cgroup/cgroup.js';
import {
  BPF_F_ALLOW_MULTI,
  BPF_F_ALLOW_OVERRIDE,
  bpfProgRunArrayCg,
  effectiveProgs,
} from '../../../model/cgroup/cgroupBpf.js';
import { cgroupBpfAttach, cgroupBpfDetach } from '../../../model/cgroup/cgroupBpfAttach.js';
import { cgroupStorageMapAlloc, cgroupStorageMapOf } from '../../../model/cgroupStorage/cgroupStorage.js';
import { EINVAL, ENOENT, EPERM, err, OK0 } from '../../../model/core/errno.js';
import type { CgroupId, CpuNo, MapId } from '../../../model/core/ids.js';
import { type Op, runToCompletion } from '../../../model/core/step.js';
import type { Actor, Kernel, ModelOptions } from '../../../model/kernel/kernel.js';
import type { BpfProgram } from '../../../model/programs/bpfProgram.js';
import { load, makeKernel } from '../selftests/fixture.js';

const COUNT = ['call get_local_storage map=cs', 'atomic_add [r0+0] 1', 'exit 1'];

function world(options: ModelOptions = {}) {
  const { k, cpu0, cpu1, user } = makeKernel(options);
  const root = k.cgroups.mkdir(null, 'root');
  const parent = k.cgroups.mkdir(root, 'parent');
  const child = k.cgroups.mkdir(parent, 'child');
  const newMap = (name: string, valueSize: number): MapId => {
    const r = cgroupStorageMapAlloc(k, { name, mapType: 'cgroup_storage', keySize: 16, valueSize });
    if (!r.ok) throw new Error('map');
    return r.value;
  };
  const cs = newMap('cs', 8);
  const prog = (name: string, insns: readonly string[], maps: Record<string, MapId> = { cs }, extra = {}) =>
    load(k, { name, section: 'cgroup_skb/egress', insns }, { maps, ...extra });
  const attach = (cg: CgroupId, p: BpfProgram, flags = BPF_F_ALLOW_MULTI) =>
    runToCompletion(cgroupBpfAttach(k, user, cg, p, 'cgroup_inet_egress', flags));
  const egress = (actor: Actor, cg: CgroupId): Op<number> =>
    bpfProgRunArrayCg(k, actor, cg, 'cgroup_inet_egress');
  return { k, cpu0, cpu1, user, root, parent, child, cs, newMap, prog, attach, egress };
}
const storageValue = (k: Kernel, map: MapId, cg: CgroupId): number[] | undefined => {
  const s = cgroupStorageMapOf(k, map).tree.find((x) => x.key?.cgroupInodeId === cg);
  return s === undefined ? undefined : k.memory.get(s.buf!).data;
};

describe('cgroupBpfAttach / cgroupBpfDetach (__cgroup_bpf_attach, __cgroup_bpf_detach)', () => {
  it('refuses bad flags, a non-cgroup program and a second attach of one program (MULTI)', () => {
    const { k, user, parent, prog, attach } = world();
    const p = prog('p', COUNT);
    expect(attach(parent, p, BPF_F_ALLOW_MULTI | BPF_F_ALLOW_OVERRIDE)).toEqual(err(EINVAL));
    const tracing = load(k, { name: 't', section: 'tp_btf/sys_enter', insns: ['exit 0'] }, { maps: {} });
    expect(runToCompletion(cgroupBpfAttach(k, user, parent, tracing, 'cgroup_inet_egress', 0))).toEqual(
      err(EINVAL),
    );
    expect(attach(parent, p)).toEqual(OK0);
    expect(attach(parent, p)).toEqual(err(EINVAL));
    expect(attach(parent, prog('q', COUNT), 0)).toEqual(err(EPERM)); // flags differ from the attached MULTI
  });

  it('a non-overridable parent program forbids child attaches; an overridable one yields to the child', () => {
    const { k, parent, child, prog, attach } = world();
    const p = prog('p', COUNT);
    const c = prog('c', COUNT);
    expect(attach(parent, p, 0)).toEqual(OK0);
    expect(attach(child, c, 0)).toEqual(err(EPERM));
    const w = world();
    expect(w.attach(w.parent, w.prog('p', COUNT), BPF_F_ALLOW_OVERRIDE)).toEqual(OK0);
    expect(w.attach(w.child, w.prog('c', COUNT), BPF_F_ALLOW_OVERRIDE)).toEqual(OK0);
    expect(effectiveProgs(w.k, w.child, 'cgroup_inet_egress').map((i) => i.prog.name)).toEqual(['c']);
    expect(effectiveProgs(k, child, 'cgroup_inet_egress').map((i) => i.prog.name)).toEqual(['p']);
  });

  it('MULTI effective arrays list the cgroup first, then each ancestor, each with its own storage', () => {
    const { k, parent, child, cs, prog, attach } = world();
    const p = prog('p', COUNT);
    attach(parent, p);
    attach(child, p);
    const items = effectiveProgs(k, child, 'cgroup_inet_egress');
    expect(items.map((i) => [i.prog.name, i.cgroupStorage[0]?.key?.cgroupInodeId])).toEqual([
      ['p', child],
      ['p', parent],
    ]);
    expect(cgroupStorageMapOf(k, cs).list.map((s) => s.key?.cgroupInodeId)).toEqual([child, parent]);
  });

  it('detach only recomputes the arrays: the storage stays linked and a re-attach reuses it (since 5.9)', () => {
    const { k, cpu0, user, parent, cs, prog, attach, egress } = world();
    const p = prog('p', COUNT);
    attach(parent, p);
    runToCompletion(egress(cpu0, parent));
    const storage = cgroupStorageMapOf(k, cs).list[0];
    expect(runToCompletion(cgroupBpfDetach(k, user, parent, p, 'cgroup_inet_egress'))).toEqual(OK0);
    expect(runToCompletion(cgroupBpfDetach(k, user, parent, p, 'cgroup_inet_egress'))).toEqual(err(ENOENT));
    expect(effectiveProgs(k, parent, 'cgroup_inet_egress')).toEqual([]);
    expect(cgroupStorageMapOf(k, cs).list).toEqual([storage]);
    attach(parent, p);
    runToCompletion(egress(cpu0, parent));
    expect(cgroupStorageMapOf(k, cs).list).toEqual([storage]);
    expect(storageValue(k, cs, parent)).toEqual([2]);
  });
});

describe('cgroup_bpf_offline / cgroup_bpf_release', () => {
  it('rmdir queues the release; it unlinks the storages, and frees them a grace period later', () => {
    const { k, user, parent, child, cs, prog, attach } = world();
    attach(child, prog('p', COUNT));
    const storage = cgroupStorageMapOf(k, cs).list[0]!;
    expect(runToCompletion(cgroupRmdir(k, user, child))).toEqual(OK0);
    expect(k.work.items.map((w) => w.label)).toEqual([`cgroup_bpf_release(${child})`]);
    runToCompletion(k.work.items.shift()!.run(user));
    expect(cgroupStorageMapOf(k, cs).list).toEqual([]);
    expect(k.cgroupBpf.get(parent)?.refcnt).toBe(1);
    expect(k.work.items.map((w) => w.label)).toEqual(['css_release_work_fn(child)']);
    expect(k.memory.isLive(storage.obj)).toBe(true);
    k.rcu.invoke(k.rcu.queue.findIndex((cb) => cb.label === 'free_cgroup_storage_rcu'));
    expect(k.memory.isLive(storage.obj)).toBe(false);
  });
});

describe('bpfProgRunArrayCg and bpf_get_local_storage', () => {
  it('returns 0 when every program allows, -EPERM when one returns 0', () => {
    const { cpu0, parent, prog, attach, egress } = world();
    attach(parent, prog('allow', COUNT));
    expect(runToCompletion(egress(cpu0, parent))).toBe(0);
    attach(parent, prog('deny', ['exit 0']));
    expect(runToCompletion(egress(cpu0, parent))).toBe(-EPERM);
  });

  /** Task A (cpu0) runs parent's program up to its helper; task B, on the same CPU, runs another cgroup's whole program. */
  function preemptedOnOneCpu(options: ModelOptions, otherInsns: readonly string[]) {
    const w = world(options);
    const other = w.k.cgroups.mkdir(w.root, 'other');
    const taskB = w.k.addActor('taskB', 'cpu', 0 as CpuNo);
    w.attach(w.parent, w.prog('a', COUNT));
    w.attach(other, w.prog('b', otherInsns));
    const a = w.egress(w.cpu0, w.parent);
    const stop = options.hasCgroupStoragePerCpuPtrBug ? 'this_cpu_read' : 'READ_ONCE';
    for (let r = a.next(); !r.done && !r.value.label.startsWith(stop); r = a.next());
    runToCompletion(w.egress(taskB, other));
    runToCompletion(a);
    return { ...w, other };
  }

  it('with bpf_cg_run_ctx a program preempted under migrate_disable keeps its own storage', () => {
    const { k, cs, parent, other } = preemptedOnOneCpu({}, COUNT);
    expect([storageValue(k, cs, parent), storageValue(k, cs, other)]).toEqual([[1], [1]]);
    expect(k.observations.filter((o) => o.kind === 'local-storage' && o.storage !== o.expected)).toEqual([]);
  });

  it('hasCgroupStoragePerCpuPtrBug: the preempted program gets the other task’s storage (pre-5.14)', () => {
    const { k, cs, parent, other, cpu0 } = preemptedOnOneCpu({ hasCgroupStoragePerCpuPtrBug: true }, COUNT);
    expect([storageValue(k, cs, parent), storageValue(k, cs, other)]).toEqual([[0], [2]]);
    const wrong = k.observations.filter((o) => o.kind === 'local-storage' && o.storage !== o.expected);
    expect(wrong.map((o) => o.kind === 'local-storage' && [o.actor, o.prog])).toEqual([[cpu0.id, 'a']]);
  });

  it('hasCgroupStoragePerCpuPtrBug: after a program without storage the pointer is NULL: a NULL dereference', () => {
    const { k } = preemptedOnOneCpu({ hasCgroupStoragePerCpuPtrBug: true }, ['exit 1']);
    expect(k.memory.faults.map((f) => f.kind)).toEqual(['null-deref']);
  });

  /** A (8-byte map `small`) tail-calls B, whose map `big` is 64 bytes and which reads its last slot. */
  function tailCallWorld(options: ModelOptions) {
    const w = world(options);
    const big = w.newMap('big', 64);
    const b = w.prog('b', ['call get_local_storage map=big', 'ld r1 [r0+7]', 'exit 1'], { big });
    const a = w.prog(
      'a',
      ['call get_local_storage map=cs', 'tail_call 0', 'exit 1'],
      { cs: w.cs },
      { tailCalls: [b] },
    );
    w.attach(w.parent, a);
    const ret = runToCompletion(w.egress(w.cpu0, w.parent));
    return { ...w, big, ret };
  }

  it('storage cookies keep B out of A’s prog array: the tail call falls through (abad3d0bad72)', () => {
    const { k, ret } = tailCallWorld({});
    expect(ret).toBe(0);
    expect(k.memory.faults).toEqual([]);
  });

  it('hasTailCallStorageCookieBug: B’s helper returns A’s 8-byte storage and reads past it (CVE-2025-38502)', () => {
    const { k, cs, big } = tailCallWorld({ hasTailCallStorageCookieBug: true });
    expect(k.memory.faults.map((f) => [f.kind, f.label])).toEqual([['out-of-bounds', 'slot 7 of 1']]);
    const obs = k.observations.filter((o) => o.kind === 'local-storage');
    expect(obs.map((o) => o.kind === 'local-storage' && [o.prog, o.map, o.storageMap])).toEqual([
      ['a', cs, cs],
      ['b', big, cs],
    ]);
  });
});
