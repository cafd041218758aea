/**
 * BPF-like programs: a small instruction set the interpreter (model/programs/interpreter.ts)
 * runs step by step, and the program record the verifier (model/programs/verifier.ts) checks.
 * Program types and attach types are named after enum bpf_prog_type and
 * enum bpf_attach_type (include/uapi/linux/bpf.h), lower-cased and without prefix.
 */

import type { Actor } from '../core/actor.js';
import type { MapId, ObjId } from '../core/ids.js';
import type { Memory } from '../core/memory.js';
import type { ObjectProgram } from './bpfObject.js';

/** enum bpf_prog_type, the subset the model runs. Iterators and fentry/fexit/tp_btf are all 'tracing'. */
export type ProgType =
  | 'cgroup_skb'
  | 'cgroup_sock'
  | 'cgroup_sock_addr'
  | 'sock_ops'
  | 'cgroup_device'
  | 'cgroup_sysctl'
  | 'cgroup_sockopt'
  | 'lsm'
  | 'tracing'
  | 'kprobe';

/** enum bpf_attach_type values (include/uapi/linux/bpf.h), the subset the model attaches. */
export const ATTACH_TYPE_NUMBERS = {
  cgroup_inet_ingress: 0,
  cgroup_inet_egress: 1,
  cgroup_inet_sock_create: 2,
  cgroup_sock_ops: 3,
  cgroup_device: 6,
  cgroup_inet4_connect: 10,
  cgroup_inet6_connect: 11,
  cgroup_sysctl: 18,
  cgroup_getsockopt: 21,
  cgroup_setsockopt: 22,
  trace_raw_tp: 23,
  trace_fentry: 24,
  trace_fexit: 25,
  lsm_mac: 27,
  trace_iter: 28,
  lsm_cgroup: 43,
} as const;

/** An attach type by name, e.g. 'cgroup_inet_egress' for BPF_CGROUP_INET_EGRESS. */
export type AttachType = keyof typeof ATTACH_TYPE_NUMBERS;

/** A register number r0..r10; r10 is the read-only frame pointer. */
export type RegNo = number;
/** Number of registers (MAX_BPF_REG). */
export const MAX_BPF_REG = 11;

/** A source operand: a register or an immediate. */
export type Src = { readonly reg: RegNo } | { readonly imm: number };

/**
 * A memory operand: `[rN+slot]` through a pointer register, or `[data+slot]`, the
 * program object's global data (.bss, an array map value shared by an object's programs).
 * Slots are 8 bytes (MemObject.data).
 */
export type MemRef =
  | { readonly reg: RegNo; readonly slot: number }
  | { readonly data: true; readonly slot: number };

/**
 * Where a helper's `struct cgroup *` argument comes from; the verifier's trust
 * rules depend on it (kernel/bpf/verifier.c: check_reg_type, btf_struct_access):
 * - 'current': bpf_get_current_task_btf()->cgroups->dfl_cgrp, an RCU-protected walk:
 *   trusted in a non-sleepable program or under bpf_rcu_read_lock(), untrusted otherwise;
 * - 'ctx': the context's cgroup (iter ctx->cgroup, a socket's sk_cgrp_data.cgroup), trusted;
 * - 'acquired_cgroup1': bpf_task_get_cgroup1() (KF_ACQUIRE), trusted;
 * - 'task': a task_struct pointer cast to a cgroup (selftest cgrp_ls_negative), rejected;
 * - 'null': NULL.
 */
export type CgArg = 'current' | 'ctx' | 'acquired_cgroup1' | 'task' | 'null';
export const CG_ARGS: readonly CgArg[] = ['current', 'ctx', 'acquired_cgroup1', 'task', 'null'];

