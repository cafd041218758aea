/**
 * RFC 9669 arithmetic, byte swaps and jump conditions, with the expected values
 * worked out by hand from the RFC's definitions (sections 4.1, 4.2, 4.3).
 */
import { describe, expect, it } from 'vitest';
import { ALU, aluOp, endian, JMP, jmpTaken } from '../../../../model/programs/ebpf/alu.js';

const NEG = (v: bigint): bigint => BigInt.asUintN(64, v);
const LLONG_MIN = 1n << 63n;

describe('aluOp (RFC 9669 4.1)', () => {
  it.each([
    // [name, op, bits, off, dst, src, expected]
    ['ADD wraps at 2^64', ALU.ADD, 64, 0, NEG(-1n), 2n, 1n],
    ['ADD32 wraps at 2^32 and zero-extends', ALU.ADD, 32, 0, 0xffff_ffffn, 1n, 0n],
    ['ADD32 ignores the upper halves', ALU.ADD, 32, 0, 0x1_0000_0005n, 0x2_0000_0003n, 8n],
    ['SUB below zero', ALU.SUB, 64, 0, 3n, 5n, NEG(-2n)],
    ['SUB32 below zero is 0xfffffffe', ALU.SUB, 32, 0, 3n, 5n, 0xffff_fffen],
    [
      'MUL truncates to 64 bits: (2^40 + 3) * 2^30 = 3 * 2^30',
      ALU.MUL,
      64,
      0,
      (1n << 40n) + 3n,
      1n << 30n,
      3n << 30n,
    ],
    ['DIV is unsigned', ALU.DIV, 64, 0, NEG(-8n), 2n, NEG(-8n) >> 1n],
    ['DIV by zero is 0', ALU.DIV, 64, 0, 42n, 0n, 0n],
    ['MOD by zero leaves dst (ALU64)', ALU.MOD, 64, 0, 0x1_0000_0007n, 0n, 0x1_0000_0007n],
    ['MOD32 by zero zeroes the upper half', ALU.MOD, 32, 0, 0x1_0000_0007n, 0n, 7n],
    ['MOD', ALU.MOD, 64, 0, 17n, 5n, 2n],
    ['SDIV -7 / 2 = -3 (truncated)', ALU.DIV, 64, 1, NEG(-7n), 2n, NEG(-3n)],
    ['SMOD -7 % 2 = -1 (sign of the dividend)', ALU.MOD, 64, 1, NEG(-7n), 2n, NEG(-1n)],
    ['SMOD 7 % -2 = 1', ALU.MOD, 64, 1, 7n, NEG(-2n), 1n],
    ['SDIV LLONG_MIN / -1 = LLONG_MIN', ALU.DIV, 64, 1, LLONG_MIN, NEG(-1n), LLONG_MIN],
    ['SMOD LLONG_MIN % -1 = 0', ALU.MOD, 64, 1, LLONG_MIN, NEG(-1n), 0n],
    ['SDIV32 -8 / 2 = -4 in 32 bits', ALU.DIV, 32, 1, 0xffff_fff8n, 2n, 0xffff_fffcn],
    ['SDIV by zero is 0', ALU.DIV, 64, 1, NEG(-5n), 0n, 0n],
    ['OR', ALU.OR, 64, 0, 0xf0n, 0x0fn, 0xffn],
    ['AND', ALU.AND, 64, 0, 0xf0f0n, 0xff00n, 0xf000n],
    ['XOR', ALU.XOR, 64, 0, 0xffn, 0x0fn, 0xf0n],
    ['LSH masks the shift to 63', ALU.LSH, 64, 0, 1n, 65n, 2n],
    ['LSH32 masks the shift to 31', ALU.LSH, 32, 0, 1n, 33n, 2n],
    ['RSH is logical', ALU.RSH, 64, 0, LLONG_MIN, 63n, 1n],
    ['ARSH keeps the sign', ALU.ARSH, 64, 0, LLONG_MIN, 63n, NEG(-1n)],
    ['ARSH32 keeps the 32-bit sign', ALU.ARSH, 32, 0, 0x8000_0000n, 31n, 0xffff_ffffn],
    ['NEG', ALU.NEG, 64, 0, 5n, 0n, NEG(-5n)],
    ['NEG32', ALU.NEG, 32, 0, 5n, 0n, 0xffff_fffbn],
    ['MOV', ALU.MOV, 64, 0, 1n, NEG(-1n), NEG(-1n)],
    ['MOV32 zero-extends', ALU.MOV, 32, 0, 1n, NEG(-1n), 0xffff_ffffn],
    ['MOVSX 8 sign-extends 0x80', ALU.MOV, 64, 8, 0n, 0x180n, NEG(-128n)],
    ['MOVSX 16 sign-extends 0x8000', ALU.MOV, 64, 16, 0n, 0x8000n, NEG(-32768n)],
    ['MOVSX 32 sign-extends 0xffffffff', ALU.MOV, 64, 32, 0n, 0xffff_ffffn, NEG(-1n)],
    ['MOVSX32 8 sign-extends into 32 bits only', ALU.MOV, 32, 8, 0n, 0xffn, 0xffff_ffffn],
  ] as const)('%s', (_name, op, bits, off, dst, src, expected) => {
    expect(aluOp(op, dst, src, bits, off)).toBe(expected);
  });
});

