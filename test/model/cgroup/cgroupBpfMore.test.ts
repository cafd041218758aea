import { describe, expect, it } from 'vitest';
import { cgroupGet, cgroupRmdir } from '../../../model/cgroup/cgroup.js';
import {
  BPF_F_ALLOW_MULTI,
  bpfProgRunArrayCg,
  cgroupBpfOf,
  effectiveProgs,
} from '../../../model/cgroup/cgroupBpf.js';
import {
  BPF_CGROUP_MAX_PROGS,
  cgroupBpfAttach,
  cgroupBpfDetach,
} from '../../../model/cgroup/cgroupBpfAttach.js';
import { cgroupStorageMapAlloc, cgroupStorageMapOf } from '../../../model/cgroupStorage/cgroupStorage.js';
import { E2BIG, EINVAL, ENOENT, ENOMEM, EPERM, err, OK0 } from '../../../model/core/errno.js';
import type { CgroupId, CpuNo, MapId } from '../../../model/core/ids.js';
import { runToCompletion, type Step } from '../../../model/core/step.js';
import type { ModelOptions } from '../../../model/kernel/kernel.js';
import type { AttachType, BpfProgram } from '../../../model/programs/bpfProgram.js';
import { kworker, rcuWorker } from '../../../model/sync/rcuWorker.js';
import { runAll, start } from '../driver.js';
import { load, makeKernel } from '../selftests/fixture.js';

const COUNT = ['call get_local_storage map=cs', 'atomic_add [r0+0] 1', 'exit 1'];
const EGRESS: AttachType = 'cgroup_inet_egress';

function world(options: ModelOptions = {}, choose?: (n: number) => number) {
  const { k, cpu0, user } = makeKernel(options);
  const a = k.addActor('A', 'cpu', 1 as CpuNo);
  const kw = k.addActor('kw', 'kworker', 0 as CpuNo);
  const rcu = k.addActor('rcu', 'rcu', 1 as CpuNo);
  const drain = () => runAll([start(k, rcu, rcuWorker(k, rcu)), start(k, kw, kworker(k, kw))]);
  if (choose !== undefined) (k as { choose: (n: number) => number }).choose = choose;
  const root = k.cgroups.mkdir(null, 'root');
  const parent = k.cgroups.mkdir(root, 'parent');
  const child = k.cgroups.mkdir(parent, 'child');
  const other = k.cgroups.mkdir(root, 'other');
  const r = cgroupStorageMapAlloc(k, { name: 'cs', mapType: 'cgroup_storage', keySize: 16, valueSize: 8 });
  if (!r.ok) throw new Error('map');
  const cs: MapId = r.value;
  const prog = (name: string, insns: readonly string[] = COUNT, section = 'cgroup_skb/egress') =>
    load(k, { name, section, insns }, { maps: { cs } });
  const attach = (cg: CgroupId, p: BpfProgram, flags = BPF_F_ALLOW_MULTI, atype = EGRESS) =>
    runToCompletion(cgroupBpfAttach(k, user, cg, p, atype, flags));
  const detach = (cg: CgroupId, p: BpfProgram) => runToCompletion(cgroupBpfDetach(k, user, cg, p, EGRESS));
  const names = (cg: CgroupId, atype = EGRESS) => effectiveProgs(k, cg, atype).map((i) => i.prog.name);
  return { k, cpu0, user, a, drain, root, parent, child, other, cs, prog, attach, detach, names };
}

function stepsOf<T>(op: Generator<Step, T, void>): { steps: Step[]; ret: T } {
  const steps: Step[] = [];
  for (;;) {
    const r = op.next();
    if (r.done) return { steps, ret: r.value };
    steps.push(r.value);
  }
}

describe('__cgroup_bpf_attach checks (kernel/bpf/cgroup.c)', () => {
  it('flags other than ALLOW_OVERRIDE and ALLOW_MULTI (BPF_F_REPLACE = 4 is not modelled) → -EINVAL', () => {
    const { parent, prog, attach } = world();
    expect(attach(parent, prog('p'), 4)).toEqual(err(EINVAL));
  });

  it('a cgroup program attached at another attach type than it was loaded for → -EINVAL', () => {
    const { parent, prog, attach } = world();
    expect(attach(parent, prog('p'), BPF_F_ALLOW_MULTI, 'cgroup_inet_ingress')).toEqual(err(EINVAL));
  });

  it('BPF_CGROUP_MAX_PROGS (64) programs per attach type; the 65th → -E2BIG', () => {
    const { parent, prog, attach } = world();
    expect(BPF_CGROUP_MAX_PROGS).toBe(64);
    for (let i = 0; i < 64; i++) expect(attach(parent, prog(`p${i}`, ['exit 1']))).toEqual(OK0);
    expect(attach(parent, prog('p64', ['exit 1']))).toEqual(err(E2BIG));
  });

  it('an allocation failure of the storage → -ENOMEM, and nothing is attached', () => {
    const { k, parent, cs, prog, attach, names } = world({ isAllocFailurePossible: true }, () => 1);
    expect(attach(parent, prog('p'))).toEqual(err(ENOMEM));
    expect(names(parent)).toEqual([]);
    expect(cgroupStorageMapOf(k, cs).list).toEqual([]);
  });
});

