/**
 * CO-RE field relocations (bpf_core_apply_relo_insn, tools/lib/bpf/relo_core.c),
 * resolved against the model instead of a vmlinux BTF: the access string walks the
 * program's local type to a named field, and that field must be one the model has
 * (ebpf/kernelObjects.ts). The instruction keeps its offset; the interpreter reads
 * the named field.
 */
import { BPF_CORE_FIELD_BYTE_OFFSET, type CoreRelo } from './btf/btfExt.js';
import { BTF_KIND, type Btf, btfSkipModifiers } from './btf/btfParse.js';
import { BPF_LDX, BPF_MEM, type EbpfInsn, insnClass } from './ebpf/insn.js';
import { isKernelStruct, KERNEL_FIELDS } from './ebpf/kernelObjects.js';
import { failLoad } from './loadError.js';

/** A load of a field of a modelled kernel structure. */
export interface CoreField {
  readonly struct: string;
  readonly field: string;
}

/** Resolves one relocation at `insn` (the section's index); returns the field the load reads. */
export function bpfCoreApplyRelo(btf: Btf, r: CoreRelo, insn: EbpfInsn | undefined): CoreField {
  if (r.kind !== BPF_CORE_FIELD_BYTE_OFFSET)
    failLoad(`CO-RE relocation kind ${r.kind} is not supported (only field byte offsets)`, r.section, r.insn);
  if (insn === undefined || insnClass(insn.code) !== BPF_LDX || (insn.code & 0xe0) !== BPF_MEM)
    failLoad('CO-RE field relocation on an instruction that is not a load', r.section, r.insn);
  const spec = r.access.split(':').map(Number);
  if (spec.length < 2 || spec.some((n) => !Number.isInteger(n) || n < 0))
    failLoad(`CO-RE access string '${r.access}' is not a field access`, r.section, r.insn);
  let t = btfSkipModifiers(btf, r.typeId);
  let found: CoreField | undefined;
  for (const index of spec.slice(1)) {
    if (t.kind !== BTF_KIND.STRUCT && t.kind !== BTF_KIND.UNION)
      failLoad(`CO-RE access '${r.access}' indexes into '${t.name}', not a struct`, r.section, r.insn);
    const m = t.members[index];
    if (m === undefined)
      failLoad(`CO-RE access '${r.access}': struct ${t.name} has no member ${index}`, r.section, r.insn);
    found = { struct: t.name, field: m.name };
    t = btfSkipModifiers(btf, m.type);
  }
  const { struct, field } = found!;
  if (!isKernelStruct(struct) || KERNEL_FIELDS[struct][field] === undefined)
    failLoad(`CO-RE field ${struct}.${field} is not in the model`, r.section, r.insn);
  return { struct, field };
}