/** ALU operations on 64-bit registers. */
export type AluOp = 'add' | 'sub' | 'mul' | 'or' | 'and' | 'lsh' | 'rsh';
/** Conditional jumps: on NULL / not NULL, or comparing a register with a source. */
export type JmpCond = 'always' | 'null' | 'notnull' | 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/** One instruction. `target` is an absolute instruction index. */
export type Insn =
  | { readonly op: 'mov'; readonly dst: RegNo; readonly src: Src }
  | { readonly op: 'alu'; readonly alu: AluOp; readonly dst: RegNo; readonly src: Src }
  /** A scalar context field (local_port, family, socket cookie, ...), from ProgCtx.fields. */
  | { readonly op: 'ldctx'; readonly dst: RegNo; readonly field: string }
  | { readonly op: 'ld'; readonly dst: RegNo; readonly mem: MemRef }
  | { readonly op: 'st'; readonly mem: MemRef; readonly src: Src }
  /** __sync_fetch_and_add without fetch (BPF_ATOMIC | BPF_ADD): one indivisible step. */
  | { readonly op: 'atomic_add'; readonly mem: MemRef; readonly src: Src }
  | {
      readonly op: 'jmp';
      readonly cond: JmpCond;
      readonly reg?: RegNo;
      readonly src?: Src;
      readonly target: number;
    }
  /** bpf_cgrp_storage_get(map, cg, NULL or init value, flags) → r0. */
  | {
      readonly op: 'call';
      readonly helper: 'cgrp_storage_get';
      readonly map: string;
      readonly cg: CgArg;
      readonly flags: number;
      readonly init?: readonly number[];
    }
  /** bpf_cgrp_storage_delete(map, cg) → r0. */
  | { readonly op: 'call'; readonly helper: 'cgrp_storage_delete'; readonly map: string; readonly cg: CgArg }
  /** bpf_get_local_storage(map, flags) → r0 (deprecated map). */
  | {
      readonly op: 'call';
      readonly helper: 'get_local_storage';
      readonly map: string;
      readonly flags: number;
    }
  /** bpf_spin_lock / bpf_spin_unlock on the value's struct bpf_spin_lock slot. */
  | { readonly op: 'call'; readonly helper: 'spin_lock' | 'spin_unlock'; readonly mem: MemRef }
  /** The kfuncs bpf_rcu_read_lock / bpf_rcu_read_unlock. */
  | { readonly op: 'call'; readonly helper: 'rcu_read_lock' | 'rcu_read_unlock' }
  /** `dst = cgrp->kn->id` for a cgroup argument (a field read, no helper). */
  | { readonly op: 'cgid'; readonly dst: RegNo; readonly cg: CgArg }
  /** bpf_tail_call(ctx, prog_array, index): on success never returns. */
  | { readonly op: 'tail_call'; readonly index: number }
  /** BPF_EXIT; with `imm`, `r0 = imm` first (a convenience pseudo-instruction). */
  | { readonly op: 'exit'; readonly imm?: number };

/** Helper names an instruction can call. */
export type HelperName = Extract<Insn, { op: 'call' }>['helper'];

/** A loaded program. Immutable: run-time state lives in the Kernel. */
export interface BpfProgram {
  readonly name: string;
  readonly type: ProgType;
  /** expected_attach_type; null where the type has none (kprobe). */
  readonly attachType: AttachType | null;
  /** The BTF target: tracepoint, function, LSM hook or iterator ('sys_enter', 'cgroup'). */
  readonly attachTo?: string;
  /** BPF_F_SLEEPABLE: runs under rcu_read_lock_trace() instead of rcu_read_lock(). */
  readonly isSleepable: boolean;
  /** The maps its instructions name, as libbpf would relocate them. */
  readonly maps: Readonly<Record<string, MapId>>;
  readonly insns: readonly Insn[];
  /** The object's global data (.bss), if any; see allocProgData(). */
  readonly data?: ObjId;
  /** Its prog array (BPF_MAP_TYPE_PROG_ARRAY) contents, by index, for bpf_tail_call. */
  readonly tailCalls?: readonly BpfProgram[];
  /**
   * Set for a program loaded from a BPF object: its eBPF instructions, which
   * ebpf/ebpfRun.ts runs instead of `insns` (then empty).
   */
  readonly ebpf?: EbpfCode;
}

/** A loaded eBPF program and the global data objects (.bss, .data, .rodata) of its object. */
export interface EbpfCode {
  readonly program: ObjectProgram;
  /** Global data section name → its array map value, allocated at setup. */
  readonly globalData: Readonly<Record<string, ObjId>>;
}

/**
 * The maps a program's instructions name, in instruction order, with the index of
 * the instruction (resolve_pseudo_ldimm64, kernel/bpf/verifier.c); global data is not among them.
 */
export function progUsedMaps(prog: BpfProgram): { readonly name: string; readonly pc: number }[] {
  if (prog.ebpf !== undefined)
    return [...prog.ebpf.program.mapRefs]
      .filter(([, r]) => !r.isValue)
      .map(([pc, r]) => ({ name: r.map, pc }));
  const out: { name: string; pc: number }[] = [];
  for (const [pc, insn] of prog.insns.entries()) if ('map' in insn) out.push({ name: insn.map, pc });
  return out;
}

/** True for the program types whose runs go through bpf_prog_run_array_cg() (kernel/bpf/cgroup.c). */
export function isCgroupProgType(type: ProgType): boolean {
  return type.startsWith('cgroup_') || type === 'sock_ops';
}

/** The numeric attach type, as stored in struct bpf_cgroup_storage_key. */
export function attachTypeNumber(t: AttachType): number {
  return ATTACH_TYPE_NUMBERS[t];
}

/**
 * Allocates a BPF object's global data (.bss: an array map value of `slots` zeroed
 * 8-byte slots) at setup, for programs of that object to share through `[data+slot]`.
 */
export function allocProgData(
  k: { readonly memory: Memory; readonly setupActor: Actor; allocObjId(a: Actor): ObjId },
  name: string,
  slots: number,
): ObjId {
  const obj = k.allocObjId(k.setupActor);
  k.memory.alloc(obj, 'prog_data', `${name}.bss`, new Array<number>(slots).fill(0));
  return obj;
}