describe('attach and detach without BPF_F_ALLOW_MULTI (legacy)', () => {
  it('a second attach replaces the single program in place', () => {
    const { k, parent, prog, attach, names } = world();
    expect(attach(parent, prog('p1'), 0)).toEqual(OK0);
    expect(attach(parent, prog('p2'), 0)).toEqual(OK0);
    expect(
      cgroupBpfOf(k, parent)
        .progs.get(EGRESS)!
        .map((pl) => pl.prog?.name),
    ).toEqual(['p2']);
    expect(names(parent)).toEqual(['p2']);
  });

  it('detach removes the single program whatever program is named; then nothing is attached (-ENOENT)', () => {
    const { k, parent, prog, attach, detach, names } = world();
    attach(parent, prog('p1'), 0);
    expect(detach(parent, prog('unrelated'))).toEqual(OK0);
    expect(names(parent)).toEqual([]);
    expect(cgroupBpfOf(k, parent).progs.get(EGRESS)).toEqual([]);
    expect(detach(parent, prog('p1'))).toEqual(err(ENOENT));
  });
});

describe('detach with BPF_F_ALLOW_MULTI', () => {
  it('detaches the named program only; the flags reset once the last one is gone', () => {
    const { k, parent, prog, attach, detach, names } = world();
    const p1 = prog('p1');
    const p2 = prog('p2');
    attach(parent, p1);
    attach(parent, p2);
    expect(detach(parent, prog('p3'))).toEqual(err(ENOENT));
    expect(detach(parent, p2)).toEqual(OK0);
    expect(names(parent)).toEqual(['p1']);
    expect(
      cgroupBpfOf(k, parent)
        .progs.get(EGRESS)!
        .map((pl) => pl.prog?.name),
    ).toEqual(['p1']);
    expect(cgroupBpfOf(k, parent).flags.get(EGRESS)).toBe(BPF_F_ALLOW_MULTI);
    expect(detach(parent, p1)).toEqual(OK0);
    expect(cgroupBpfOf(k, parent).flags.get(EGRESS)).toBe(0);
    expect(attach(parent, prog('legacy'), 0)).toEqual(OK0);
  });

  it('a prog item of a program without a per-CPU storage has a NULL second slot', () => {
    const { k, parent, prog, attach } = world();
    attach(parent, prog('p'));
    const [item] = effectiveProgs(k, parent, EGRESS);
    expect(item!.cgroupStorage[0]).not.toBeNull();
    expect(item!.cgroupStorage[1]).toBeNull();
  });
});

describe('footprints of attach and of a program run', () => {
  it('attach writes the cgroup_bpf of the cgroup and of its descendants only', () => {
    const { k, parent, child, user, prog } = world();
    const { steps } = stepsOf(cgroupBpfAttach(k, user, parent, prog('p'), EGRESS, BPF_F_ALLOW_MULTI));
    const bpf = (cg: CgroupId) => ({ kind: 'write', obj: k.cgroups.get(cg).bpfObj });
    expect(steps[0]).toStrictEqual({
      label: 'lock cgroup_mutex',
      accesses: [{ kind: 'acquire', obj: k.cgroups.mutex }, bpf(parent)],
      blocker: { kind: 'lock', lock: k.cgroups.mutex },
    });
    expect(steps.find((s) => s.label.startsWith('__cgroup_bpf_attach'))).toStrictEqual({
      label: '__cgroup_bpf_attach(p)',
      accesses: [bpf(parent), bpf(child)],
    });
  });

  it('a program run reads the effective array in a step of its own; no bpf_cgroup_storage_set without the pre-5.14 bug', () => {
    const { k, cpu0, parent, prog, attach } = world();
    attach(parent, prog('p'));
    const { steps, ret } = stepsOf(bpfProgRunArrayCg(k, cpu0, parent, EGRESS));
    expect(ret).toBe(0);
    expect(steps[1]).toStrictEqual({
      label: `rcu_dereference(effective[${EGRESS}])`,
      accesses: [{ kind: 'read', obj: k.cgroups.get(parent).bpfObj }],
    });
    expect(steps.some((s) => s.label === 'bpf_cgroup_storage_set')).toBe(false);
  });

  it('the effective array is computed once and kept until an attach or detach recomputes it', () => {
    const { k, parent, prog, attach } = world();
    attach(parent, prog('p'));
    const a = effectiveProgs(k, parent, EGRESS);
    expect(effectiveProgs(k, parent, EGRESS)).toBe(a);
    const fresh = effectiveProgs(k, parent, 'cgroup_inet_ingress');
    expect(fresh).toEqual([]);
    expect(effectiveProgs(k, parent, 'cgroup_inet_ingress')).toBe(fresh);
  });
});

