/**
 * The eBPF interpreter, instruction by instruction: every opcode clang emits for
 * BPF (ALU/ALU64 with immediate and register sources, byte swaps, JMP/JMP32,
 * LD_IMM64, loads and stores of every size, sign-extending loads, atomics with and
 * without fetch, XCHG, CMPXCHG, BPF-to-BPF calls), with results worked out from
 * RFC 9669; and the steps and faults the model sees.
 */
import { describe, expect, it } from 'vitest';
import { assemble, EXIT, I, ldData, lddw, r0Of, run, slotsOf } from './asm.js';

const N = (v: bigint): bigint => BigInt.asUintN(64, v);
const A = 0x1_0000_0005n;

/** `r0 = a; r1 = b; <code> r0, r1|imm; exit` */
const alu = (code: number, a: bigint, src: bigint | number, off = 0): bigint | 'abort' => {
  const isReg = typeof src === 'bigint';
  return r0Of([...lddw(0, a), ...lddw(1, isReg ? src : 0n), I(code, 0, 1, off, isReg ? 0 : src), EXIT]);
};

describe('ALU64 (RFC 9669 4.1; opcode = op | BPF_K 0x00 or BPF_X 0x08 | BPF_ALU64 0x07)', () => {
  it.each([
    [0x07, 'add imm -1 (sign-extended)', A, -1, 0, 0x1_0000_0004n],
    [0x0f, 'add reg', A, 3n, 0, 0x1_0000_0008n],
    [0x17, 'sub imm', A, 6, 0, 0xffff_ffffn],
    [0x1f, 'sub reg', A, 3n, 0, 0x1_0000_0002n],
    [0x27, 'mul imm', A, 2, 0, 0x2_0000_000an],
    [0x2f, 'mul reg', A, 3n, 0, 0x3_0000_000fn],
    [0x37, 'div imm', A, 2, 0, 0x8000_0002n],
    [0x3f, 'div reg: 4294967301 / 3', A, 3n, 0, 0x5555_5557n],
    [0x3f, 'sdiv reg (off 1): -7 / 2', N(-7n), 2n, 1, N(-3n)],
    [0x47, 'or imm', A, 0x10, 0, 0x1_0000_0015n],
    [0x4f, 'or reg', A, 0x30n, 0, 0x1_0000_0035n],
    [0x57, 'and imm', A, 0xf, 0, 5n],
    [0x5f, 'and reg', A, 0x1_0000_0000n, 0, 0x1_0000_0000n],
    [0x67, 'lsh imm', A, 4, 0, 0x10_0000_0050n],
    [0x6f, 'lsh reg', A, 1n, 0, 0x2_0000_000an],
    [0x77, 'rsh imm', A, 32, 0, 1n],
    [0x7f, 'rsh reg', A, 1n, 0, 0x8000_0002n],
    [0x87, 'neg', A, 0, 0, N(-A)],
    [0x97, 'mod imm: 4294967301 % 3', A, 3, 0, 0n],
    [0x9f, 'mod reg: 4294967301 % 7 (2^32 ≡ 4)', A, 7n, 0, 2n],
    [0x9f, 'smod reg (off 1): -7 % 2', N(-7n), 2n, 1, N(-1n)],
    [0xa7, 'xor imm', A, 1, 0, 0x1_0000_0004n],
    [0xaf, 'xor reg', A, A, 0, 0n],
    [0xb7, 'mov imm -1 (sign-extended)', A, -1, 0, N(-1n)],
    [0xbf, 'mov reg', A, 3n, 0, 3n],
    [0xbf, 'movsx8 reg', A, 0x80n, 8, N(-128n)],
    [0xbf, 'movsx16 reg', A, 0x8000n, 16, N(-32768n)],
    [0xbf, 'movsx32 reg', A, 0x8000_0000n, 32, 0xffff_ffff_8000_0000n],
    [0xc7, 'arsh imm', N(-8n), 1, 0, N(-4n)],
    [0xcf, 'arsh reg', N(-8n), 2n, 0, N(-2n)],
  ] as const)('0x%s %s', (code, _name, a, src, off, expected) => {
    expect(alu(code, a, src, off)).toBe(expected);
  });
});

