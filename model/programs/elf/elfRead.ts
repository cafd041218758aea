/**
 * A reader of relocatable ELF64 little-endian BPF objects (EM_BPF), the part
 * libbpf's bpf_object__elf_init and bpf_object__elf_collect use
 * (tools/lib/bpf/libbpf.c): section headers and names, the symbol table and
 * SHT_REL relocations. Layouts from the System V gABI and include/uapi/linux/elf.h.
 */
import { failLoad, LoadFailure, type LoadResult, loadFail } from '../loadError.js';

/** EM_BPF (include/uapi/linux/elf-em.h). */
export const EM_BPF = 247;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const SHN_UNDEF = 0;
export const SHN_ABS = 0xfff1;

/** One section: its header fields and its bytes (empty for SHT_NOBITS). */
export interface ElfSection {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly data: Uint8Array;
}

/** One symbol of .symtab. */
export interface ElfSymbol {
  readonly index: number;
  readonly name: string;
  readonly type: number;
  readonly bind: number;
  readonly shndx: number;
  readonly value: number;
  readonly size: number;
}

/** One SHT_REL entry: at byte `offset` of the section it applies to. */
export interface ElfRel {
  readonly offset: number;
  readonly sym: number;
  readonly type: number;
}

/** A parsed object: every section, the symbols, and the relocations by the index of the section they patch. */
export interface ElfFile {
  readonly sections: readonly ElfSection[];
  readonly symbols: readonly ElfSymbol[];
  readonly rels: ReadonlyMap<number, readonly ElfRel[]>;
}

const u64 = (v: DataView, at: number): number => Number(v.getBigUint64(at, true));

function view(bytes: Uint8Array, at: number, len: number, what: string): DataView {
  if (at < 0 || len < 0 || at + len > bytes.length)
    failLoad(`truncated: ${what} at byte ${at} (+${len}) is past the end of the ${bytes.length}-byte file`);
  return new DataView(bytes.buffer, bytes.byteOffset + at, len);
}

function checkIdent(bytes: Uint8Array): void {
  if (bytes.length < 16 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46)
    failLoad('not an ELF file (no \\x7fELF magic)');
  if (bytes[4] !== 2) failLoad(`not ELF64 (EI_CLASS ${bytes[4]})`);
  if (bytes[5] === 2) failLoad('big-endian ELF (EI_DATA 2): only little-endian BPF objects are supported');
  if (bytes[5] !== 1) failLoad(`unknown byte order (EI_DATA ${bytes[5]})`);
}

/** A NUL-terminated string at `off` of a string table. */
export function cString(table: Uint8Array, off: number, what: string): string {
  if (off >= table.length && off !== 0) failLoad(`${what}: name offset ${off} is past its string table`);
  let end = off;
  while (end < table.length && table[end] !== 0) end++;
  return new TextDecoder().decode(table.subarray(off, end));
}

function readSections(bytes: Uint8Array): ElfSection[] {
  const h = view(bytes, 0, 64, 'ELF header');
  const machine = h.getUint16(18, true);
  if (machine !== EM_BPF) failLoad(`not a BPF object (e_machine ${machine}, expected EM_BPF ${EM_BPF})`);
  const shoff = u64(h, 0x28);
  const shentsize = h.getUint16(0x3a, true);
  const shnum = h.getUint16(0x3c, true);
  const shstrndx = h.getUint16(0x3e, true);
  if (shnum === 0 || shentsize !== 64)
    failLoad(`no section headers (e_shnum ${shnum}, e_shentsize ${shentsize})`);
  const raw = [];
  for (let i = 0; i < shnum; i++) {
    const s = view(bytes, shoff + i * 64, 64, `section header ${i}`);
    const type = s.getUint32(4, true);
    const offset = u64(s, 24);
    const size = u64(s, 32);
    const data =
      type === SHT_NOBITS
        ? new Uint8Array(0)
        : new Uint8Array(view(bytes, offset, size, `section ${i}`).buffer, bytes.byteOffset + offset, size);
    raw.push({
      nameOff: s.getUint32(0, true),
      type,
      flags: u64(s, 8),
      size,
      link: s.getUint32(40, true),
      info: s.getUint32(44, true),
      data,
    });
  }
  const names = raw[shstrndx];
  if (names === undefined || names.type !== SHT_STRTAB)
    failLoad(`missing section: e_shstrndx ${shstrndx} is not a string table`);
  return raw.map((r, index) => ({
    index,
    name: cString(names.data, r.nameOff, `section ${index}`),
    type: r.type,
    flags: r.flags,
    size: r.size,
    link: r.link,
    info: r.info,
    data: r.data,
  }));
}

function readSymbols(sections: readonly ElfSection[]): ElfSymbol[] {
  const symtab = sections.find((s) => s.type === SHT_SYMTAB);
  if (symtab === undefined) failLoad('missing section: no .symtab');
  const strtab = sections[symtab.link];
  if (strtab === undefined || strtab.type !== SHT_STRTAB)
    failLoad(`missing section: .symtab links to section ${symtab.link}, not a string table`, symtab.name);
  const out: ElfSymbol[] = [];
  const d = symtab.data;
  for (let i = 0; i * 24 < d.length; i++) {
    const v = view(d, i * 24, 24, `symbol ${i}`);
    const info = v.getUint8(4);
    out.push({
      index: i,
      name: cString(strtab.data, v.getUint32(0, true), `symbol ${i}`),
      type: info & 0xf,
      bind: info >> 4,
      shndx: v.getUint16(6, true),
      value: u64(v, 8),
      size: u64(v, 16),
    });
  }
  return out;
}

function readRels(sections: readonly ElfSection[], nsyms: number): Map<number, ElfRel[]> {
  const rels = new Map<number, ElfRel[]>();
  for (const s of sections) {
    if (s.type !== SHT_REL) continue;
    if (sections[s.info] === undefined)
      failLoad(`relocations for section ${s.info}, which does not exist`, s.name);
    const list: ElfRel[] = [];
    for (let at = 0; at + 16 <= s.data.length; at += 16) {
      const v = view(s.data, at, 16, `relocation ${at / 16}`);
      const info = v.getBigUint64(8, true);
      const sym = Number(info >> 32n);
      if (sym >= nsyms)
        failLoad(`relocation ${at / 16} names symbol ${sym}, past the ${nsyms} symbols`, s.name);
      list.push({ offset: u64(v, 0), sym, type: Number(info & 0xffffffffn) });
    }
    rels.set(s.info, list);
  }
  return rels;
}

/** Parses an object: `bytes` in, sections, symbols and relocations out, or the first thing wrong with it. */
export function elfRead(bytes: Uint8Array): LoadResult<ElfFile> {
  try {
    checkIdent(bytes);
    const sections = readSections(bytes);
    const symbols = readSymbols(sections);
    return { ok: true, value: { sections, symbols, rels: readRels(sections, symbols.length) } };
  } catch (e) {
    if (e instanceof LoadFailure) return loadFail(e.error.message, e.error.section, e.error.insn);
    throw e;
  }
}
