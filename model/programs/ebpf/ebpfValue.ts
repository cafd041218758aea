/**
 * Register values of the eBPF interpreter: unsigned 64-bit scalars, or pointers
 * the way the verifier types them (kernel/bpf/verifier.c: enum bpf_reg_type):
 * CONST_PTR_TO_MAP, PTR_TO_MAP_VALUE, PTR_TO_STACK, PTR_TO_CTX and PTR_TO_BTF_ID
 * (a modelled kernel structure), and the byte access to map values, which the
 * model stores as 8-byte slots (MemObject.data), little-endian.
 */
import type { CgroupId, ObjId } from '../../core/ids.js';
import type { KernelStruct } from './kernelObjects.js';

/** A pointer register. */
export type Ptr =
  | { readonly kind: 'map'; readonly map: string }
  | { readonly kind: 'value'; readonly obj: ObjId; readonly off: number }
  | { readonly kind: 'stack'; readonly off: number }
  | { readonly kind: 'ctx'; readonly off: number }
  | { readonly kind: 'kobj'; readonly struct: KernelStruct; readonly cg: CgroupId | null };

/** A register: a scalar in [0, 2^64) or a pointer. */
export type Val = bigint | Ptr;

/** The address a pointer stands for when a program computes with it: never 0, distinct per object. */
export function addressOf(p: Ptr): bigint {
  switch (p.kind) {
    case 'value':
      return (BigInt(p.obj) << 16n) + BigInt(p.off);
    case 'stack':
      return 0xffff_c900_0000_0000n + BigInt(p.off);
    case 'ctx':
      return 0xffff_c800_0000_0000n + BigInt(p.off);
    case 'map':
      return 0xffff_c700_0000_0000n;
    case 'kobj':
      return 0xffff_c600_0000_0000n + BigInt(p.cg ?? 0);
  }
}

/** A register as a scalar. */
export const scalarOf = (v: Val): bigint => (typeof v === 'bigint' ? v : addressOf(v));

/** Moves a pointer by `delta` bytes (pointer arithmetic on values, stack and ctx). */
export function movePtr(p: Ptr, delta: bigint): Val {
  if (p.kind === 'value' || p.kind === 'stack' || p.kind === 'ctx')
    return { ...p, off: p.off + Number(BigInt.asIntN(64, delta)) };
  return delta === 0n ? p : BigInt.asUintN(64, addressOf(p) + delta);
}

const slotBits = (data: readonly number[], slot: number): bigint =>
  BigInt.asUintN(64, BigInt(Math.trunc(data[slot] ?? 0)));

/** True when bytes [off, off+size) lie within `slots` 8-byte slots. */
export const isInBounds = (slots: number, off: number, size: number): boolean =>
  off >= 0 && off + size <= slots * 8;

/** Reads `size` bytes at byte `off` of 8-byte slots, little-endian. */
export function readSlots(data: readonly number[], off: number, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) {
    const at = off + i;
    v = (v << 8n) | ((slotBits(data, at >> 3) >> BigInt(8 * (at & 7))) & 0xffn);
  }
  return v;
}

/**
 * Writes the low `size` bytes of `v` at byte `off` of 8-byte slots, little-endian.
 * Slots hold signed numbers, each converted once: exact while the slot's value
 * stays within ±2^53 (MemObject.data is number[]), as the model's counters do.
 */
export function writeSlots(data: number[], off: number, size: number, v: bigint): void {
  const bySlot = new Map<number, bigint>();
  for (let i = 0; i < size; i++) {
    const at = off + i;
    const slot = at >> 3;
    const shift = BigInt(8 * (at & 7));
    const bits = bySlot.get(slot) ?? slotBits(data, slot);
    bySlot.set(slot, (bits & ~(0xffn << shift)) | (((v >> BigInt(8 * i)) & 0xffn) << shift));
  }
  for (const [slot, bits] of bySlot) data[slot] = Number(BigInt.asIntN(64, bits));
}

/** Reads `size` bytes at `off` of a byte buffer (the stack), little-endian. */
export function readBytes(buf: Uint8Array, off: number, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[off + i] ?? 0);
  return v;
}

/** Writes the low `size` bytes of `v` at `off` of a byte buffer, little-endian. */
export function writeBytes(buf: Uint8Array, off: number, size: number, v: bigint): void {
  for (let i = 0; i < size; i++) buf[off + i] = Number((v >> BigInt(8 * i)) & 0xffn);
}

/** Global data bytes as 8-byte slots (the last one zero-padded). */
export function bytesToSlots(bytes: Uint8Array): number[] {
  const data = new Array<number>(Math.ceil(bytes.length / 8)).fill(0);
  for (let i = 0; i < bytes.length; i++) writeSlots(data, i, 1, BigInt(bytes[i]!));
  return data;
}
