import { describe, expect, it } from 'vitest';
import { cgrpStorageMapCreate } from '../../../model/cgrpStorage/cgrpStorageMap.js';
import { type Op, runToCompletion, type Step } from '../../../model/core/step.js';
import { type Actor, fireHook, type Kernel } from '../../../model/kernel/kernel.js';
import { allocProgData } from '../../../model/programs/bpfProgram.js';
import { attachTracing, runProg } from '../../../model/programs/interpreter.js';
import { exploreAll, load, makeKernel, startAt } from '../selftests/fixture.js';

/** Two tasks on two CPUs each run `insns` once on shared global data slot 0. */
function counterWorld(insns: readonly string[]) {
  return () => {
    const { k, cpu0, cpu1 } = makeKernel();
    const data = allocProgData(k, 'counter', 1);
    const prog = load(k, { name: 'inc', section: 'tp_btf/sys_enter', insns }, { maps: {}, data });
    return { k, tasks: [cpu0, cpu1].map((actor) => ({ actor, op: runProg(k, actor, prog) })) };
  };
}
const counterValue = (k: Kernel): string => `value=${k.memory.liveOf('prog_data')[0]!.data![0]}`;

/** The labels of every step an operation yields, run alone. */
function stepLabels(op: Op<unknown>): string[] {
  const labels: string[] = [];
  for (let r = op.next(); !r.done; r = op.next()) labels.push((r.value as Step).label);
  return labels;
}

describe('runProg: one step per shared access', () => {
  it('`ld; add; st` is two shared steps between the RCU lock and unlock; the add is private', () => {
    const { k, cpu0 } = makeKernel();
    const data = allocProgData(k, 'counter', 1);
    const insns = ['ld r1 [data+0]', 'add r1 1', 'st [data+0] r1', 'exit 0'];
    const prog = load(k, { name: 'inc', section: 'tp_btf/sys_enter', insns }, { maps: {}, data });
    expect(stepLabels(runProg(k, cpu0, prog))).toEqual([
      'rcu_read_lock',
      `inc#0: ld [${data}+0]`,
      `inc#2: st [${data}+0]`,
      'rcu_read_unlock',
    ]);
    expect(k.memory.get(data).data).toEqual([1]);
    expect(k.observations).toEqual([
      { kind: 'value-update', actor: cpu0.id, obj: data, slot: 0, atomic: false, delta: 1, value: 1 },
    ]);
  });

  it('a non-atomic add loses an update in 36 of the 70 interleavings of two runs', () => {
    // Each run is 4 steps (rcu_read_lock, ld, st, rcu_read_unlock). The update is lost
    // unless one run's st precedes the other's ld: 17 orders each way keep both, 70 - 34 = 36 lose one.
    const counts = exploreAll(
      counterWorld(['ld r1 [data+0]', 'add r1 1', 'st [data+0] r1', 'exit 0']),
      counterValue,
    );
    expect(Object.fromEntries(counts)).toEqual({ 'value=2': 34, 'value=1': 36 });
  });

  it('__sync_fetch_and_add never loses one: 20 interleavings, all end at 2', () => {
    const counts = exploreAll(counterWorld(['atomic_add [data+0] 1', 'exit 0']), counterValue);
    expect(Object.fromEntries(counts)).toEqual({ 'value=2': 20 });
  });

  it('computes with registers, context fields and branches privately', () => {
    const { k, cpu0 } = makeKernel();
    const data = allocProgData(k, 'out', 2);
    const insns = [
      'ldctx r1 local_port',
      'lsh r1 8',
      'or r1 0xFF',
      'st [data+0] r1',
      'jgt r1 100000 big',
      'st [data+1] 1',
      'exit 7',
      'big:',
      'st [data+1] 2',
      'exit 9',
    ];
    const prog = load(k, { name: 'alu', section: 'tp_btf/sys_enter', insns }, { maps: {}, data });
    expect(runToCompletion(runProg(k, cpu0, prog, { fields: { local_port: 1234 } }))).toBe(9);
    expect(k.memory.get(data).data).toEqual([(1234 << 8) | 0xff, 2]);
    expect(runToCompletion(runProg(k, cpu0, prog, { fields: { local_port: 3 } }))).toBe(7);
    expect(k.memory.get(data).data).toEqual([(3 << 8) | 0xff, 1]);
  });
});

