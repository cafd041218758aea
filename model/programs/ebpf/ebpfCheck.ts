/**
 * Load-time decoding checks of a linked program: every instruction is one of
 * RFC 9669's (sections 3–5) with valid registers, every jump lands inside the
 * program, every call names a helper or kfunc the model runs, LD_IMM64 uses a
 * pseudo source libbpf resolved. As the kernel's verifier refuses them
 * (kernel/bpf/verifier.c: check_subprogs, resolve_pseudo_ldimm64, do_check's
 * "unknown opcode"), but with the object's section and instruction index.
 */
import type { ObjectProgram } from '../bpfObject.js';
import { type LoadError, loadFail } from '../loadError.js';
import { isAluOp, isJmpCond } from './alu.js';
import { helperLabel, helperOf, isKfunc } from './helpers.js';
import {
  BPF_ALU,
  BPF_ALU64,
  BPF_ATOMIC,
  BPF_CALL,
  BPF_EXIT,
  BPF_JMP,
  BPF_JMP32,
  BPF_LD,
  BPF_LDX,
  BPF_MEM,
  BPF_MEMSX,
  BPF_PSEUDO_CALL,
  BPF_PSEUDO_KFUNC_CALL,
  BPF_PSEUDO_MAP_FD,
  BPF_PSEUDO_MAP_VALUE,
  BPF_ST,
  type EbpfInsn,
  insnClass,
  isLdImm64,
} from './insn.js';

/** Atomic operations (RFC 9669 5.3): ADD, OR, AND, XOR with or without FETCH, XCHG, CMPXCHG. */
export const ATOMIC_OPS = [0x00, 0x01, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, 0xe1, 0xf1] as const;

/** Why an ALU instruction is invalid, or undefined. */
function aluProblem(i: EbpfInsn, is64: boolean): string | undefined {
  const op = i.code & 0xf0;
  if (!isAluOp(op)) return `unknown ALU operation 0x${op.toString(16)}`;
  if (op === 0xd0) {
    if (is64 && (i.code & 0x08) !== 0) return 'BPF_ALU64 | BPF_END | BPF_X is reserved';
    return [16, 32, 64].includes(i.imm) ? undefined : `byte swap width ${i.imm}`;
  }
  const offs = op === 0x30 || op === 0x90 ? [0, 1] : op === 0xb0 ? (is64 ? [0, 8, 16, 32] : [0, 8, 16]) : [0];
  return offs.includes(i.off)
    ? undefined
    : `offset ${i.off} is invalid for ALU operation 0x${op.toString(16)}`;
}

function jmpProblem(p: ObjectProgram, i: EbpfInsn, pc: number, is32: boolean): string | undefined {
  const op = i.code & 0xf0;
  if (op === BPF_CALL && !is32) return callProblem(p, i, pc);
  if (op === BPF_EXIT && !is32) return undefined;
  if (op !== 0x00 && !isJmpCond(op)) return `unknown jump operation 0x${op.toString(16)}`;
  const target = pc + 1 + (op === 0x00 && is32 ? i.imm : i.off);
  if (target < 0 || target >= p.insns.length || p.insns[target]?.isSecondHalf === true)
    return `jump out of range to insn ${target}`;
  return undefined;
}

function callProblem(p: ObjectProgram, i: EbpfInsn, pc: number): string | undefined {
  if (i.src === BPF_PSEUDO_CALL) {
    const target = pc + 1 + i.imm;
    return target >= 0 && target < p.insns.length ? undefined : `call to insn ${target}, out of range`;
  }
  if (i.src === BPF_PSEUDO_KFUNC_CALL) {
    const name = p.kfuncs.get(pc) ?? '?';
    return isKfunc(name) ? undefined : `unknown kfunc ${name}`;
  }
  if (i.src !== 0) return `call with src ${i.src}`;
  return helperOf(i.imm) === undefined
    ? `unknown ${helperLabel(i.imm)} (the model does not run it)`
    : undefined;
}

function memProblem(p: ObjectProgram, i: EbpfInsn, pc: number, cls: number): string | undefined {
  const mode = i.code & 0xe0;
  const size = i.code & 0x18;
  if (cls === BPF_LD) {
    if (!isLdImm64(i.code)) return `legacy packet access (opcode 0x${i.code.toString(16)}) is not supported`;
    if (i.src === 0) return undefined;
    if (i.src !== BPF_PSEUDO_MAP_FD && i.src !== BPF_PSEUDO_MAP_VALUE)
      return `LD_IMM64 pseudo source ${i.src} is not supported`;
    return p.mapRefs.has(pc) ? undefined : 'LD_IMM64 of a map without a relocation';
  }
  if (cls === BPF_LDX)
    return mode === BPF_MEM || (mode === BPF_MEMSX && size !== 0x18)
      ? undefined
      : `load mode 0x${mode.toString(16)}`;
  if (cls === BPF_ST) return mode === BPF_MEM ? undefined : `store mode 0x${mode.toString(16)}`;
  if (mode === BPF_MEM) return undefined;
  if (mode !== BPF_ATOMIC) return `store mode 0x${mode.toString(16)}`;
  if (size !== 0x00 && size !== 0x18) return 'atomic operation on 1 or 2 bytes';
  return (ATOMIC_OPS as readonly number[]).includes(i.imm)
    ? undefined
    : `unknown atomic operation 0x${i.imm.toString(16)}`;
}

function problemOf(p: ObjectProgram, i: EbpfInsn, pc: number): string | undefined {
  if (i.dst > 10 || i.src > 10) return `invalid register r${Math.max(i.dst, i.src)}`;
  const cls = insnClass(i.code);
  if (cls === BPF_ALU || cls === BPF_ALU64) return aluProblem(i, cls === BPF_ALU64);
  if (cls === BPF_JMP || cls === BPF_JMP32) return jmpProblem(p, i, pc, cls === BPF_JMP32);
  return memProblem(p, i, pc, cls);
}

/** The first unsupported instruction of a program, as a load error naming its section and index. */
export function ebpfCheck(p: ObjectProgram): LoadError | undefined {
  for (let pc = 0; pc < p.insns.length; pc++) {
    const i = p.insns[pc]!;
    if (i.isSecondHalf === true) continue;
    const problem = problemOf(p, i, pc);
    if (problem === undefined) continue;
    const o = p.origins[pc]!;
    return loadFail(
      `unsupported instruction (opcode 0x${i.code.toString(16).padStart(2, '0')}): ${problem}`,
      o.section,
      o.insn,
    ).error;
  }
  const last = p.insns[p.insns.length - 1];
  if (last === undefined || (last.code !== (BPF_JMP | BPF_EXIT) && last.code !== (BPF_JMP | 0x00)))
    return loadFail('last insn is not an exit or jmp', p.section, Math.max(0, p.insns.length - 1)).error;
  return undefined;
}