describe('ALU (32-bit; BPF_ALU 0x04): operands and result are the low 32 bits, zero-extended', () => {
  it.each([
    [0x04, 'add imm', A, -1, 0, 4n],
    [0x0c, 'add reg (wraps)', A, 0xffff_ffffn, 0, 4n],
    [0x14, 'sub imm', A, 6, 0, 0xffff_ffffn],
    [0x1c, 'sub reg', A, 3n, 0, 2n],
    [0x24, 'mul imm', A, 3, 0, 15n],
    [0x2c, 'mul reg: 5 * 2^31', A, 0x8000_0000n, 0, 0x8000_0000n],
    [0x34, 'div imm', A, 2, 0, 2n],
    [0x3c, 'div reg by zero', A, 0n, 0, 0n],
    [0x3c, 'sdiv reg (off 1): -7 / 2', 0xffff_fff9n, 2n, 1, 0xffff_fffdn],
    [0x44, 'or imm', A, 0x10, 0, 0x15n],
    [0x4c, 'or reg', A, 2n, 0, 7n],
    [0x54, 'and imm', A, 4, 0, 4n],
    [0x5c, 'and reg', A, 1n, 0, 1n],
    [0x64, 'lsh imm', A, 31, 0, 0x8000_0000n],
    [0x6c, 'lsh reg 32 (masked to 0)', A, 32n, 0, 5n],
    [0x74, 'rsh imm', A, 1, 0, 2n],
    [0x7c, 'rsh reg', A, 2n, 0, 1n],
    [0x84, 'neg', A, 0, 0, 0xffff_fffbn],
    [0x94, 'mod imm', A, 3, 0, 2n],
    [0x9c, 'mod reg by zero (upper half zeroed)', A, 0n, 0, 5n],
    [0xa4, 'xor imm', A, 5, 0, 0n],
    [0xac, 'xor reg', A, 1n, 0, 4n],
    [0xb4, 'mov imm -1', A, -1, 0, 0xffff_ffffn],
    [0xbc, 'mov reg', 0n, A, 0, 5n],
    [0xbc, 'movsx8 reg', 0n, 0xffn, 8, 0xffff_ffffn],
    [0xc4, 'arsh imm', 0x8000_0000n, 1, 0, 0xc000_0000n],
    [0xcc, 'arsh reg', 0xffff_fff0n, 4n, 0, 0xffff_ffffn],
  ] as const)('0x%s %s', (code, _name, a, src, off, expected) => {
    expect(alu(code, a, src, off)).toBe(expected);
  });
});

describe('byte swaps (RFC 9669 4.2)', () => {
  const v = 0x1122_3344_5566_7788n;
  it.each([
    [0xd4, 'le16', 16, 0x7788n],
    [0xd4, 'le32', 32, 0x5566_7788n],
    [0xd4, 'le64', 64, v],
    [0xdc, 'be16', 16, 0x8877n],
    [0xdc, 'be32', 32, 0x8877_6655n],
    [0xdc, 'be64', 64, 0x8877_6655_4433_2211n],
    [0xd7, 'bswap16', 16, 0x8877n],
    [0xd7, 'bswap32', 32, 0x8877_6655n],
    [0xd7, 'bswap64', 64, 0x8877_6655_4433_2211n],
  ] as const)('0x%s %s', (code, _name, width, expected) => {
    expect(r0Of([...lddw(0, v), I(code, 0, 0, 0, width), EXIT])).toBe(expected);
  });
});

/** `r1 = a; r2 = b; r0 = 1; if r1 <op> r2|imm goto +1; r0 = 0; exit` → 1 when taken. */
const taken = (code: number, a: bigint, b: bigint | number): boolean => {
  const isReg = typeof b === 'bigint';
  const r0 = r0Of([
    ...lddw(1, a),
    ...lddw(2, isReg ? b : 0n),
    I(0xb7, 0, 0, 0, 1),
    I(code, 1, 2, 1, isReg ? 0 : b),
    I(0xb7, 0, 0, 0, 0),
    EXIT,
  ]);
  return r0 === 1n;
};

