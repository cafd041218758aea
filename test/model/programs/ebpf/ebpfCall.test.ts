/**
 * Helper and kfunc calls of the eBPF interpreter (model/programs/ebpf/ebpfCall.ts),
 * instruction by instruction: what each returns in r0, what it does to memory,
 * locks and RCU, and the steps and faults the model sees. A helper call is
 * `0x85 imm=id`; a kfunc call is `0x85 src=2` with its name at that index, as
 * libbpf's relocation leaves it. Every call clobbers r1–r5 (RFC 9669 4.3.1).
 */
import { describe, expect, it } from 'vitest';
import { cgroupRmdir } from '../../../../model/cgroup/cgroup.js';
import { valueSpinLock } from '../../../../model/cgroupStorage/cgroupStorage.js';
import { isStepReady } from '../../../../model/kernel/ready.js';
import type { BpfProgram } from '../../../../model/programs/bpfProgram.js';
import { runEbpf } from '../../../../model/programs/ebpf/ebpfRun.js';
import type { EbpfInsn } from '../../../../model/programs/ebpf/insn.js';
import { runOp } from '../../driver.js';
import { makeKernel } from '../../selftests/fixture.js';
import { assemble, EXIT, I, KFUNC_CALL, ldData, lddw, run, slotsOf } from './asm.js';

const N = (v: bigint): bigint => BigInt.asUintN(64, v);
const call = (id: number): EbpfInsn => I(0x85, 0, 0, 0, id);
const mov = (dst: number, src: number): EbpfInsn => I(0xbf, dst, src, 0);
const movImm = (dst: number, imm: number): EbpfInsn => I(0xb7, dst, 0, 0, imm);

describe('bpf_spin_lock (93) / bpf_spin_unlock (94): the struct bpf_spin_lock in a map value', () => {
  /** r6 = &data[8] (the lock); lock; data[0] = 7; unlock (unless `isLocked`); exit 0. */
  const locked = (isLocked = false): EbpfInsn[] => [
    ...ldData(6, 8),
    mov(1, 6),
    call(93), // #3
    ...ldData(1, 0),
    I(0x7a, 1, 0, 0, 7), // #6: *(u64 *)(r1 + 0) = 7
    mov(1, 6),
    isLocked ? I(0x05) : call(94), // #8: ja +0 instead of the unlock
    movImm(0, 0),
    EXIT,
  ];

  it('lock, the critical section and unlock are a step each, on the lock of slot 1', () => {
    const { k, cpu0, prog, data } = assemble(locked());
    expect(run(k, cpu0, prog)).toEqual({
      r0: 0n,
      steps: [`lock bpf_spin_lock ${data}+1`, `t#6: st [${data}+0]`, `unlock bpf_spin_lock ${data}+1`],
    });
    expect(k.locks.get(valueSpinLock(k, data, 1)).holder).toBeUndefined();
    expect(slotsOf(k, data)).toEqual([7, 0]);
  });

  it('a program that exits holding the lock keeps it: another CPU cannot take it', () => {
    const kernel = makeKernel();
    const { k, cpu0, cpu1, prog, data } = assemble(locked(true), 16, kernel);
    run(k, cpu0, prog);
    expect(k.locks.get(valueSpinLock(k, data, 1)).holder).toBe(cpu0.id);
    const other = runEbpf(k, cpu1, prog, {}).next();
    expect(other.done).toBe(false);
    if (other.done !== true) {
      expect(other.value.label).toBe(`lock bpf_spin_lock ${data}+1`);
      expect(isStepReady(k, cpu1, other.value)).toBe(false);
    }
  });

  it('bpf_spin_unlock on NULL is a null-deref that ends the run', () => {
    const { k, cpu0, prog } = assemble([movImm(1, 0), call(94), movImm(0, 1), EXIT]);
    expect(run(k, cpu0, prog)).toEqual({ r0: 'abort', steps: [] });
    expect(k.memory.faults).toEqual([
      { kind: 'null-deref', obj: 0, label: 'bpf_spin_unlock through NULL', by: 'cpu0: t#1', freedBy: '' },
    ]);
  });
});

