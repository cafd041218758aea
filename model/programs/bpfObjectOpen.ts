/**
 * Opens a BPF object from its bytes, as libbpf's bpf_object__open_mem and the
 * load-time relocation passes do (tools/lib/bpf/libbpf.c: bpf_object__elf_collect,
 * bpf_object__init_user_btf_maps, bpf_object__init_global_data_maps,
 * bpf_object__collect_relos, bpf_object__relocate): pure, bytes in, a BpfObject
 * or a LoadError out.
 */

import { type BpfObject, isGlobalDataSection, type ObjectMap, type ObjectProgram } from './bpfObject.js';
import { bpfProgramLink, type LinkInput } from './bpfProgramLink.js';
import { parseSection, type SectionInfo } from './bpfProgramSection.js';
import { btfExtCoreRelos, type CoreRelo } from './btf/btfExt.js';
import { btfMapDefs } from './btf/btfMapDef.js';
import { type Btf, btfParse } from './btf/btfParse.js';
import { decodeInsns } from './ebpf/insn.js';
import { cString, type ElfFile, elfRead, SHT_NOBITS, SHT_PROGBITS, STT_FUNC } from './elf/elfRead.js';
import { failLoad, LoadFailure, type LoadResult } from './loadError.js';

/** SHF_EXECINSTR. */
const SHF_EXECINSTR = 0x4;
/** STB_GLOBAL. */
const STB_GLOBAL = 1;
/** BPF_MAP_TYPE_ARRAY, the type of global data maps. */
const BPF_MAP_TYPE_ARRAY = 2;

function globalDataMaps(elf: ElfFile): ObjectMap[] {
  return elf.sections
    .filter(
      (s) => (s.type === SHT_PROGBITS || s.type === SHT_NOBITS) && isGlobalDataSection(s.name) && s.size > 0,
    )
    .map((s) => ({
      name: s.name,
      type: BPF_MAP_TYPE_ARRAY,
      keySize: 4,
      valueSize: s.size,
      maxEntries: 1,
      mapFlags: 0,
      initial: s.type === SHT_NOBITS ? new Uint8Array(s.size) : s.data.slice(),
    }));
}

/** The .maps symbols resolved to their BTF definitions, named by symbol. */
function btfMaps(elf: ElfFile, btf: Btf | undefined): ObjectMap[] {
  const sec = elf.sections.find((s) => s.name === '.maps');
  if (sec === undefined) return [];
  if (btf === undefined) failLoad('maps defined without a .BTF section', '.maps');
  const defs = btfMapDefs(btf);
  return elf.symbols
    .filter((s) => s.shndx === sec.index && s.bind === STB_GLOBAL)
    .map((s) => {
      return defs.get(s.name) ?? failLoad(`map symbol '${s.name}' has no BTF definition`, '.maps');
    });
}

/** A program of an opened object, with its program type, attach type and target. */
export interface OpenedProgram extends ObjectProgram {
  readonly info: SectionInfo;
}

function programsOf(elf: ElfFile, btf: Btf | undefined, relos: readonly CoreRelo[]): OpenedProgram[] {
  const text = elf.sections.find((s) => s.name === '.text');
  const textInsns = text === undefined ? [] : decodeInsns(text.data, '.text');
  const out: OpenedProgram[] = [];
  for (const sym of elf.symbols) {
    const sec = elf.sections[sym.shndx];
    if (sym.type !== STT_FUNC || sym.bind !== STB_GLOBAL || sec === undefined || sec === text) continue;
    if ((sec.flags & SHF_EXECINSTR) === 0) continue;
    const info = parseSection(sec.name) ?? failLoad(`program '${sym.name}': unknown section type`, sec.name);
    const all = decodeInsns(sec.data, sec.name);
    const input: LinkInput = {
      elf,
      btf,
      relos,
      main: { section: sec, insns: all, start: sym.value / 8, end: (sym.value + sym.size) / 8 },
      ...(text === undefined
        ? {}
        : { text: { section: text, insns: textInsns, start: 0, end: textInsns.length } }),
    };
    out.push({ name: sym.name, section: sec.name, info, ...bpfProgramLink(input) });
  }
  return out;
}

/** Opens an object: ELF, BTF, maps, programs, relocations. */
export function bpfObjectOpen(bytes: Uint8Array): LoadResult<BpfObject<OpenedProgram>> {
  try {
    const r = elfRead(bytes);
    if (!r.ok) return r;
    const elf = r.value;
    const btfSec = elf.sections.find((s) => s.name === '.BTF');
    const btf = btfSec === undefined ? undefined : btfParse(btfSec.data);
    const extSec = elf.sections.find((s) => s.name === '.BTF.ext');
    const relos = btf === undefined || extSec === undefined ? [] : btfExtCoreRelos(btf, extSec.data);
    const license = elf.sections.find((s) => s.name === 'license');
    const programs = programsOf(elf, btf, relos);
    if (programs.length === 0) failLoad('no programs: no global function in a program section');
    return {
      ok: true,
      value: {
        license: license === undefined ? '' : cString(license.data, 0, 'license'),
        maps: [...btfMaps(elf, btf), ...globalDataMaps(elf)],
        programs,
      },
    };
  } catch (e) {
    if (e instanceof LoadFailure) return { ok: false, error: e.error };
    throw e;
  }
}

/**
 * A program by function name or, if no function has that name, by section name
 * (bpf_object__find_program_by_name; a section holding several is ambiguous).
 */
export function findObjectProgram(obj: BpfObject<OpenedProgram>, name: string): OpenedProgram | string {
  const byName = obj.programs.find((p) => p.name === name);
  if (byName !== undefined) return byName;
  const bySection = obj.programs.filter((p) => p.section === name);
  if (bySection.length === 1) return bySection[0]!;
  const known = obj.programs.map((p) => `${p.name} (${p.section})`).join(', ');
  return bySection.length > 1
    ? `section '${name}' holds ${bySection.length} programs (${bySection.map((p) => p.name).join(', ')}): name one`
    : `missing symbol: no program '${name}' (the object has ${known})`;
}
