/**
 * Loads, stores and atomics of the eBPF interpreter (RFC 9669 section 5). An
 * access to a map value (an element, a deprecated storage buffer, global data)
 * is shared memory: one step, through k.memory.use() (a use after free is a
 * recorded fault), bounds-checked (an 'out-of-bounds' fault). The stack is private
 * to the run; kernel structures are read through their CO-RE field; a NULL or
 * scalar dereference is a 'null-deref' fault that ends the run, as the oops would.
 */
import { asObjId, type ObjId } from '../../core/ids.js';
import { type Op, rd, step, wr } from '../../core/step.js';
import { type EbpfFrame, type LoadOrigin, setReg } from './ebpfFrame.js';
import { isInBounds, type Ptr, readBytes, readSlots, type Val, writeBytes, writeSlots } from './ebpfValue.js';
import type { EbpfInsn } from './insn.js';
import { KERNEL_FIELDS } from './kernelObjects.js';

/** BPF_SIZE bits to bytes (RFC 9669 5.1: W 0x00, H 0x08, B 0x10, DW 0x18). */
export const sizeOf = (code: number): number => [4, 2, 1, 8][(code & 0x18) >> 3]!;

/** The run ends: a kernel oops. */
export const ABORT = Symbol('abort');

const who = (f: EbpfFrame): string => `${f.actor.name}: ${f.prog.name}#${f.pc - 1}`;

/** Records a fault for an access through a non-pointer; the run ends. */
export function badPointer(f: EbpfFrame, base: Val, what: string): typeof ABORT {
  const kind = base === 0n ? 'null-deref' : 'out-of-bounds';
  f.k.memory.recordFault(kind, asObjId(0), `${what} through ${base === 0n ? 'NULL' : 'a scalar'}`, who(f));
  return ABORT;
}

/** The value object's slots, after the use check; undefined (and a fault) when out of bounds. */
function valueData(f: EbpfFrame, obj: ObjId, off: number, size: number): number[] | undefined {
  f.k.memory.use(obj, who(f));
  const data = f.k.memory.get(obj).data;
  if (data !== undefined && isInBounds(data.length, off, size)) return data;
  f.k.memory.recordFault(
    'out-of-bounds',
    obj,
    `bytes ${off}..${off + size} of ${(data?.length ?? 0) * 8}`,
    who(f),
  );
  return undefined;
}

/** Reads a kernel structure field named by the instruction's CO-RE relocation. */
function loadKernelField(f: EbpfFrame, p: Extract<Ptr, { kind: 'kobj' }>): Val | typeof ABORT {
  const core = f.prog.ebpf!.program.coreFields.get(f.pc - 1);
  const field =
    core === undefined || core.struct !== p.struct ? undefined : KERNEL_FIELDS[p.struct][core.field];
  if (field === undefined) {
    f.k.memory.recordFault(
      'out-of-bounds',
      asObjId(0),
      `a ${p.struct} load without a CO-RE field the model has`,
      who(f),
    );
    return ABORT;
  }
  if ('scalar' in field) return BigInt(p.cg ?? 0);
  return p.cg === null ? 0n : { kind: 'kobj', struct: field.to, cg: p.cg };
}

/** LDX: dst = *(size *)(src + off), sign-extended for MEMSX. */
export function* ebpfLoad(f: EbpfFrame, i: EbpfInsn): Op<typeof ABORT | undefined> {
  const base = f.regs[i.src]!;
  const size = sizeOf(i.code);
  const isSigned = (i.code & 0xe0) === 0x80;
  if (typeof base === 'bigint') return badPointer(f, base, 'load');
  const off = 'off' in base ? base.off + i.off : i.off;
  let v: Val = 0n;
  let origin: LoadOrigin | undefined;
  if (base.kind === 'value') {
    yield step(`${f.prog.name}#${f.pc - 1}: ldx [${base.obj}+${off}]`, [rd(base.obj)]);
    const data = valueData(f, base.obj, off, size);
    if (data !== undefined) v = readSlots(data, off, size);
    if (data !== undefined && size === 8 && off % 8 === 0)
      origin = { obj: base.obj, slot: off >> 3, loaded: data[off >> 3]! };
  } else if (base.kind === 'stack') {
    const spilled = size === 8 ? f.spills.get(off) : undefined;
    v = spilled ?? readBytes(f.stack, off, size);
  } else if (base.kind === 'kobj') {
    const field = loadKernelField(f, base);
    if (field === ABORT) return ABORT;
    v = field;
  } else if (base.kind === 'ctx') {
    v = 0n; // context fields read 0: no fixture program reads its context
  } else {
    return badPointer(f, 0n, 'load from a map pointer');
  }
  if (isSigned && typeof v === 'bigint') v = BigInt.asUintN(64, BigInt.asIntN(size * 8, v));
  setReg(f, i.dst, v, origin);
  return undefined;
}

/** ST and STX: *(size *)(dst + off) = src or imm. */
export function* ebpfStore(f: EbpfFrame, i: EbpfInsn, isImm: boolean): Op<typeof ABORT | undefined> {
  const base = f.regs[i.dst]!;
  const size = sizeOf(i.code);
  const src: Val = isImm ? BigInt.asUintN(64, BigInt(i.imm)) : f.regs[i.src]!;
  if (typeof base === 'bigint') return badPointer(f, base, 'store');
  const off = 'off' in base ? base.off + i.off : i.off;
  if (base.kind === 'stack') {
    for (const at of [...f.spills.keys()]) if (at > off - 8 && at < off + size) f.spills.delete(at);
    if (typeof src !== 'bigint' && size === 8) f.spills.set(off, src);
    else writeBytes(f.stack, off, size, typeof src === 'bigint' ? src : 0n);
    return undefined;
  }
  if (base.kind !== 'value') return badPointer(f, 0n, `store to ${base.kind}`);
  yield step(`${f.prog.name}#${f.pc - 1}: ${isImm ? 'st' : 'stx'} [${base.obj}+${off}]`, [wr(base.obj)]);
  const data = valueData(f, base.obj, off, size);
  const v = typeof src === 'bigint' ? src : 0n;
  if (data !== undefined) writeSlots(data, off, size, v);
  const origin = isImm ? undefined : f.origins[i.src];
  const isSame = origin !== undefined && origin.obj === base.obj && size === 8 && origin.slot * 8 === off;
  const delta = isSame && data !== undefined ? data[off >> 3]! - origin.loaded : undefined;
  f.k.observe({
    kind: 'value-update',
    actor: f.actor.id,
    obj: base.obj,
    slot: off >> 3,
    atomic: false,
    ...(delta === undefined ? {} : { delta }),
    ...(data === undefined ? {} : { value: data[off >> 3]! }),
  });
  return undefined;
}
