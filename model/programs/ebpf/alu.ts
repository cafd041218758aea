/**
 * The arithmetic and jump conditions of RFC 9669 on 64-bit values (bigint, kept
 * unsigned in [0, 2^64)): section 4.1 (ALU and ALU64, including signed division
 * and modulo when `off` is 1 and sign-extending moves when `off` is 8, 16 or 32),
 * section 4.2 (byte swaps), section 4.3 (jump conditions, JMP and JMP32). Pure.
 */

const M64 = (1n << 64n) - 1n;
const M32 = (1n << 32n) - 1n;

/** Wraps to an unsigned 64-bit value. */
export const u64 = (v: bigint): bigint => v & M64;
/** The low 32 bits, unsigned. */
export const u32 = (v: bigint): bigint => v & M32;
/** Sign-extends the low `bits` bits. */
export const sext = (v: bigint, bits: number): bigint => BigInt.asIntN(bits, v);

/** ALU operation codes (the 4 high bits of the opcode, RFC 9669 table 5). */
export const ALU = {
  ADD: 0x00,
  SUB: 0x10,
  MUL: 0x20,
  DIV: 0x30,
  OR: 0x40,
  AND: 0x50,
  LSH: 0x60,
  RSH: 0x70,
  NEG: 0x80,
  MOD: 0x90,
  XOR: 0xa0,
  MOV: 0xb0,
  ARSH: 0xc0,
  END: 0xd0,
} as const;

/** True for an ALU operation code RFC 9669 defines. */
export const isAluOp = (op: number): boolean => op <= 0xd0;

function divide(op: number, a: bigint, b: bigint, bits: 32 | 64, isSigned: boolean): bigint {
  if (b === 0n) return op === ALU.DIV ? 0n : a; // RFC 9669 4.1: x/0 = 0, x%0 = x
  if (!isSigned) return op === ALU.DIV ? a / b : a % b;
  const sa = sext(a, bits);
  const sb = sext(b, bits);
  // LLONG_MIN / -1 wraps to LLONG_MIN; LLONG_MIN % -1 is 0 (both fall out of BigInt here)
  return op === ALU.DIV ? sa / sb : sa % sb;
}

/**
 * `dst op src` for an ALU (bits 32) or ALU64 (bits 64) instruction; `off` selects
 * SDIV/SMOD (1) or MOVSX (8, 16, 32). The result is zero-extended for 32-bit ALU.
 */
export function aluOp(op: number, dst: bigint, src: bigint, bits: 32 | 64, off: number): bigint {
  const mask = bits === 64 ? M64 : M32;
  const a = dst & mask;
  const b = src & mask;
  const shift = b & BigInt(bits - 1);
  let r: bigint;
  switch (op) {
    case ALU.ADD:
      r = a + b;
      break;
    case ALU.SUB:
      r = a - b;
      break;
    case ALU.MUL:
      r = a * b;
      break;
    case ALU.DIV:
    case ALU.MOD:
      r = divide(op, a, b, bits, off === 1);
      break;
    case ALU.OR:
      r = a | b;
      break;
    case ALU.AND:
      r = a & b;
      break;
    case ALU.XOR:
      r = a ^ b;
      break;
    case ALU.LSH:
      r = a << shift;
      break;
    case ALU.RSH:
      r = a >> shift;
      break;
    case ALU.ARSH:
      r = sext(a, bits) >> shift;
      break;
    case ALU.NEG:
      r = -a;
      break;
    case ALU.MOV:
      r = off === 0 ? b : sext(src, off);
      break;
    default:
      throw new Error(`aluOp: 0x${op.toString(16)} is not an arithmetic operation`);
  }
  return r & mask;
}

function swap(v: bigint, bytes: number): bigint {
  let r = 0n;
  for (let i = 0; i < bytes; i++) r = (r << 8n) | ((v >> BigInt(8 * i)) & 0xffn);
  return r;
}

/**
 * Byte swaps (RFC 9669 4.2) on a little-endian machine: TO_LE truncates to `width`
 * bits, TO_BE and the unconditional BSWAP (ALU64) reverse the low `width`/8 bytes.
 */
export function endian(dst: bigint, width: number, isSwap: boolean): bigint {
  const mask = (1n << BigInt(width)) - 1n;
  return isSwap ? swap(dst & mask, width / 8) : dst & mask;
}

/** Jump operation codes (RFC 9669 table 6), without JA, CALL and EXIT. */
export const JMP = {
  JEQ: 0x10,
  JGT: 0x20,
  JGE: 0x30,
  JSET: 0x40,
  JNE: 0x50,
  JSGT: 0x60,
  JSGE: 0x70,
  JLT: 0xa0,
  JLE: 0xb0,
  JSLT: 0xc0,
  JSLE: 0xd0,
} as const;

/** True for a conditional jump code. */
export const isJmpCond = (op: number): boolean => Object.values(JMP).includes(op as never);

/** Whether a conditional jump is taken, comparing 64 or the low 32 bits (JMP32). */
export function jmpTaken(op: number, dst: bigint, src: bigint, bits: 32 | 64): boolean {
  const mask = bits === 64 ? M64 : M32;
  const a = dst & mask;
  const b = src & mask;
  const sa = sext(a, bits);
  const sb = sext(b, bits);
  switch (op) {
    case JMP.JEQ:
      return a === b;
    case JMP.JNE:
      return a !== b;
    case JMP.JGT:
      return a > b;
    case JMP.JGE:
      return a >= b;
    case JMP.JLT:
      return a < b;
    case JMP.JLE:
      return a <= b;
    case JMP.JSET:
      return (a & b) !== 0n;
    case JMP.JSGT:
      return sa > sb;
    case JMP.JSGE:
      return sa >= sb;
    case JMP.JSLT:
      return sa < sb;
    case JMP.JSLE:
      return sa <= sb;
    default:
      throw new Error(`jmpTaken: 0x${op.toString(16)} is not a jump condition`);
  }
}
