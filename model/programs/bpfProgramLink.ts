/**
 * Links one program as libbpf's bpf_object__relocate does (tools/lib/bpf/libbpf.c:
 * bpf_program__record_reloc, bpf_object__reloc_code, bpf_object__relocate_data):
 * the function's instructions, then .text appended once if it calls into it, with
 * pseudo calls made pc-relative; R_BPF_64_64 on LD_IMM64 names a map or global
 * data; R_BPF_64_32 on a call names a .text subprogram or an extern kfunc; CO-RE
 * relocations name kernel fields.
 */
import { isGlobalDataSection, type MapRef, type ObjectProgram } from './bpfObject.js';
import type { CoreRelo } from './btf/btfExt.js';
import type { Btf } from './btf/btfParse.js';
import { bpfCoreApplyRelo, type CoreField } from './coreRelocate.js';
import {
  BPF_CALL,
  BPF_JMP,
  BPF_PSEUDO_CALL,
  BPF_PSEUDO_KFUNC_CALL,
  BPF_PSEUDO_MAP_FD,
  BPF_PSEUDO_MAP_VALUE,
  type EbpfInsn,
  isLdImm64,
} from './ebpf/insn.js';
import { type ElfFile, type ElfSection, SHN_UNDEF, STT_SECTION } from './elf/elfRead.js';
import { failLoad } from './loadError.js';

/** R_BPF_64_64: LD_IMM64 of a map or global data. */
export const R_BPF_64_64 = 1;
/** R_BPF_64_32: a call's target. */
export const R_BPF_64_32 = 10;
/** R_BPF_64_ABS64 / ABS32: data relocations (.BTF, .maps, debug info), not in code. */
const R_BPF_64_ABS64 = 2;
const R_BPF_64_ABS32 = 3;

/** A range [start, end) of a section's decoded instructions. */
export interface CodeRange {
  readonly section: ElfSection;
  readonly insns: readonly EbpfInsn[];
  readonly start: number;
  readonly end: number;
}

export interface LinkInput {
  readonly elf: ElfFile;
  readonly btf: Btf | undefined;
  readonly relos: readonly CoreRelo[];
  readonly main: CodeRange;
  readonly text?: CodeRange;
}

type Linked = Omit<ObjectProgram, 'name' | 'section'>;

interface Out {
  insns: EbpfInsn[];
  origins: { section: string; insn: number }[];
  mapRefs: Map<number, MapRef>;
  kfuncs: Map<number, string>;
  coreFields: Map<number, CoreField>;
  /** Pseudo calls to patch once .text has a place: output index → .text index. */
  textCalls: Map<number, number>;
}

const isCall = (i: EbpfInsn): boolean => i.code === (BPF_JMP | BPF_CALL);

/** Appends a range at the end of `out`, recording what its relocations refer to. */
function place(input: LinkInput, r: CodeRange, out: Out, isText: boolean): void {
  const base = out.insns.length - r.start;
  const name = r.section.name;
  const rels = new Map((input.elf.rels.get(r.section.index) ?? []).map((rel) => [rel.offset / 8, rel]));
  for (let i = r.start; i < r.end; i++) {
    const insn = r.insns[i]!;
    out.insns.push(insn);
    out.origins.push({ section: name, insn: i });
    const rel = rels.get(i);
    if (rel !== undefined) applyRel(input, out, insn, rel, base + i, name, i);
    else if (isCall(insn) && insn.src === BPF_PSEUDO_CALL) {
      const target = i + insn.imm + 1;
      if (target < r.start || target >= r.end)
        failLoad(`call to insn ${target}, outside the function`, name, i);
      if (isText) out.textCalls.set(base + i, target);
      else out.insns[base + i] = insn; // already pc-relative within the function
    } else if (isCall(insn) && insn.src === BPF_PSEUDO_KFUNC_CALL)
      failLoad('kfunc call without a relocation', name, i);
  }
  for (const c of input.relos) {
    if (c.section !== name || c.insn < r.start || c.insn >= r.end) continue;
    out.coreFields.set(base + c.insn, bpfCoreApplyRelo(input.btf!, c, r.insns[c.insn]));
  }
}

function applyRel(
  input: LinkInput,
  out: Out,
  insn: EbpfInsn,
  rel: { sym: number; type: number },
  at: number,
  section: string,
  i: number,
): void {
  const sym = input.elf.symbols[rel.sym]!;
  const target = input.elf.sections[sym.shndx];
  const symName = sym.name === '' && target !== undefined ? target.name : sym.name;
  if (rel.type === R_BPF_64_64) {
    if (!isLdImm64(insn.code)) failLoad(`R_BPF_64_64 relocation on a non-LD_IMM64 instruction`, section, i);
    if (sym.shndx === SHN_UNDEF || target === undefined)
      failLoad(`relocation to nothing: undefined symbol '${symName || `#${rel.sym}`}'`, section, i);
    // libbpf marks the instruction as the kernel expects it: src BPF_PSEUDO_MAP_FD or _VALUE
    const isValue = target.name !== '.maps';
    out.insns[at] = { ...insn, src: isValue ? BPF_PSEUDO_MAP_VALUE : BPF_PSEUDO_MAP_FD };
    if (!isValue) out.mapRefs.set(at, { map: sym.name, isValue: false, offset: 0 });
    else if (isGlobalDataSection(target.name))
      out.mapRefs.set(at, {
        map: target.name,
        isValue: true,
        offset: insn.imm + (sym.type === STT_SECTION ? 0 : sym.value),
      });
    else
      failLoad(
        `relocation to '${symName}' in section '${target.name}', neither a map nor global data`,
        section,
        i,
      );
    return;
  }
  if (rel.type === R_BPF_64_32 && isCall(insn)) {
    if (sym.shndx === SHN_UNDEF) {
      // an extern __ksym function: libbpf makes the call BPF_PSEUDO_KFUNC_CALL
      out.insns[at] = { ...insn, src: BPF_PSEUDO_KFUNC_CALL, imm: 0 };
      out.kfuncs.set(at, sym.name);
      return;
    }
    if (insn.src !== BPF_PSEUDO_CALL || target?.name !== '.text' || input.text === undefined)
      failLoad(`call relocation to '${symName || `#${rel.sym}`}', not a .text subprogram`, section, i);
    out.textCalls.set(at, sym.value / 8 + insn.imm + 1);
    return;
  }
  if (rel.type === R_BPF_64_ABS64 || rel.type === R_BPF_64_ABS32)
    failLoad(`data relocation (type ${rel.type}) in a program section`, section, i);
  failLoad(`unsupported relocation type ${rel.type}`, section, i);
}

/** Links a program: its instructions, .text if called, and what each instruction refers to. */
export function bpfProgramLink(input: LinkInput): Linked {
  const out: Out = {
    insns: [],
    origins: [],
    mapRefs: new Map(),
    kfuncs: new Map(),
    coreFields: new Map(),
    textCalls: new Map(),
  };
  place(input, input.main, out, false);
  if (out.textCalls.size > 0 && input.text !== undefined) {
    const textBase = out.insns.length;
    place(input, input.text, out, true);
    for (const [at, t] of out.textCalls) {
      if (t < 0 || t >= input.text.insns.length)
        failLoad(`call into .text insn ${t}, past its end`, out.origins[at]!.section, out.origins[at]!.insn);
      out.insns[at] = { ...out.insns[at]!, imm: textBase + t - (at + 1) };
    }
  }
  const { textCalls: _, ...linked } = out;
  return linked;
}
