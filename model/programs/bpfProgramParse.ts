/**
 * The textual instruction form scenario files use, one string per instruction:
 *
 *   "call cgrp_storage_get map=counters cg=current flags=F_CREATE"   (alias: call get)
 *   "jnull r0 out"           "out:"  (a label line)     "atomic_add [r0+0] 1"   "exit 0"
 *
 * Grammar (rN = r0..r10, SRC = rN or an immediate, MEM = [rN+slot] or [data+slot],
 * T = a label, `+n`/`-n` relative to the next instruction, or `exit`, which names an
 * implicit `exit 0` appended at the end unless the program defines `exit:` itself):
 *   mov rD SRC | add|sub|mul|or|and|lsh|rsh rD SRC | ldctx rD FIELD | cgid rD cg=CG
 *   ld rD MEM | st MEM SRC | atomic_add MEM SRC
 *   ja T | jnull rN T | jnotnull rN T | jeq|jne|jgt|jge|jlt|jle rN SRC T
 *   call cgrp_storage_get map=M cg=CG [flags=F_CREATE|n] [init=v,v,..]
 *   call cgrp_storage_delete map=M cg=CG | call get_local_storage map=M [flags=n]
 *   call spin_lock MEM | call spin_unlock MEM | call rcu_read_lock | call rcu_read_unlock
 *   tail_call n | exit [imm]
 * Errors are values naming the index of the offending string.
 */

import { BPF_LOCAL_STORAGE_GET_F_CREATE } from '../cgrpStorage/cgrpStorage.js';
import type { MapId, ObjId } from '../core/ids.js';
import type { AluOp, BpfProgram, CgArg, Insn, JmpCond, MemRef, Src } from './bpfProgram.js';
import { CG_ARGS, MAX_BPF_REG } from './bpfProgram.js';
import { parseSection } from './bpfProgramSection.js';

/** A parse outcome: the instructions, or the index of the first bad string and why. */
export type ParseResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly index: number; readonly message: string };

/** A program as a scenario file writes it. */
export interface ProgramSpec {
  readonly name: string;
  /** The ELF section, e.g. 'cgroup_skb/egress', 'tp_btf/sys_enter', 'iter.s/cgroup'. */
  readonly section: string;
  readonly insns: readonly string[];
}

/** What a program is linked against: its maps by name, global data, prog array. */
export interface ProgramEnv {
  readonly maps: Readonly<Record<string, MapId>>;
  readonly data?: ObjId;
  readonly tailCalls?: readonly BpfProgram[];
}

/** Builds a program from its spec; a bad section is reported at index -1. */
export function parseProgram(spec: ProgramSpec, env: ProgramEnv): ParseResult<BpfProgram> {
  const info = parseSection(spec.section);
  if (info === undefined) return { ok: false, index: -1, message: `unknown section '${spec.section}'` };
  const insns = parseInsns(spec.insns);
  if (!insns.ok) return insns;
  return { ok: true, value: { name: spec.name, ...info, ...env, insns: insns.value } };
}

class ParseError extends Error {}
const fail = (message: string): never => {
  throw new ParseError(message);
};

const ALU_OPS: readonly AluOp[] = ['add', 'sub', 'mul', 'or', 'and', 'lsh', 'rsh'];
const CMP_JUMPS: readonly JmpCond[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];

/** Labels (name → pc) and the instruction lines with their index in `lines`; label lines are not code. */
function scanLines(lines: readonly string[]) {
  const labels = new Map<string, number>();
  const code: { line: string; index: number }[] = [];
  for (const [index, raw] of lines.entries()) {
    const trimmed = raw.trim();
    const prefixed = /^([A-Za-z_][\w.]*):\s+(\S.*)$/.exec(trimmed);
    const line = prefixed === null ? trimmed : prefixed[2]!;
    if (prefixed !== null) labels.set(prefixed[1]!, code.length);
    if (line.endsWith(':')) labels.set(line.slice(0, -1), code.length);
    else code.push({ line, index });
  }
  return { labels, code };
}

/** The index in `lines` of each instruction, by pc. */
export function lineOfPc(lines: readonly string[]): number[] {
  return scanLines(lines).code.map((c) => c.index);
}

/**
 * Parses a program's instruction strings; labels are not instructions. A label is
 * a line of its own (`out:`) or a prefix of an instruction (`out: exit 0`).
 */
export function parseInsns(lines: readonly string[]): ParseResult<Insn[]> {
  const { labels, code } = scanLines(lines);
  const usesImplicitExit = !labels.has('exit');
  if (usesImplicitExit) labels.set('exit', code.length);
  const insns: Insn[] = [];
  for (const { line, index } of code) {
    try {
      insns.push(parseInsn(line, insns.length, labels));
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      return { ok: false, index, message: `'${line}': ${e.message}` };
    }
  }
  if (usesImplicitExit && insns.some((i) => i.op === 'jmp' && i.target === code.length))
    insns.push({ op: 'exit', imm: 0 });
  return { ok: true, value: insns };
}