describe('bpf_tail_call (12): kernel/bpf/core.c ___bpf_prog_run JMP_TAIL_CALL', () => {
  /** `r3 = index; tail_call; r0 = 99; exit`: 99 means it fell through. */
  const caller = (index: bigint): EbpfInsn[] => [...lddw(3, index), call(12), movImm(0, 99), EXIT];
  const withSlots = (prog: BpfProgram, slots: BpfProgram[]): BpfProgram => ({ ...prog, tailCalls: slots });

  it('jumps to slot r3 and never returns; an index past the array falls through; r3 is a u32', () => {
    const kernel = makeKernel();
    const target = assemble([movImm(0, 42), EXIT], 16, kernel).prog;
    const r0 = (index: bigint) => {
      const { k, cpu0, prog } = assemble(caller(index), 16, kernel);
      return run(k, cpu0, withSlots(prog, [target])).r0;
    };
    expect(r0(0n)).toBe(42n);
    expect(r0(1n)).toBe(99n);
    expect(r0(0x1_0000_0000n)).toBe(42n); // u32 index = BPF_R3
  });

  /**
   * A program that counts its runs in data[0] (atomic add), tail-calls `empties`
   * times into empty slot 0, then into itself (slot 1).
   */
  const counted = (empties: number) => {
    const { k, cpu0, prog, data } = assemble([
      ...ldData(1),
      movImm(2, 1),
      I(0xdb, 1, 2, 0, 0x00), // #3: lock *(u64 *)(r1 + 0) += r2
      movImm(6, empties),
      movImm(3, 0), // #5
      call(12),
      I(0x17, 6, 0, 0, 1), // r6 -= 1
      I(0x55, 6, 0, -4, 0), // if r6 != 0 goto #5
      movImm(3, 1),
      call(12),
      movImm(0, 99),
      EXIT,
    ]);
    const slots: BpfProgram[] = [];
    const self = withSlots(prog, slots);
    slots[1] = self; // slot 0 stays empty
    return { r0: run(k, cpu0, self).r0, runs: slotsOf(k, data)[0] };
  };

  it('a call to an empty slot still counts toward MAX_TAIL_CALL_CNT (33)', () => {
    // 32 empty slots + the self call are 33: the program runs twice, then every call falls through
    expect(counted(32)).toEqual({ r0: 99n, runs: 2 });
    // 33 empty slots use them all: the self call falls through
    expect(counted(33)).toEqual({ r0: 99n, runs: 1 });
  });

  it('a chain of tail calls stops after MAX_TAIL_CALL_CNT: 34 runs in all', () => {
    const { k, cpu0, prog, data } = assemble([
      ...ldData(1),
      movImm(2, 1),
      I(0xdb, 1, 2, 0, 0x00),
      movImm(3, 0),
      call(12),
      movImm(0, 99),
      EXIT,
    ]);
    const slots: BpfProgram[] = [];
    const self = withSlots(prog, slots);
    slots.push(self);
    expect(run(k, cpu0, self).r0).toBe(99n);
    expect(slotsOf(k, data)[0]).toBe(34);
  });

  it('a tail call in a subprogram replaces the subprogram: its exit returns to the caller', () => {
    const kernel = makeKernel();
    const target = assemble([movImm(0, 42), EXIT], 16, kernel).prog;
    const { k, cpu0, prog } = assemble(
      [
        I(0x85, 0, 1, 0, 2), // call #3
        I(0x07, 0, 0, 0, 1000), // r0 += 1000
        EXIT,
        movImm(3, 0), // #3: the subprogram
        call(12),
        movImm(0, 5),
        EXIT,
      ],
      16,
      kernel,
    );
    expect(run(k, cpu0, withSlots(prog, [target])).r0).toBe(1042n);
  });
});

