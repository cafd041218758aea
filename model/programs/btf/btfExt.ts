/**
 * The CO-RE relocation records of .BTF.ext (include/uapi/linux/btf.h has no ext
 * header; tools/lib/bpf/libbpf_internal.h: struct btf_ext_header, struct
 * bpf_core_relo; tools/lib/bpf/btf.c: btf_ext_parse_hdr, btf_ext_setup_core_relos).
 * func_info and line_info are read past, not used.
 */
import { failLoad } from '../loadError.js';
import { BTF_MAGIC, type Btf, btfString } from './btfParse.js';

/** enum bpf_core_relo_kind (include/uapi/linux/bpf.h). */
export const BPF_CORE_FIELD_BYTE_OFFSET = 0;

/** One struct bpf_core_relo, with its section name resolved. */
export interface CoreRelo {
  readonly section: string;
  /** Instruction index within the section (insn_off / 8). */
  readonly insn: number;
  readonly typeId: number;
  /** The access string, e.g. "0:1" (field 1 of the root type). */
  readonly access: string;
  readonly kind: number;
}

/** Parses .BTF.ext's CO-RE relocations; an object without them has none. */
export function btfExtCoreRelos(btf: Btf, bytes: Uint8Array): CoreRelo[] {
  const d = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (bytes.length < 24) failLoad(`truncated: ${bytes.length} bytes, shorter than the header`, '.BTF.ext');
  if (d.getUint16(0, true) !== BTF_MAGIC)
    failLoad(`bad magic 0x${d.getUint16(0, true).toString(16)}`, '.BTF.ext');
  const hdrLen = d.getUint32(4, true);
  if (hdrLen < 32) return [];
  const off = hdrLen + d.getUint32(24, true);
  const len = d.getUint32(28, true);
  if (len === 0) return [];
  if (off + len > bytes.length) failLoad('truncated: CO-RE relocations past the section end', '.BTF.ext');
  const recSize = d.getUint32(off, true);
  if (recSize < 16) failLoad(`CO-RE record size ${recSize} < 16`, '.BTF.ext');
  const out: CoreRelo[] = [];
  for (let at = off + 4; at < off + len; ) {
    if (at + 8 > off + len) failLoad('truncated: CO-RE section header', '.BTF.ext');
    const section = btfString(btf, d.getUint32(at, true));
    const n = d.getUint32(at + 4, true);
    at += 8;
    if (at + n * recSize > off + len) failLoad(`truncated: ${n} CO-RE records of '${section}'`, '.BTF.ext');
    for (let i = 0; i < n; i++, at += recSize) {
      out.push({
        section,
        insn: d.getUint32(at, true) / 8,
        typeId: d.getUint32(at + 4, true),
        access: btfString(btf, d.getUint32(at + 8, true)),
        kind: d.getUint32(at + 12, true),
      });
    }
  }
  return out;
}