describe('helpers through the interpreter', () => {
  function withMap(spinLockSlot?: number) {
    const { k, cpu0, cpu1 } = makeKernel();
    const cg = k.cgroups.mkdir(null, 'root');
    const child = k.cgroups.mkdir(cg, 'app');
    const attr = spinLockSlot === undefined ? {} : { spinLockSlot };
    const map = cgrpStorageMapCreate(k, { name: 'counters', valueSize: 16, ...attr });
    if (!map.ok) throw new Error('map create');
    return { k, cpu0, cpu1, child, map: map.value };
  }

  it('get(F_CREATE) on the current cgroup, then a NULL check and an atomic add', () => {
    const { k, cpu0, child, map } = withMap();
    const insns = [
      'call get map=counters cg=current flags=F_CREATE',
      'jnull r0 exit',
      'atomic_add [r0+0] 1',
      'exit 0',
    ];
    const prog = load(k, { name: 'count', section: 'tp_btf/sys_enter', insns }, { maps: { counters: map } });
    runToCompletion(runProg(k, cpu0, prog, { currentCgroup: child }));
    runToCompletion(runProg(k, cpu0, prog, { currentCgroup: child }));
    const [elem] = k.memory.liveOf('selem');
    expect(elem?.data).toEqual([2, 0]);
    expect(cpu0.progDepth).toBe(0);
  });

  it('a NULL cgroup makes get return NULL, so the program takes the NULL branch', () => {
    const { k, cpu0, map } = withMap();
    const insns = ['call get map=counters cg=current flags=F_CREATE', 'jnotnull r0 +1', 'exit 1', 'exit 2'];
    const prog = load(k, { name: 'p', section: 'tp_btf/sys_enter', insns }, { maps: { counters: map } });
    expect(runToCompletion(runProg(k, cpu0, prog, { currentCgroup: null }))).toBe(1);
  });

  it('bpf_spin_lock around `ld; add; st` makes the non-atomic add safe in every order that can run', () => {
    // Both runs start at their bpf_spin_lock (the lookups before it run alone); each then has
    // 5 steps (lock, ld, st, unlock, rcu_read_unlock). Whoever locks first runs lock..unlock
    // alone; its rcu_read_unlock then fits 6 ways among the other's 5 steps: 2 × 6 = 12 orders.
    const build = () => {
      const { k, cpu0, cpu1, child, map } = withMap(1);
      const insns = [
        'call get map=counters cg=ctx flags=0',
        'jnull r0 exit',
        'mov r6 r0',
        'call spin_lock [r6+1]',
        'ld r1 [r6+0]',
        'add r1 1',
        'st [r6+0] r1',
        'call spin_unlock [r6+1]',
        'exit 0',
      ];
      const prog = load(k, { name: 'locked', section: 'fentry/f', insns }, { maps: { counters: map } });
      const pre = load(
        k,
        {
          name: 'pre',
          section: 'fentry/f',
          insns: ['call get map=counters cg=ctx flags=F_CREATE', 'exit 0'],
        },
        {
          maps: { counters: map },
        },
      );
      runToCompletion(runProg(k, cpu0, pre, { cgroup: child }));
      const run = (actor: Actor): Op<number> =>
        startAt(runProg(k, actor, prog, { cgroup: child }), 'bpf_spin_lock');
      return { k, tasks: [cpu0, cpu1].map((actor) => ({ actor, op: run(actor) })) };
    };
    const counts = exploreAll(build, (k) => `value=${k.memory.liveOf('selem')[0]!.data![0]}`);
    expect(Object.fromEntries(counts)).toEqual({ 'value=2': 12 });
  });

  it('attachTracing runs a program nested on the firing actor, once per CPU at a time', () => {
    const { k, cpu0 } = makeKernel();
    const data = allocProgData(k, 'hits', 1);
    const prog = load(
      k,
      {
        name: 'hook',
        section: 'fentry/bpf_local_storage_update',
        insns: ['atomic_add [data+0] 1', 'exit 0'],
      },
      {
        maps: {},
        data,
      },
    );
    attachTracing(k, prog);
    runToCompletion(fireHook(k, 'fentry/bpf_local_storage_update', cpu0));
    expect(k.memory.get(data).data).toEqual([1]);
    // Already running on this CPU (prog->active): the trampoline skips the nested run.
    k.progActive.set('hook@0', 1);
    runToCompletion(fireHook(k, 'fentry/bpf_local_storage_update', cpu0));
    expect(k.memory.get(data).data).toEqual([1]);
  });
});
