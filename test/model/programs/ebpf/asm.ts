/**
 * Hand-assembled eBPF programs for the interpreter's tests: raw instructions
 * (RFC 9669 encoding fields), run on a model kernel with 16 bytes of global
 * data (`.bss`) that `lddw rN, data` (LD_IMM64, BPF_PSEUDO_MAP_VALUE) points at.
 */

import type { ObjId } from '../../../../model/core/ids.js';
import { type Op, runToCompletion, step } from '../../../../model/core/step.js';
import type { Actor, Kernel } from '../../../../model/kernel/kernel.js';
import type { MapRef, ObjectProgram } from '../../../../model/programs/bpfObject.js';
import { allocGlobalData } from '../../../../model/programs/bpfObjectLoad.js';
import type { BpfProgram } from '../../../../model/programs/bpfProgram.js';
import type { ABORT } from '../../../../model/programs/ebpf/ebpfMem.js';
import { runEbpf } from '../../../../model/programs/ebpf/ebpfRun.js';
import { type EbpfInsn, LD_IMM64_CONT } from '../../../../model/programs/ebpf/insn.js';
import type { ProgCtx } from '../../../../model/programs/progCtx.js';
import { makeKernel } from '../../selftests/fixture.js';

/** One instruction. */
export const I = (code: number, dst = 0, src = 0, off = 0, imm = 0): EbpfInsn => ({
  code,
  dst,
  src,
  off,
  imm,
});
/** `rN = v ll` (LD_IMM64, src 0). */
export const lddw = (dst: number, v: bigint): EbpfInsn[] => {
  const u = BigInt.asUintN(64, v);
  const lo = Number(BigInt.asIntN(32, u));
  const hi = Number(BigInt.asIntN(32, u >> 32n));
  return [
    { ...I(0x18, dst, 0, 0, lo), imm64: u },
    { ...LD_IMM64_CONT, imm: hi },
  ];
};
/** `rN = &data[off]` (LD_IMM64, BPF_PSEUDO_MAP_VALUE into `.bss`). */
export const ldData = (dst: number, off = 0): EbpfInsn[] => [I(0x18, dst, 2, 0, off), LD_IMM64_CONT];
export const EXIT = I(0x95);

/** A program of `insns` (a tracing program) over fresh `.bss` data of `dataBytes` bytes. */
export function assemble(insns: readonly EbpfInsn[], dataBytes = 16, kernel = makeKernel()) {
  const { k, cpu0, cpu1 } = kernel;
  const data = allocGlobalData(k, 't', [
    {
      name: '.bss',
      type: 2,
      keySize: 4,
      valueSize: dataBytes,
      maxEntries: 1,
      mapFlags: 0,
      initial: new Uint8Array(dataBytes),
    },
  ])['.bss']!;
  const mapRefs = new Map<number, MapRef>();
  for (const [pc, i] of insns.entries())
    if (i.code === 0x18 && i.src === 2 && i.isSecondHalf !== true)
      mapRefs.set(pc, { map: '.bss', isValue: true, offset: i.imm });
  const program: ObjectProgram = {
    name: 't',
    section: 'tp_btf/sys_enter',
    insns,
    origins: insns.map((_, insn) => ({ section: 'tp_btf/sys_enter', insn })),
    mapRefs,
    kfuncs: new Map(),
    coreFields: new Map(),
  };
  const prog: BpfProgram = {
    name: 't',
    type: 'tracing',
    attachType: 'trace_raw_tp',
    attachTo: 'sys_enter',
    isSleepable: false,
    maps: {},
    insns: [],
    ebpf: { program, globalData: { '.bss': data } },
  };
  return { k, cpu0, cpu1, prog, data };
}

/** Runs a program alone to its end: r0 (exact) or 'abort', and the labels of its steps. */
export function run(
  k: Kernel,
  actor: Actor,
  prog: BpfProgram,
  ctx: ProgCtx = {},
): { r0: bigint | 'abort'; steps: string[] } {
  const steps: string[] = [];
  const op: Op<bigint | typeof ABORT> = runEbpf(k, actor, prog, ctx);
  const labelled = (function* () {
    for (let r = op.next(); ; r = op.next()) {
      if (r.done) return r.value;
      steps.push(r.value.label);
      yield step(r.value.label);
    }
  })();
  const r0 = runToCompletion(labelled);
  return { r0: typeof r0 === 'bigint' ? r0 : 'abort', steps };
}

/** Runs `insns` and returns r0 (exact, unsigned). */
export function r0Of(insns: readonly EbpfInsn[]): bigint | 'abort' {
  const { k, cpu0, prog } = assemble(insns);
  return run(k, cpu0, prog).r0;
}

/** The data object's 8-byte slots after a run. */
export const slotsOf = (k: Kernel, data: ObjId): number[] => [...(k.memory.get(data).data ?? [])];