describe('program verdicts (bpf_prog_run_array_cg)', () => {
  it('on egress only bit 0 of the return value counts: 2 denies (-EPERM); on ingress 2 allows', () => {
    const { k, cpu0, parent, child, prog, attach } = world();
    attach(parent, prog('egress2', ['exit 2']));
    expect(runToCompletion(bpfProgRunArrayCg(k, cpu0, parent, EGRESS))).toBe(-EPERM);
    attach(
      child,
      prog('ingress2', ['exit 2'], 'cgroup_skb/ingress'),
      BPF_F_ALLOW_MULTI,
      'cgroup_inet_ingress',
    );
    expect(runToCompletion(bpfProgRunArrayCg(k, cpu0, child, 'cgroup_inet_ingress'))).toBe(0);
    attach(child, prog('egress3', ['exit 3']));
    expect(runToCompletion(bpfProgRunArrayCg(k, cpu0, child, EGRESS))).toBe(-EPERM);
  });
});

describe('cgroup_bpf_offline / cgroup_bpf_release', () => {
  it('offline makes records for the cgroup and its ancestors only; release empties the effective arrays even if an ancestor has MULTI programs', () => {
    const { k, user, root, parent, child, other, prog, attach, names } = world();
    attach(root, prog('r'));
    attach(child, prog('c'));
    expect(names(child)).toEqual(['c', 'r']);
    expect(runToCompletion(cgroupRmdir(k, user, child))).toEqual(OK0);
    expect(k.cgroupBpf.has(other)).toBe(false);
    const offline = stepsOf(k.work.items.shift()!.run(user)).steps;
    expect(offline[0]).toStrictEqual({
      label: 'lock cgroup_mutex',
      accesses: [
        { kind: 'acquire', obj: k.cgroups.mutex },
        { kind: 'write', obj: k.cgroups.get(child).bpfObj },
        { kind: 'release', obj: k.work.obj },
      ],
      blocker: { kind: 'lock', lock: k.cgroups.mutex },
    });
    expect(offline.find((s) => s.label === 'unlock cgroup_mutex')).toStrictEqual({
      label: 'unlock cgroup_mutex',
      accesses: [
        { kind: 'release', obj: k.cgroups.mutex },
        { kind: 'release', obj: k.work.obj },
        { kind: 'write', obj: k.cgroups.get(parent).bpfObj },
        { kind: 'write', obj: k.cgroups.get(root).bpfObj },
      ],
    });
    expect(cgroupBpfOf(k, child).isReleased).toBe(true);
    expect(names(child)).toEqual([]);
    expect(names(parent)).toEqual(['r']);
    const freeCb = k.rcu.queue.find((cb) => cb.label === 'free_cgroup_storage_rcu')!;
    freeCb.run();
    const storageObj = freeCb.objs.at(-1)!;
    expect(k.memory.get(storageObj).freedBy).toBe('user cgroup_bpf_release');
  });

  it("rmdir's cgroup_bpf_offline takes a cgroup reference and kills the cgroup_bpf ref in a step writing it", () => {
    const { k, user, parent, child, attach, prog } = world();
    attach(child, prog('c'));
    const { steps } = stepsOf(cgroupRmdir(k, user, child));
    expect(steps.map((s) => s.label)).toEqual([
      'lock cgroup_mutex',
      'cgroup_get(child)',
      'percpu_ref_kill(&cgrp->bpf.refcnt)',
      'percpu_ref_kill(child)',
      'unlock cgroup_mutex',
    ]);
    expect(steps[2]).toStrictEqual({
      label: 'percpu_ref_kill(&cgrp->bpf.refcnt)',
      accesses: [
        { kind: 'write', obj: k.cgroups.get(child).bpfObj },
        { kind: 'release', obj: k.work.obj },
      ],
    });
    expect(k.cgroups.get(child).refcnt).toBe(1);
    expect(k.cgroups.get(parent).state).toBe('online');
  });

  it('parent offline makes the record of a descendant still offline (it pins the parent cgroup_bpf): no release yet', () => {
    const { k, user, a, root, parent, child, prog, attach } = world();
    runToCompletion(cgroupGet(k, a, child));
    expect(runToCompletion(cgroupRmdir(k, user, child))).toEqual(OK0);
    expect(k.cgroupBpf.has(child)).toBe(false);
    attach(root, prog('r'));
    expect(runToCompletion(cgroupRmdir(k, user, parent))).toEqual(OK0);
    expect(k.cgroupBpf.get(child)?.refcnt).toBe(1);
    expect(k.cgroupBpf.get(parent)?.refcnt).toBe(1);
    expect(k.work.items.map((w) => w.label)).toEqual([]);
  });

  it('a descendant already freed gets no record: the parent cgroup_bpf is released at once', () => {
    const { k, user, root, parent, child, prog, attach, drain } = world();
    expect(runToCompletion(cgroupRmdir(k, user, child))).toEqual(OK0);
    expect(drain()).toBe(true);
    expect(k.cgroups.get(child).state).toBe('freed');
    attach(root, prog('r'));
    expect(runToCompletion(cgroupRmdir(k, user, parent))).toEqual(OK0);
    expect(k.cgroupBpf.has(child)).toBe(false);
    expect(k.work.items.map((w) => w.label)).toEqual([`cgroup_bpf_release(${parent})`]);
  });
});