describe('JMP and JMP32 (RFC 9669 4.3)', () => {
  const m1 = N(-1n);
  it.each([
    [0x15, 'jeq imm -1 (sign-extended to 64)', m1, -1, true],
    [0x1d, 'jeq reg', 5n, 6n, false],
    [0x25, 'jgt imm (unsigned)', m1, 1, true],
    [0x2d, 'jgt reg', 1n, 1n, false],
    [0x35, 'jge imm', 1n, 1, true],
    [0x3d, 'jge reg', 0n, 1n, false],
    [0x45, 'jset imm', 0b1010n, 0b10, true],
    [0x4d, 'jset reg', 0b1010n, 0b101n, false],
    [0x55, 'jne imm', 5n, 5, false],
    [0x5d, 'jne reg', 5n, 6n, true],
    [0x65, 'jsgt imm (signed)', m1, 1, false],
    [0x6d, 'jsgt reg', 2n, m1, true],
    [0x75, 'jsge imm', m1, -1, true],
    [0x7d, 'jsge reg', m1, 0n, false],
    [0xa5, 'jlt imm (unsigned)', 1n, -1, true],
    [0xad, 'jlt reg', 2n, 1n, false],
    [0xb5, 'jle imm', 1n, 1, true],
    [0xbd, 'jle reg', 2n, 1n, false],
    [0xc5, 'jslt imm (signed)', m1, 0, true],
    [0xcd, 'jslt reg', 1n, m1, false],
    [0xd5, 'jsle imm', m1, -1, true],
    [0xdd, 'jsle reg', 0n, m1, false],
    [0x16, 'jeq32 imm: only the low halves', 0x7_0000_0005n, 5, true],
    [0x1e, 'jeq32 reg', 0x7_0000_0005n, 0x5n, true],
    [0x26, 'jgt32 imm', 0x1_0000_0000n, 0, false],
    [0x56, 'jne32 imm', 0x1_0000_0000n, 0, false],
    [0x66, 'jsgt32 imm: 0xffffffff is -1', 0xffff_ffffn, 0, false],
    [0xa6, 'jlt32 imm', 0x1_0000_0001n, 2, true],
    [0xb6, 'jle32 imm', 3n, 2, false],
    [0xc6, 'jslt32 imm', 0xffff_ffffn, 0, true],
    [0xce, 'jslt32 reg', 0xffff_ffffn, 0n, true],
    [0xd6, 'jsle32 imm', 0x8000_0000n, -1, true],
  ] as const)('0x%s %s', (code, _name, a, b, expected) => {
    expect(taken(code, a, b)).toBe(expected);
  });

  it('0x05 ja skips by off; 0x06 (JMP32 ja, gotol) by imm', () => {
    expect(r0Of([I(0xb7, 0, 0, 0, 1), I(0x05, 0, 0, 1), I(0xb7, 0, 0, 0, 2), EXIT])).toBe(1n);
    expect(r0Of([I(0xb7, 0, 0, 0, 1), I(0x06, 0, 0, 0, 1), I(0xb7, 0, 0, 0, 2), EXIT])).toBe(1n);
  });
});

describe('LD_IMM64, loads and stores (RFC 9669 5)', () => {
  it('0x18 lddw loads all 64 bits', () => {
    expect(r0Of([...lddw(0, 0x8000_0000_0000_0001n), EXIT])).toBe(0x8000_0000_0000_0001n);
  });

  it('0x7b stxdw then 0x79/0x61/0x69/0x71 load 8, 4, 2 and 1 bytes little-endian', () => {
    // map values are exact within ±2^53 (the model's slots are numbers)
    const v = 0x0011_2233_4455_6677n;
    const prefix = [...ldData(1), ...lddw(2, v), I(0x7b, 1, 2, 0)];
    expect(r0Of([...prefix, I(0x79, 0, 1, 0), EXIT])).toBe(v);
    expect(r0Of([...prefix, I(0x61, 0, 1, 4), EXIT])).toBe(0x0011_2233n);
    expect(r0Of([...prefix, I(0x69, 0, 1, 2), EXIT])).toBe(0x4455n);
    expect(r0Of([...prefix, I(0x71, 0, 1, 6), EXIT])).toBe(0x11n);
  });

  it('0x81/0x89/0x91 sign-extend 4, 2 and 1 bytes (MEMSX)', () => {
    const prefix = [
      ...ldData(1),
      ...lddw(2, 0x8000_0000n),
      I(0x63, 1, 2, 8), // *(u32 *)(r1 + 8) = 0x80000000
      I(0x6a, 1, 0, 2, 0x8080), // *(u16 *)(r1 + 2) = 0x8080
      I(0x72, 1, 0, 0, 0xf0), // *(u8 *)(r1 + 0) = 0xf0
    ];
    expect(r0Of([...prefix, I(0x81, 0, 1, 8), EXIT])).toBe(N(-0x8000_0000n));
    expect(r0Of([...prefix, I(0x89, 0, 1, 2), EXIT])).toBe(N(-0x7f80n));
    expect(r0Of([...prefix, I(0x91, 0, 1, 0), EXIT])).toBe(N(-0x10n));
  });

  it('0x7a/0x62/0x6a/0x72 store immediates of 8, 4, 2, 1 bytes; 0x63/0x6b/0x73 store registers', () => {
    const { k, cpu0, prog, data } = assemble([
      ...ldData(1),
      I(0x7a, 1, 0, 0, -2), // *(u64 *)(r1 + 0) = -2
      I(0x62, 1, 0, 8, 0x01020304), // *(u32 *)(r1 + 8)
      I(0x6a, 1, 0, 12, 0x0506), // *(u16 *)(r1 + 12)
      I(0x72, 1, 0, 14, 0x07), // *(u8 *)(r1 + 14)
      I(0xb7, 2, 0, 0, 0x11),
      I(0x73, 1, 2, 3), // *(u8 *)(r1 + 3) = r2
      I(0x6b, 1, 2, 0), // *(u16 *)(r1 + 0) = r2
      I(0x63, 1, 2, 4), // *(u32 *)(r1 + 4) = r2
      EXIT,
    ]);
    run(k, cpu0, prog);
    // slot 0: bytes 11 00 ff 11 | 11 00 00 00; slot 1: 04 03 02 01 | 06 05 07 00
    expect(slotsOf(k, data)).toEqual([0x11_11ff_0011, 0x07_0506_0102_0304]);
  });

  it('the stack (r10) is private and keeps a spilled pointer', () => {
    const { k, cpu0, prog, data } = assemble([
      ...ldData(1, 8), // r1 = &data[8]
      I(0x7b, 10, 1, -8), // *(u64 *)(r10 - 8) = r1 (spill)
      I(0x72, 10, 0, -16, 0x2a), // *(u8 *)(r10 - 16) = 42
      I(0x79, 3, 10, -8), // r3 = *(u64 *)(r10 - 8) (fill)
      I(0x71, 4, 10, -16), // r4 = *(u8 *)(r10 - 16)
      I(0x7b, 3, 4, 0), // *(u64 *)(r3 + 0) = r4
      EXIT,
    ]);
    expect(run(k, cpu0, prog).steps).toEqual([`t#6: stx [${data}+8]`]);
    expect(slotsOf(k, data)).toEqual([0, 42]);
  });
});

