/**
 * BTF-defined map definitions of the .maps section, read as libbpf's
 * parse_btf_map_def does (tools/lib/bpf/libbpf.c): each variable of the `.maps`
 * DATASEC is a struct whose members are `__uint(name, val)` (a pointer to an
 * array of `val` elements) or `__type(name, T)` (a pointer to T).
 */
import { failLoad } from '../loadError.js';
import { BTF_KIND, type Btf, btfResolveSize, btfSkipModifiers, btfType } from './btfParse.js';

/** A map as the object defines it (struct bpf_map_def's fields). */
export interface BtfMapDef {
  readonly name: string;
  /** enum bpf_map_type. */
  readonly type: number;
  readonly keySize: number;
  readonly valueSize: number;
  readonly maxEntries: number;
  readonly mapFlags: number;
}

/** `__uint(name, val)`: the element count of the array the member points to. */
function uintOf(btf: Btf, mapName: string, member: string, typeId: number): number {
  const ptr = btfSkipModifiers(btf, typeId);
  const arr = ptr.kind === BTF_KIND.PTR ? btfSkipModifiers(btf, ptr.sizeOrType) : undefined;
  if (arr?.kind !== BTF_KIND.ARRAY) failLoad(`map '${mapName}': ${member} is not __uint(...)`, '.maps');
  return arr.array!.nelems;
}

/** `__type(name, T)`: the size of T. */
function typeSizeOf(btf: Btf, mapName: string, member: string, typeId: number): number {
  const ptr = btfSkipModifiers(btf, typeId);
  if (ptr.kind !== BTF_KIND.PTR) failLoad(`map '${mapName}': ${member} is not __type(...)`, '.maps');
  return btfResolveSize(btf, ptr.sizeOrType);
}

/** parse_btf_map_def for one `.maps` variable. */
function parseBtfMapDef(btf: Btf, name: string, structId: number): BtfMapDef {
  const def = { type: 0, keySize: 0, valueSize: 0, maxEntries: 0, mapFlags: 0 };
  const t = btfSkipModifiers(btf, structId);
  if (t.kind !== BTF_KIND.STRUCT) failLoad(`map '${name}': definition is not a struct`, '.maps');
  for (const m of t.members) {
    if (m.name === 'type') def.type = uintOf(btf, name, m.name, m.type);
    else if (m.name === 'max_entries') def.maxEntries = uintOf(btf, name, m.name, m.type);
    else if (m.name === 'map_flags') def.mapFlags = uintOf(btf, name, m.name, m.type);
    else if (m.name === 'key_size') def.keySize = uintOf(btf, name, m.name, m.type);
    else if (m.name === 'value_size') def.valueSize = uintOf(btf, name, m.name, m.type);
    else if (m.name === 'key') def.keySize = typeSizeOf(btf, name, m.name, m.type);
    else if (m.name === 'value') def.valueSize = typeSizeOf(btf, name, m.name, m.type);
    else failLoad(`map '${name}': unknown field '${m.name}'`, '.maps');
  }
  return { name, ...def };
}

/**
 * The map definitions of the `.maps` DATASEC, by variable name (clang leaves the
 * DATASEC offsets 0; libbpf's btf_fixup_datasec fills them from the symbols).
 */
export function btfMapDefs(btf: Btf): Map<string, BtfMapDef> {
  const out = new Map<string, BtfMapDef>();
  const sec = btf.types.find((t) => t?.kind === BTF_KIND.DATASEC && t.name === '.maps');
  if (sec === undefined) return out;
  for (const v of sec.members) {
    const variable = btfType(btf, v.type);
    if (variable.kind !== BTF_KIND.VAR) failLoad(`.maps entry type ${v.type} is not a variable`, '.maps');
    out.set(variable.name, parseBtfMapDef(btf, variable.name, variable.sizeOrType));
  }
  return out;
}
