/**
 * Our own parser of the .BTF section: the header, the string section and every
 * type record (include/uapi/linux/btf.h; kernel/bpf/btf.c: btf_parse_hdr,
 * btf_check_all_metas; Documentation/bpf/btf.rst). Kinds 1..19 as of Linux 6.x;
 * an unknown kind is a load error naming it.
 */
import { cString } from '../elf/elfRead.js';
import { failLoad } from '../loadError.js';

/** BTF_MAGIC. */
export const BTF_MAGIC = 0xeb9f;

/** BTF_KIND_* numbers. */
export const BTF_KIND = {
  INT: 1,
  PTR: 2,
  ARRAY: 3,
  STRUCT: 4,
  UNION: 5,
  ENUM: 6,
  FWD: 7,
  TYPEDEF: 8,
  VOLATILE: 9,
  CONST: 10,
  RESTRICT: 11,
  FUNC: 12,
  FUNC_PROTO: 13,
  VAR: 14,
  DATASEC: 15,
  FLOAT: 16,
  DECL_TAG: 17,
  TYPE_TAG: 18,
  ENUM64: 19,
} as const;

/** A member of a struct or union, a variable of a datasec, or a parameter of a func proto. */
export interface BtfMember {
  readonly name: string;
  readonly type: number;
  /** Bit offset (struct/union), byte offset (datasec), 0 otherwise. */
  readonly offset: number;
  /** Byte size (datasec entries). */
  readonly size: number;
}

/** One type record; `sizeOrType` is the size for INT/STRUCT/UNION/ENUM/DATASEC/FLOAT, else the referred type. */
export interface BtfType {
  readonly id: number;
  readonly kind: number;
  readonly name: string;
  readonly sizeOrType: number;
  readonly members: readonly BtfMember[];
  /** ARRAY: element type and count. */
  readonly array?: { readonly type: number; readonly nelems: number };
}

/** A parsed .BTF: types by id (index 0 is void) and the string section, which .BTF.ext names into. */
export interface Btf {
  readonly types: readonly (BtfType | undefined)[];
  readonly strings: Uint8Array;
}

/** Bytes of kind-specific data after the 12-byte btf_type, per member count. */
function extraOf(kind: number, id: number): { fixed: number; per: number } {
  switch (kind) {
    case BTF_KIND.INT:
    case BTF_KIND.VAR:
    case BTF_KIND.DECL_TAG:
      return { fixed: 4, per: 0 };
    case BTF_KIND.ARRAY:
      return { fixed: 12, per: 0 };
    case BTF_KIND.STRUCT:
    case BTF_KIND.UNION:
    case BTF_KIND.DATASEC:
    case BTF_KIND.ENUM64:
      return { fixed: 0, per: 12 };
    case BTF_KIND.ENUM:
    case BTF_KIND.FUNC_PROTO:
      return { fixed: 0, per: 8 };
    case BTF_KIND.PTR:
    case BTF_KIND.FWD:
    case BTF_KIND.TYPEDEF:
    case BTF_KIND.VOLATILE:
    case BTF_KIND.CONST:
    case BTF_KIND.RESTRICT:
    case BTF_KIND.FUNC:
    case BTF_KIND.FLOAT:
    case BTF_KIND.TYPE_TAG:
      return { fixed: 0, per: 0 };
    default:
      return failLoad(`unknown BTF kind ${kind} (type id ${id})`, '.BTF');
  }
}

function membersOf(kind: number, d: DataView, at: number, vlen: number, strings: Uint8Array): BtfMember[] {
  const out: BtfMember[] = [];
  const isFuncProto = kind === BTF_KIND.FUNC_PROTO;
  const isWide = kind === BTF_KIND.STRUCT || kind === BTF_KIND.UNION || kind === BTF_KIND.DATASEC;
  for (let i = 0; i < vlen; i++) {
    const m = at + i * (isWide ? 12 : 8);
    if (kind === BTF_KIND.DATASEC) {
      out.push({
        name: '',
        type: d.getUint32(m, true),
        offset: d.getUint32(m + 4, true),
        size: d.getUint32(m + 8, true),
      });
    } else if (isWide) {
      const offset = d.getUint32(m + 8, true);
      out.push({
        name: cString(strings, d.getUint32(m, true), 'BTF member'),
        type: d.getUint32(m + 4, true),
        offset,
        size: 0,
      });
    } else if (isFuncProto) {
      out.push({
        name: cString(strings, d.getUint32(m, true), 'BTF param'),
        type: d.getUint32(m + 4, true),
        offset: 0,
        size: 0,
      });
    }
  }
  return out;
}

