/**
 * A BPF object as loaded from its ELF file (libbpf's struct bpf_object after
 * bpf_object__open and the relocation passes of bpf_object__load): its maps, its
 * programs linked with their subprograms, and what each instruction refers to.
 */
import type { CoreField } from './coreRelocate.js';
import type { EbpfInsn } from './ebpf/insn.js';

/** A map the object defines: from .maps (BTF), or its global data (.bss, .data, .rodata) as an array map. */
export interface ObjectMap {
  readonly name: string;
  /** enum bpf_map_type (BPF_MAP_TYPE_ARRAY, 2, for global data). */
  readonly type: number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly mapFlags: number;
  /** Global data: its initial bytes (zeros for .bss). */
  readonly initial?: Uint8Array;
}

/**
 * What an LD_IMM64 loads: a map (BPF_PSEUDO_MAP_FD) or the address `offset` bytes
 * into a global data map's value (BPF_PSEUDO_MAP_VALUE), as libbpf rewrites it.
 */
export interface MapRef {
  readonly map: string;
  readonly isValue: boolean;
  readonly offset: number;
}

/** One program: its section's instructions followed by the .text subprograms it calls. */
export interface ObjectProgram {
  readonly name: string;
  readonly section: string;
  /** Pseudo calls are pc-relative within this array (imm: target − (pc + 1)). */
  readonly insns: readonly EbpfInsn[];
  /** Where each instruction came from: section and index there (for error messages). */
  readonly origins: readonly { readonly section: string; readonly insn: number }[];
  readonly mapRefs: ReadonlyMap<number, MapRef>;
  /** kfunc calls (BPF_PSEUDO_KFUNC_CALL) by instruction index: the extern's name. */
  readonly kfuncs: ReadonlyMap<number, string>;
  /** Loads of kernel structure fields, by instruction index (CO-RE). */
  readonly coreFields: ReadonlyMap<number, CoreField>;
}

/** A loaded object; each program with what its section name decides (bpfProgramSection.ts). */
export interface BpfObject<P extends ObjectProgram = ObjectProgram> {
  readonly license: string;
  readonly maps: readonly ObjectMap[];
  readonly programs: readonly P[];
}

/** libbpf's global data sections: .bss, .data, .rodata and their named variants. */
export function isGlobalDataSection(name: string): boolean {
  return ['.bss', '.data', '.rodata'].some((p) => name === p || name.startsWith(`${p}.`));
}