describe('kfuncs on cgroups: bpf_cgroup_from_id, bpf_cgroup_release, bpf_task_get_cgroup1', () => {
  /**
   * `r0 = kfunc(r1 = arg)` (the kfunc at #2 comes with the relocations); `if r0 == 0 return -1; r7 = r0->kn->id;
   * bpf_cgroup_release(r0); return r7` (CO-RE fields cgroup.kn and kernfs_node.id).
   */
  const cgroupIdVia = (arg: bigint): EbpfInsn[] => [
    ...lddw(1, arg),
    KFUNC_CALL, // #2
    I(0x55, 0, 0, 2, 0), // if r0 != 0 goto #6
    movImm(0, -1),
    EXIT,
    I(0x79, 1, 0, 0), // #6: r1 = cgrp->kn
    I(0x79, 7, 1, 0), // #7: r7 = kn->id
    mov(1, 0),
    KFUNC_CALL, // #9: bpf_cgroup_release(cgrp)
    mov(0, 7),
    EXIT,
  ];
  const relocations = (kfunc: string) => ({
    kfuncs: new Map([
      [2, kfunc],
      [9, 'bpf_cgroup_release'],
    ]),
    coreFields: new Map([
      [6, { struct: 'cgroup', field: 'kn' }],
      [7, { struct: 'kernfs_node', field: 'id' }],
    ]),
  });

  const world = () => {
    const kernel = makeKernel();
    const root = kernel.k.cgroups.mkdir(null, 'root');
    const a = kernel.k.cgroups.mkdir(root, 'a');
    return { kernel, root, a };
  };
  const fromId = (kernel: ReturnType<typeof makeKernel>, id: bigint) => {
    const { k, cpu0, prog } = assemble(cgroupIdVia(id), 16, kernel, relocations('bpf_cgroup_from_id'));
    return run(k, cpu0, prog).r0;
  };

  it('bpf_cgroup_from_id finds an online cgroup by its kernfs id; an unknown id is NULL', () => {
    const { kernel, a } = world();
    expect(fromId(kernel, BigInt(a))).toBe(BigInt(a));
    expect(fromId(kernel, 99n)).toBe(N(-1n));
    expect(fromId(kernel, (1n << 32n) + BigInt(a))).toBe(N(-1n)); // all 64 bits of the id count
  });

  it('after rmdir bpf_cgroup_from_id is NULL: kernfs_remove() deactivated the node (fs/kernfs/dir.c)', () => {
    const { kernel, a } = world();
    const { k, user } = kernel;
    expect(runOp(k, user, cgroupRmdir(k, user, a))).toEqual({ ok: true, value: 0 });
    expect(k.cgroups.get(a).state).toBe('offline'); // still allocated, no longer found
    expect(fromId(kernel, BigInt(a))).toBe(N(-1n));
  });

  it('bpf_cgroup_release returns nothing and changes no count: the model does not count kfunc references', () => {
    const { kernel, a } = world();
    const before = kernel.k.cgroups.get(a).refcnt;
    fromId(kernel, BigInt(a));
    expect(kernel.k.cgroups.get(a).refcnt).toBe(before);
  });

  it('bpf_task_get_cgroup1 gives the context task cgroup on the v1 hierarchy, or NULL', () => {
    const kernel = makeKernel();
    const v1root = kernel.k.cgroups.mkdir(null, 'v1', { isV1: true });
    const v1 = kernel.k.cgroups.mkdir(v1root, 'v1a');
    const { k, cpu0, prog } = assemble(cgroupIdVia(1n), 16, kernel, relocations('bpf_task_get_cgroup1'));
    expect(run(k, cpu0, prog, { cgroup1: v1 }).r0).toBe(BigInt(v1));
    expect(run(k, cpu0, prog, { cgroup1: null }).r0).toBe(N(-1n));
    expect(run(k, cpu0, prog).r0).toBe(N(-1n));
  });
});