describe('atomics (RFC 9669 5.3): one step each, fetch results', () => {
  /** data[0] = 10; r2 = v; <atomic imm> [r1+0], r2; r0 = fetched register. */
  const atomic = (imm: number, v: number, r0 = 0) => {
    const { k, cpu0, prog, data } = assemble([
      ...ldData(1),
      I(0x7a, 1, 0, 0, 10),
      I(0xb7, 2, 0, 0, v),
      I(0xb7, 0, 0, 0, r0),
      I(0xdb, 1, 2, 0, imm),
      I(0xbf, 3, 2, 0),
      I(0x0f, 3, 0, 0), // r3 = r2 + r0, to read both
      I(0xbf, 0, 3, 0),
      EXIT,
    ]);
    const { r0: out, steps } = run(k, cpu0, prog);
    return { out, mem: slotsOf(k, data)[0], steps, k };
  };

  it.each([
    [0x00, 'add', 5, 15, 5n],
    [0x01, 'fetch_add: r2 = old', 5, 15, 10n],
    [0x40, 'or', 5, 15, 5n],
    [0x41, 'fetch_or', 5, 15, 10n],
    [0x50, 'and', 6, 2, 6n],
    [0x51, 'fetch_and', 6, 2, 10n],
    [0xa0, 'xor', 3, 9, 3n],
    [0xa1, 'fetch_xor', 3, 9, 10n],
    [0xe1, 'xchg: r2 = old', 7, 7, 10n],
  ] as const)('0xdb imm 0x%s %s', (imm, name, v, mem, r2) => {
    const r = atomic(imm, v);
    expect(r.mem).toBe(mem);
    expect(r.out).toBe(r2);
    expect(r.steps.filter((s) => s.includes('atomic'))).toEqual([
      expect.stringContaining(`atomic_${name.split(':')[0]}`),
    ]);
  });

  it('0xdb cmpxchg: r0 == old swaps in r2 and r0 = old; otherwise memory stays', () => {
    expect(atomic(0xf1, 99, 10)).toMatchObject({ mem: 99, out: 99n + 10n });
    expect(atomic(0xf1, 99, 11)).toMatchObject({ mem: 10, out: 99n + 10n });
  });

  it('an atomic add is observed as an atomic increment; xchg as a store', () => {
    const add = atomic(0x01, 5).k.observations.filter((o) => o.kind === 'value-update');
    expect(add.map((o) => ('atomic' in o ? [o.atomic, o.delta] : []))).toEqual([
      [false, undefined],
      [true, 5],
    ]);
    const xchg = atomic(0xe1, 7).k.observations.filter((o) => o.kind === 'value-update');
    expect(xchg.map((o) => ('atomic' in o ? [o.atomic, o.delta] : []))).toEqual([
      [false, undefined],
      [false, undefined],
    ]);
  });

  it('0xc3 (32-bit) fetch_add wraps the low word only and zero-extends the fetched value', () => {
    const { k, cpu0, prog, data } = assemble([
      ...ldData(1),
      ...lddw(2, 0x7_ffff_ffffn),
      I(0x7b, 1, 2, 0),
      I(0xb7, 2, 0, 0, 1),
      I(0xc3, 1, 2, 0, 0x01),
      I(0xbf, 0, 2, 0),
      EXIT,
    ]);
    expect(run(k, cpu0, prog).r0).toBe(0xffff_ffffn);
    expect(slotsOf(k, data)).toEqual([0x7_0000_0000, 0]);
  });
});