describe('endian (RFC 9669 4.2, little-endian machine)', () => {
  const v = 0x1122_3344_5566_7788n;
  it.each([
    ['TO_LE 16 truncates', 16, false, 0x7788n],
    ['TO_LE 32 truncates', 32, false, 0x5566_7788n],
    ['TO_LE 64 is the identity', 64, false, v],
    ['TO_BE 16 swaps the low 2 bytes', 16, true, 0x8877n],
    ['TO_BE 32 swaps the low 4 bytes', 32, true, 0x8877_6655n],
    ['TO_BE 64 (and BSWAP 64) reverses all 8', 64, true, 0x8877_6655_4433_2211n],
  ] as const)('%s', (_name, width, isSwap, expected) => {
    expect(endian(v, width, isSwap)).toBe(expected);
  });
});

describe('jmpTaken (RFC 9669 4.3)', () => {
  const m1 = NEG(-1n);
  it.each([
    ['JEQ', JMP.JEQ, 64, 5n, 5n, true],
    ['JNE', JMP.JNE, 64, 5n, 5n, false],
    ['JGT is unsigned: -1 > 1', JMP.JGT, 64, m1, 1n, true],
    ['JSGT is signed: -1 > 1 is false', JMP.JSGT, 64, m1, 1n, false],
    ['JGE', JMP.JGE, 64, 1n, 1n, true],
    ['JSGE', JMP.JSGE, 64, m1, m1, true],
    ['JLT is unsigned: 1 < -1', JMP.JLT, 64, 1n, m1, true],
    ['JSLT is signed: -1 < 1', JMP.JSLT, 64, m1, 1n, true],
    ['JLE', JMP.JLE, 64, 2n, 1n, false],
    ['JSLE', JMP.JSLE, 64, m1, 0n, true],
    ['JSET tests common bits', JMP.JSET, 64, 0b1010n, 0b0010n, true],
    ['JSET with no common bit', JMP.JSET, 64, 0b1010n, 0b0101n, false],
    ['JMP32 JEQ compares the low halves only', JMP.JEQ, 32, 0x1_0000_0005n, 5n, true],
    ['JMP32 JSLT sees 0xffffffff as -1', JMP.JSLT, 32, 0xffff_ffffn, 0n, true],
    ['JMP (64) sees 0xffffffff as positive', JMP.JSLT, 64, 0xffff_ffffn, 0n, false],
  ] as const)('%s', (_name, op, bits, a, b, expected) => {
    expect(jmpTaken(op, a, b, bits)).toBe(expected);
  });
});
