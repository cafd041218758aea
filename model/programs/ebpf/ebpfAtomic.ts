/**
 * Atomic operations (RFC 9669 section 5.3): ADD, OR, AND, XOR with or without
 * FETCH, XCHG and CMPXCHG on 32- or 64-bit words, each one indivisible step on a
 * map value. An ADD is recorded as an atomic increment (`__sync_fetch_and_add`);
 * the others as stores that set the value.
 */
import { type Op, step, wr } from '../../core/step.js';
import { u32, u64 } from './alu.js';
import { type EbpfFrame, setReg } from './ebpfFrame.js';
import { type ABORT, badPointer, sizeOf } from './ebpfMem.js';
import { isInBounds, readBytes, readSlots, scalarOf, writeBytes, writeSlots } from './ebpfValue.js';
import type { EbpfInsn } from './insn.js';

const FETCH = 0x01;
const XCHG = 0xe1;
const CMPXCHG = 0xf1;

/** The new memory value of an atomic read-modify-write (RFC 9669 table 10). */
function combine(op: number, old: bigint, v: bigint): bigint {
  switch (op & ~FETCH) {
    case 0x00:
      return old + v;
    case 0x40:
      return old | v;
    case 0x50:
      return old & v;
    case 0xa0:
      return old ^ v;
    default:
      return v; // XCHG
  }
}

const NAMES: Readonly<Record<number, string>> = { 0: 'add', 64: 'or', 80: 'and', 160: 'xor' };
const nameOf = (op: number): string =>
  op === XCHG ? 'xchg' : op === CMPXCHG ? 'cmpxchg' : `${op & FETCH ? 'fetch_' : ''}${NAMES[op & ~FETCH]}`;

/** One atomic instruction: `lock *(size *)(dst + off) op= src`, fetching the old value into src (r0 for CMPXCHG). */
export function* ebpfAtomic(f: EbpfFrame, i: EbpfInsn): Op<typeof ABORT | undefined> {
  const base = f.regs[i.dst]!;
  const size = sizeOf(i.code);
  const mask = size === 8 ? u64 : u32;
  if (typeof base === 'bigint') return badPointer(f, base, 'atomic');
  if (base.kind !== 'value' && base.kind !== 'stack') return badPointer(f, 0n, `atomic on ${base.kind}`);
  const off = base.off + i.off;
  const v = mask(scalarOf(f.regs[i.src]!));
  let old = 0n;
  let data: number[] | undefined;
  if (base.kind === 'value') {
    yield step(`${f.prog.name}#${f.pc - 1}: atomic_${nameOf(i.imm)} [${base.obj}+${off}]`, [wr(base.obj)]);
    f.k.memory.use(base.obj, `${f.actor.name}: ${f.prog.name}#${f.pc - 1}`);
    const d = f.k.memory.get(base.obj).data;
    if (d !== undefined && isInBounds(d.length, off, size)) data = d;
    else
      f.k.memory.recordFault(
        'out-of-bounds',
        base.obj,
        `bytes ${off}..${off + size} of ${(d?.length ?? 0) * 8}`,
        `${f.actor.name}: ${f.prog.name}#${f.pc - 1}`,
      );
    if (data !== undefined) old = readSlots(data, off, size);
  } else {
    old = readBytes(f.stack, off, size);
  }
  const isCmpxchg = i.imm === CMPXCHG;
  const isWrite = !isCmpxchg || mask(scalarOf(f.regs[0]!)) === old;
  const next = isCmpxchg ? v : mask(combine(i.imm, old, v));
  if (isWrite && data !== undefined) writeSlots(data, off, size, next);
  if (isWrite && base.kind === 'stack') writeBytes(f.stack, off, size, next);
  if (isCmpxchg) setReg(f, 0, old);
  else if ((i.imm & FETCH) !== 0) setReg(f, i.src, old);
  if (base.kind === 'value' && isWrite) {
    const isAdd = i.imm === 0x00 || i.imm === FETCH;
    f.k.observe({
      kind: 'value-update',
      actor: f.actor.id,
      obj: base.obj,
      slot: off >> 3,
      atomic: isAdd,
      ...(isAdd ? { delta: Number(BigInt.asIntN(size * 8, v)) } : {}),
      ...(data === undefined ? {} : { value: data[off >> 3]! }),
    });
  }
  return undefined;
}