/** Parses a .BTF section. */
export function btfParse(bytes: Uint8Array): Btf {
  const d = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (bytes.length < 24) failLoad(`truncated: ${bytes.length} bytes, shorter than the BTF header`, '.BTF');
  if (d.getUint16(0, true) !== BTF_MAGIC)
    failLoad(`bad magic 0x${d.getUint16(0, true).toString(16)}`, '.BTF');
  const hdrLen = d.getUint32(4, true);
  const [typeOff, typeLen, strOff, strLen] = [8, 12, 16, 20].map((o) => d.getUint32(o, true)) as [
    number,
    number,
    number,
    number,
  ];
  const typesEnd = hdrLen + typeOff + typeLen;
  if (typesEnd > bytes.length || hdrLen + strOff + strLen > bytes.length)
    failLoad(`truncated: types or strings past the section's ${bytes.length} bytes`, '.BTF');
  const strings = bytes.subarray(hdrLen + strOff, hdrLen + strOff + strLen);
  const types: (BtfType | undefined)[] = [undefined];
  for (let at = hdrLen + typeOff; at < typesEnd; ) {
    const id = types.length;
    if (at + 12 > typesEnd) failLoad(`truncated: type ${id} runs past the type section`, '.BTF');
    const info = d.getUint32(at + 4, true);
    const kind = (info >>> 24) & 0x1f;
    const vlen = info & 0xffff;
    const { fixed, per } = extraOf(kind, id);
    if (at + 12 + fixed + per * vlen > typesEnd)
      failLoad(`truncated: type ${id} runs past the type section`, '.BTF');
    const array =
      kind === BTF_KIND.ARRAY
        ? { type: d.getUint32(at + 12, true), nelems: d.getUint32(at + 20, true) }
        : undefined;
    types.push({
      id,
      kind,
      name: cString(strings, d.getUint32(at, true), `BTF type ${id}`),
      sizeOrType: d.getUint32(at + 8, true),
      members: membersOf(kind, d, at + 12 + fixed, vlen, strings),
      ...(array === undefined ? {} : { array }),
    });
    at += 12 + fixed + per * vlen;
  }
  return { types, strings };
}

/** A type by id; a dangling id is a load error. */
export function btfType(btf: Btf, id: number): BtfType {
  return btf.types[id] ?? failLoad(`type id ${id} does not exist`, '.BTF');
}

/** Skips typedefs and qualifiers (btf__resolve_type). */
export function btfSkipModifiers(btf: Btf, id: number): BtfType {
  let t = btfType(btf, id);
  for (let i = 0; i < 32 && isModifier(t.kind); i++) t = btfType(btf, t.sizeOrType);
  return t;
}

const isModifier = (kind: number): boolean =>
  kind === BTF_KIND.TYPEDEF ||
  kind === BTF_KIND.VOLATILE ||
  kind === BTF_KIND.CONST ||
  kind === BTF_KIND.RESTRICT ||
  kind === BTF_KIND.TYPE_TAG;

/** The byte size of a type (btf__resolve_size). */
export function btfResolveSize(btf: Btf, id: number): number {
  const t = btfSkipModifiers(btf, id);
  if (t.kind === BTF_KIND.PTR) return 8;
  if (t.kind === BTF_KIND.ARRAY) return t.array!.nelems * btfResolveSize(btf, t.array!.type);
  if (t.kind === BTF_KIND.INT || t.kind === BTF_KIND.STRUCT || t.kind === BTF_KIND.UNION) return t.sizeOrType;
  if (t.kind === BTF_KIND.ENUM || t.kind === BTF_KIND.ENUM64 || t.kind === BTF_KIND.FLOAT)
    return t.sizeOrType;
  return failLoad(`type id ${id} (kind ${t.kind}) has no size`, '.BTF');
}

/** A string of the string section (for .BTF.ext offsets). */
export function btfString(btf: Btf, off: number): string {
  return cString(btf.strings, off, 'BTF string');
}