describe('calls and exits', () => {
  it('a BPF-to-BPF call (0x85 src 1) gets its own frame; r6-r9 survive it', () => {
    expect(
      r0Of([
        I(0xb7, 6, 0, 0, 7),
        I(0xb7, 1, 0, 0, 5),
        I(0x85, 0, 1, 0, 2), // call pc+1+2 = 5
        I(0x0f, 0, 6, 0), // r0 += r6
        EXIT,
        I(0xb7, 6, 0, 0, 100), // the callee clobbers r6
        I(0xbf, 0, 1, 0),
        I(0x07, 0, 0, 0, 1),
        EXIT,
      ]),
    ).toBe(13n);
  });
});

describe('faults are recorded facts', () => {
  it('a load through NULL records null-deref and ends the run', () => {
    const { k, cpu0, prog } = assemble([I(0xb7, 1, 0, 0, 0), I(0x79, 0, 1, 0), EXIT]);
    expect(run(k, cpu0, prog).r0).toBe('abort');
    expect(k.memory.faults).toEqual([
      { kind: 'null-deref', obj: 0, label: 'load through NULL', by: 'cpu0: t#1', freedBy: '' },
    ]);
  });

  it('a store past the value records out-of-bounds and the run goes on', () => {
    const { k, cpu0, prog, data } = assemble([...ldData(1), I(0x7a, 1, 0, 16, 1), I(0xb7, 0, 0, 0, 3), EXIT]);
    expect(run(k, cpu0, prog).r0).toBe(3n);
    expect(k.memory.faults).toEqual([
      { kind: 'out-of-bounds', obj: data, label: 'bytes 16..24 of 16', by: 'cpu0: t#2', freedBy: '' },
    ]);
  });
});

describe('helpers without maps', () => {
  it('bpf_get_smp_processor_id (8) is the CPU; bpf_get_current_cgroup_id (80) the task cgroup', () => {
    const { k, cpu1, prog } = assemble([
      I(0x85, 0, 0, 0, 8),
      I(0xbf, 6, 0, 0),
      I(0x85, 0, 0, 0, 80),
      I(0x27, 0, 0, 0, 10),
      I(0x0f, 0, 6, 0),
      EXIT,
    ]);
    expect(run(k, cpu1, prog, { currentCgroup: 4 as never }).r0).toBe(41n);
  });

  it('bpf_ktime_get_ns (5) is a virtual clock: 1000 ns per reading', () => {
    const { k, cpu0, prog } = assemble([
      I(0x85, 0, 0, 0, 5),
      I(0xbf, 6, 0, 0),
      I(0x85, 0, 0, 0, 5),
      I(0x0f, 0, 6, 0),
      EXIT,
    ]);
    expect(run(k, cpu0, prog).r0).toBe(1000n + 2000n);
  });

  it('bpf_trace_printk (6) records its text as a step and returns its length', () => {
    const { k, cpu0, prog } = assemble([
      I(0x62, 10, 0, -8, 0x0a6968), // "hi\n" then NUL
      I(0xbf, 1, 10, 0),
      I(0x07, 1, 0, 0, -8),
      I(0xb7, 2, 0, 0, 4),
      I(0x85, 0, 0, 0, 6),
      EXIT,
    ]);
    expect(run(k, cpu0, prog)).toEqual({ r0: 3n, steps: ['t#4: bpf_trace_printk "hi\\n"'] });
  });
});
