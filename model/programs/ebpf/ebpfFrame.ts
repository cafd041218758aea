/**
 * The state of one eBPF run: registers, the stack (MAX_BPF_STACK bytes per call
 * frame, private to the run), the call frames of BPF-to-BPF calls, and where a
 * register's value was loaded from, so that a plain store of `*ptr + n` back to
 * the same slot is seen as the increment it meant (as interpreter.ts does).
 */
import type { Actor } from '../../core/actor.js';
import type { ObjId } from '../../core/ids.js';
import type { Kernel } from '../../kernel/kernel.js';
import type { BpfProgram } from '../bpfProgram.js';
import type { ProgCtx } from '../progCtx.js';
import type { Ptr, Val } from './ebpfValue.js';

/** MAX_BPF_STACK (include/linux/filter.h). */
export const MAX_BPF_STACK = 512;
/** MAX_CALL_FRAMES (include/linux/bpf_verifier.h). */
export const MAX_CALL_FRAMES = 8;

/** A value loaded from 8-byte slot `slot` of `obj` when it held `loaded`. */
export interface LoadOrigin {
  readonly obj: ObjId;
  readonly slot: number;
  readonly loaded: number;
}

/** A caller's frame, restored at the callee's exit: the return pc and r6–r9 (callee-saved). */
interface CallFrame {
  readonly returnPc: number;
  readonly saved: readonly Val[];
  readonly savedOrigins: readonly (LoadOrigin | undefined)[];
}

/** One run. */
export interface EbpfFrame {
  readonly k: Kernel;
  readonly actor: Actor;
  readonly ctx: ProgCtx;
  prog: BpfProgram;
  pc: number;
  readonly regs: Val[];
  readonly origins: (LoadOrigin | undefined)[];
  readonly stack: Uint8Array;
  /** Pointers spilled to the stack, by byte offset (an 8-byte store of a pointer). */
  readonly spills: Map<number, Ptr>;
  readonly calls: CallFrame[];
  tailCalls: number;
}

/** A fresh run: r1 = ctx, r10 = the top of frame 0's stack. */
export function newFrame(k: Kernel, actor: Actor, prog: BpfProgram, ctx: ProgCtx): EbpfFrame {
  const regs: Val[] = new Array<Val>(11).fill(0n);
  regs[1] = { kind: 'ctx', off: 0 };
  regs[10] = { kind: 'stack', off: MAX_BPF_STACK };
  return {
    k,
    actor,
    ctx,
    prog,
    pc: 0,
    regs,
    origins: new Array<LoadOrigin | undefined>(11).fill(undefined),
    stack: new Uint8Array(MAX_BPF_STACK * MAX_CALL_FRAMES),
    spills: new Map(),
    calls: [],
    tailCalls: 0,
  };
}

/** Sets a register, forgetting where its old value came from. */
export function setReg(f: EbpfFrame, r: number, v: Val, origin?: LoadOrigin): void {
  f.regs[r] = v;
  f.origins[r] = origin;
}

/** A BPF-to-BPF call: saves r6–r9 and moves r10 to a new frame; false past MAX_CALL_FRAMES. */
export function pushCall(f: EbpfFrame, target: number): boolean {
  if (f.calls.length + 1 >= MAX_CALL_FRAMES) return false;
  f.calls.push({ returnPc: f.pc, saved: f.regs.slice(6, 10), savedOrigins: f.origins.slice(6, 10) });
  f.regs[10] = { kind: 'stack', off: MAX_BPF_STACK * (f.calls.length + 1) };
  f.pc = target;
  return true;
}

/** Returns from a callee: restores r6–r9, r10 and the pc; false in the outermost frame. */
export function popCall(f: EbpfFrame): boolean {
  const c = f.calls.pop();
  if (c === undefined) return false;
  for (let i = 0; i < 4; i++) setReg(f, 6 + i, c.saved[i]!, c.savedOrigins[i]);
  f.regs[10] = { kind: 'stack', off: MAX_BPF_STACK * (f.calls.length + 1) };
  f.pc = c.returnPc;
  return true;
}