function parseInsn(line: string, pc: number, labels: ReadonlyMap<string, number>): Insn {
  const [op = '', ...args] = line.split(/\s+/);
  const target = (t: string | undefined): number => parseTarget(t, pc, labels);
  if (op === 'mov') return { op: 'mov', dst: parseReg(args[0]), src: parseSrc(args[1]) };
  if ((ALU_OPS as readonly string[]).includes(op))
    return { op: 'alu', alu: op as AluOp, dst: parseReg(args[0]), src: parseSrc(args[1]) };
  if (op === 'ldctx') return { op: 'ldctx', dst: parseReg(args[0]), field: args[1] ?? fail('missing field') };
  if (op === 'cgid')
    return { op: 'cgid', dst: parseReg(args[0]), cg: parseCg(keyArgs(args.slice(1)).get('cg')) };
  if (op === 'ld') return { op: 'ld', dst: parseReg(args[0]), mem: parseMem(args[1]) };
  if (op === 'st') return { op: 'st', mem: parseMem(args[0]), src: parseSrc(args[1]) };
  if (op === 'atomic_add') return { op: 'atomic_add', mem: parseMem(args[0]), src: parseSrc(args[1]) };
  if (op === 'ja') return { op: 'jmp', cond: 'always', target: target(args[0]) };
  if (op === 'jnull' || op === 'jnotnull')
    return { op: 'jmp', cond: op.slice(1) as JmpCond, reg: parseReg(args[0]), target: target(args[1]) };
  const cmp = op.slice(1) as JmpCond;
  if (op.startsWith('j') && CMP_JUMPS.includes(cmp))
    return { op: 'jmp', cond: cmp, reg: parseReg(args[0]), src: parseSrc(args[1]), target: target(args[2]) };
  if (op === 'call') return parseCall(args);
  if (op === 'tail_call') return { op: 'tail_call', index: parseImm(args[0]) };
  if (op === 'exit') return args[0] === undefined ? { op: 'exit' } : { op: 'exit', imm: parseImm(args[0]) };
  return fail(`unknown instruction '${op}'`);
}

function parseCall(args: readonly string[]): Insn {
  const [name = '', ...rest] = args;
  if (name === 'spin_lock' || name === 'spin_unlock')
    return { op: 'call', helper: name, mem: parseMem(rest[0]) };
  if (name === 'rcu_read_lock' || name === 'rcu_read_unlock') return { op: 'call', helper: name };
  const kv = keyArgs(rest);
  const map = kv.get('map') ?? fail(`call ${name}: missing map=`);
  if (name === 'cgrp_storage_get' || name === 'get') {
    const init = kv.get('init');
    const base = { op: 'call', helper: 'cgrp_storage_get', map, cg: parseCg(kv.get('cg')) } as const;
    const flags = parseFlags(kv.get('flags'));
    return init === undefined ? { ...base, flags } : { ...base, flags, init: init.split(',').map(parseImm) };
  }
  if (name === 'cgrp_storage_delete' || name === 'delete')
    return { op: 'call', helper: 'cgrp_storage_delete', map, cg: parseCg(kv.get('cg')) };
  if (name === 'get_local_storage')
    return { op: 'call', helper: 'get_local_storage', map, flags: parseFlags(kv.get('flags')) };
  return fail(`unknown helper '${name}'`);
}

function keyArgs(args: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0) fail(`expected key=value, got '${a}'`);
    out.set(a.slice(0, eq), a.slice(eq + 1));
  }
  return out;
}

function parseReg(s: string | undefined): number {
  const m = /^r(\d+)$/.exec(s ?? '');
  const n = m === null ? -1 : Number(m[1]);
  if (n < 0 || n >= MAX_BPF_REG) fail(`expected a register r0..r10, got '${s ?? ''}'`);
  return n;
}

function parseImm(s: string | undefined): number {
  if (s === undefined || !/^-?(0x[0-9a-f]+|\d+)$/i.test(s))
    return fail(`expected an immediate, got '${s ?? ''}'`);
  return s.startsWith('-') ? -Number(s.slice(1)) : Number(s);
}

function parseSrc(s: string | undefined): Src {
  return s?.startsWith('r') ? { reg: parseReg(s) } : { imm: parseImm(s) };
}

function parseMem(s: string | undefined): MemRef {
  const m = /^\[(r\d+|data)(?:\+(\d+))?\]$/.exec(s ?? '');
  if (m === null) return fail(`expected [rN+slot] or [data+slot], got '${s ?? ''}'`);
  const slot = Number(m[2] ?? 0);
  return m[1] === 'data' ? { data: true, slot } : { reg: parseReg(m[1]), slot };
}

function parseCg(s: string | undefined): CgArg {
  if (s === undefined) return fail('missing cg=');
  if (!(CG_ARGS as readonly string[]).includes(s)) fail(`cg must be one of ${CG_ARGS.join('|')}, got '${s}'`);
  return s as CgArg;
}

function parseFlags(s: string | undefined): number {
  if (s === undefined) return 0;
  if (s === 'F_CREATE' || s === 'BPF_LOCAL_STORAGE_GET_F_CREATE') return BPF_LOCAL_STORAGE_GET_F_CREATE;
  return parseImm(s);
}

function parseTarget(t: string | undefined, pc: number, labels: ReadonlyMap<string, number>): number {
  if (t === undefined) return fail('missing jump target');
  if (/^[+-]\d+$/.test(t)) return pc + 1 + Number(t);
  return labels.get(t) ?? fail(`unknown label '${t}'`);
}
