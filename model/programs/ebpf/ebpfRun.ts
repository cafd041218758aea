/**
 * Runs a program loaded from a BPF object one eBPF instruction at a time
 * (RFC 9669): register arithmetic, jumps, the stack and BPF-to-BPF calls are
 * private to the run; every access to a map value and every helper is its own
 * step (ebpfMem.ts, ebpfAtomic.ts, ebpfCall.ts), as the instruction language's
 * interpreter (model/programs/interpreter.ts) does, on the same model.
 */
import type { Actor } from '../../core/actor.js';
import type { Op } from '../../core/step.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { BpfProgram } from '../bpfProgram.js';
import type { ProgCtx } from '../progCtx.js';
import { aluOp, endian, jmpTaken } from './alu.js';
import { ebpfAtomic } from './ebpfAtomic.js';
import { ebpfCall } from './ebpfCall.js';
import { type EbpfFrame, newFrame, popCall, pushCall, setReg } from './ebpfFrame.js';
import { ABORT, ebpfLoad, ebpfStore } from './ebpfMem.js';
import { movePtr, scalarOf, type Val } from './ebpfValue.js';
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
  BPF_PSEUDO_CALL,
  BPF_PSEUDO_MAP_VALUE,
  BPF_ST,
  type EbpfInsn,
  insnClass,
} from './insn.js';

/** Runs the program's eBPF instructions on the caller's RCU section; returns r0 (0 after an oops). */
export function* runEbpfBody(k: Kernel, actor: Actor, prog: BpfProgram, ctx: ProgCtx): Op<number> {
  const r0 = yield* runEbpf(k, actor, prog, ctx);
  return r0 === ABORT ? 0 : Number(BigInt.asIntN(64, r0));
}

/** Runs the program; its exact 64-bit r0, or ABORT after an oops (a recorded fault). */
export function* runEbpf(k: Kernel, actor: Actor, prog: BpfProgram, ctx: ProgCtx): Op<bigint | typeof ABORT> {
  const f = newFrame(k, actor, prog, ctx);
  for (;;) {
    const ret = yield* execInsn(f);
    if (ret !== undefined) return ret;
  }
}

/** Executes the instruction at f.pc; r0 when the program exits. */
function* execInsn(f: EbpfFrame): Op<bigint | typeof ABORT | undefined> {
  const code = f.prog.ebpf!.program.insns;
  const i = code[f.pc];
  if (i === undefined) throw new Error(`${f.prog.name}: pc ${f.pc} past the end (an unchecked program?)`);
  f.pc++;
  switch (insnClass(i.code)) {
    case BPF_ALU:
    case BPF_ALU64:
      execAlu(f, i);
      return undefined;
    case BPF_JMP:
    case BPF_JMP32:
      return yield* execJmp(f, i);
    case BPF_LD:
      execLdImm64(f, i);
      return undefined;
    case BPF_LDX:
      return yield* ebpfLoad(f, i);
    case BPF_ST:
      return yield* ebpfStore(f, i, true);
    default:
      return (i.code & 0xe0) === BPF_ATOMIC ? yield* ebpfAtomic(f, i) : yield* ebpfStore(f, i, false);
  }
}

/** ALU and ALU64 (RFC 9669 4.1, 4.2); pointer ± scalar stays a pointer (64-bit ADD/SUB/MOV). */
function execAlu(f: EbpfFrame, i: EbpfInsn): void {
  const is64 = insnClass(i.code) === BPF_ALU64;
  const op = i.code & 0xf0;
  const isReg = (i.code & 0x08) !== 0;
  const dst = f.regs[i.dst]!;
  if (op === 0xd0) {
    setReg(f, i.dst, endian(scalarOf(dst), i.imm, is64 || isReg));
    return;
  }
  const src: Val = isReg ? f.regs[i.src]! : BigInt.asUintN(64, BigInt(i.imm));
  const origin = f.origins[i.dst];
  if (is64 && op === 0xb0 && i.off === 0) {
    setReg(f, i.dst, src, isReg ? f.origins[i.src] : undefined);
    return;
  }
  if (is64 && (op === 0x00 || op === 0x10) && typeof dst !== 'bigint' && typeof src === 'bigint') {
    setReg(f, i.dst, movePtr(dst, op === 0x00 ? src : -src));
    return;
  }
  const v = aluOp(op, scalarOf(dst), scalarOf(src), is64 ? 64 : 32, i.off);
  // `*ptr + n` keeps its origin so a store back to the slot is seen as an increment
  setReg(f, i.dst, v, is64 && (op === 0x00 || op === 0x10) ? origin : undefined);
}

/** LD_IMM64 (RFC 9669 5.4): a constant, a map (PSEUDO_MAP_FD) or an address in global data (PSEUDO_MAP_VALUE). */
function execLdImm64(f: EbpfFrame, i: EbpfInsn): void {
  const program = f.prog.ebpf!.program;
  const ref = program.mapRefs.get(f.pc - 1);
  f.pc++; // the second half
  if (i.src === 0 || ref === undefined) {
    setReg(f, i.dst, i.imm64 ?? 0n);
    return;
  }
  if (i.src !== BPF_PSEUDO_MAP_VALUE && !ref.isValue) {
    setReg(f, i.dst, { kind: 'map', map: ref.map });
    return;
  }
  const obj = f.prog.ebpf!.globalData[ref.map];
  if (obj === undefined) throw new Error(`${f.prog.name}: global data ${ref.map} was not allocated`);
  setReg(f, i.dst, { kind: 'value', obj, off: ref.offset });
}

/** JMP and JMP32 (RFC 9669 4.3): jumps, BPF-to-BPF calls, helper calls and exit. */
function* execJmp(f: EbpfFrame, i: EbpfInsn): Op<bigint | typeof ABORT | undefined> {
  const is32 = insnClass(i.code) === BPF_JMP32;
  const op = i.code & 0xf0;
  if (op === 0x00) {
    f.pc += is32 ? i.imm : i.off;
    return undefined;
  }
  if (op === BPF_EXIT) {
    if (popCall(f)) return undefined;
    return scalarOf(f.regs[0]!);
  }
  if (op === BPF_CALL && i.src === BPF_PSEUDO_CALL) {
    if (!pushCall(f, f.pc + i.imm)) throw new Error(`${f.prog.name}: more than 8 call frames`);
    return undefined;
  }
  if (op === BPF_CALL) {
    const out = yield* ebpfCall(f, i);
    return out === 'tail' ? undefined : out;
  }
  const isReg = (i.code & 0x08) !== 0;
  const a = scalarOf(f.regs[i.dst]!);
  const b = isReg ? scalarOf(f.regs[i.src]!) : BigInt.asUintN(64, BigInt(i.imm));
  if (jmpTaken(op, a, b, is32 ? 32 : 64)) f.pc += i.off;
  return undefined;
}
