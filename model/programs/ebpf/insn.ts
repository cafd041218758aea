/**
 * eBPF instructions as RFC 9669 encodes them (section 3, "Instruction encoding"):
 * 8 bytes, opcode, dst and src registers, a signed 16-bit offset and a signed
 * 32-bit immediate; the wide LD_IMM64 takes two slots (section 5.4), and the
 * second is kept as a placeholder so indices stay those of the object and the
 * kernel's verifier log.
 */
import { failLoad } from '../loadError.js';

/** One decoded instruction. For LD_IMM64, `imm64` is the full 64-bit constant. */
export interface EbpfInsn {
  readonly code: number;
  readonly dst: number;
  readonly src: number;
  readonly off: number;
  readonly imm: number;
  readonly imm64?: bigint;
  /** Set on the second slot of an LD_IMM64, which is never executed. */
  readonly isSecondHalf?: true;
}

/** Instruction classes (RFC 9669 section 3.3). */
export const BPF_LD = 0x00;
export const BPF_LDX = 0x01;
export const BPF_ST = 0x02;
export const BPF_STX = 0x03;
export const BPF_ALU = 0x04;
export const BPF_JMP = 0x05;
export const BPF_JMP32 = 0x06;
export const BPF_ALU64 = 0x07;

/** Load/store modes (RFC 9669 section 5.1). */
export const BPF_IMM = 0x00;
export const BPF_MEM = 0x60;
export const BPF_MEMSX = 0x80;
export const BPF_ATOMIC = 0xc0;

/** Jump operations used by name elsewhere (RFC 9669 section 4.3). */
export const BPF_CALL = 0x80;
export const BPF_EXIT = 0x90;

/** LD_IMM64 src values (RFC 9669 section 5.4; include/uapi/linux/bpf.h BPF_PSEUDO_*). */
export const BPF_PSEUDO_MAP_FD = 1;
export const BPF_PSEUDO_MAP_VALUE = 2;
/** CALL src values: a BPF-to-BPF call and a kfunc call. */
export const BPF_PSEUDO_CALL = 1;
export const BPF_PSEUDO_KFUNC_CALL = 2;

/** The second slot of an LD_IMM64. */
export const LD_IMM64_CONT: EbpfInsn = { code: 0, dst: 0, src: 0, off: 0, imm: 0, isSecondHalf: true };

export const insnClass = (code: number): number => code & 0x07;
export const isLdImm64 = (code: number): boolean => code === (BPF_LD | BPF_IMM | 0x18);

/** Decodes a program section's bytes (little-endian). */
export function decodeInsns(bytes: Uint8Array, section: string): EbpfInsn[] {
  if (bytes.length % 8 !== 0) failLoad(`size ${bytes.length} is not a multiple of 8 bytes`, section);
  const d = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out: EbpfInsn[] = [];
  for (let i = 0; i < bytes.length / 8; i++) {
    const at = i * 8;
    const code = d.getUint8(at);
    const regs = d.getUint8(at + 1);
    const insn = {
      code,
      dst: regs & 0x0f,
      src: regs >> 4,
      off: d.getInt16(at + 2, true),
      imm: d.getInt32(at + 4, true),
    };
    if (!isLdImm64(code)) {
      out.push(insn);
      continue;
    }
    if (i + 1 >= bytes.length / 8) failLoad('LD_IMM64 without its second half', section, i);
    const hi = d.getInt32(at + 12, true);
    out.push({
      ...insn,
      imm64: (BigInt.asUintN(32, BigInt(hi)) << 32n) | BigInt.asUintN(32, BigInt(insn.imm)),
    });
    out.push({ ...LD_IMM64_CONT, imm: hi });
    i++;
  }
  return out;
}