describe('kfuncs bpf_rcu_read_lock / bpf_rcu_read_unlock: a nested RCU read section, a step each', () => {
  const rcu = (names: string[]) => {
    const insns = [...names.map(() => KFUNC_CALL), movImm(0, 0), EXIT];
    const kernel = makeKernel();
    const { k, cpu0, prog } = assemble(insns, 16, kernel, { kfuncs: new Map(names.map((n, i) => [i, n])) });
    return { steps: run(k, cpu0, prog).steps, isReading: k.rcu.isReading(cpu0.id) };
  };

  it('lock, lock, unlock leaves the CPU in a read section; balanced calls leave it out', () => {
    expect(rcu(['bpf_rcu_read_lock', 'bpf_rcu_read_lock', 'bpf_rcu_read_unlock'])).toEqual({
      steps: ['rcu_read_lock', 'rcu_read_lock', 'rcu_read_unlock'],
      isReading: true,
    });
    expect(rcu(['bpf_rcu_read_lock', 'bpf_rcu_read_unlock'])).toEqual({
      steps: ['rcu_read_lock', 'rcu_read_unlock'],
      isReading: false,
    });
  });
});

describe('helpers without maps', () => {
  it('a helper call clobbers r1-r5 and sets r0', () => {
    const r1 = (insns: EbpfInsn[]) => {
      const { k, cpu1, prog } = assemble([
        movImm(1, 5),
        movImm(5, 6),
        ...insns,
        mov(0, 1),
        I(0x0f, 0, 5, 0),
        EXIT,
      ]);
      return run(k, cpu1, prog).r0;
    };
    expect(r1([])).toBe(11n);
    expect(r1([call(8)])).toBe(0n);
  });

  it('bpf_get_current_cgroup_id (80) is 0 when the run has no current cgroup', () => {
    const { k, cpu0, prog } = assemble([call(80), EXIT]);
    expect(run(k, cpu0, prog).r0).toBe(0n);
  });

  it('bpf_ktime_get_ns (5) is one virtual clock per kernel, shared by its CPUs', () => {
    const kernel = makeKernel();
    const { k, cpu0, cpu1, prog } = assemble([call(5), EXIT], 16, kernel);
    expect([run(k, cpu0, prog).r0, run(k, cpu1, prog).r0, run(k, cpu0, prog).r0]).toEqual([
      1000n,
      2000n,
      3000n,
    ]);
    const fresh = assemble([call(5), EXIT]);
    expect(run(fresh.k, fresh.cpu0, fresh.prog).r0).toBe(1000n);
  });

  /** fmt bytes (at most 16) on the stack at r10-16, then bpf_trace_printk(fmt, size, r3, r4, r5). */
  const printk = (fmt: string, size: number, args: bigint[] = []) => {
    const bytes = new TextEncoder().encode(fmt);
    const word = (from: number) =>
      bytes.subarray(from, from + 8).reduce((v, b, i) => v | (BigInt(b) << BigInt(8 * i)), 0n);
    const { k, cpu0, prog } = assemble([
      ...lddw(1, word(0)),
      I(0x7b, 10, 1, -16),
      ...lddw(1, word(8)),
      I(0x7b, 10, 1, -8),
      ...args.flatMap((a, i) => lddw(3 + i, a)),
      mov(1, 10),
      I(0x07, 1, 0, 0, -16),
      movImm(2, size),
      call(6),
      EXIT,
    ]);
    return run(k, cpu0, prog);
  };

  it('bpf_trace_printk (6) formats %d %x %c with l/ll and %%, records the text and returns its length', () => {
    const out = printk('%d %lx%%%c\n\0', 13, [0x1_ffff_fffen, 0x1_0000_00ffn, 0x141n]);
    // %d takes the low 32 bits (-2); %lx all 64; %c the low byte
    expect(out).toEqual({ r0: 15n, steps: ['t#15: bpf_trace_printk "-2 1000000ff%A\\n"'] });
  });

  it('bpf_trace_printk is -EINVAL with nothing traced: no NUL within fmt_size, %s, a fourth conversion', () => {
    const EINVAL = N(-22n);
    expect(printk('hi\n', 3)).toEqual({ r0: EINVAL, steps: [] });
    expect(printk('%s\0', 3)).toEqual({ r0: EINVAL, steps: [] });
    expect(printk('%d%d%d%d\0', 9)).toEqual({ r0: EINVAL, steps: [] });
    expect(printk('\x01\0', 2)).toEqual({ r0: EINVAL, steps: [] });
  });
});
