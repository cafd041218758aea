/**
 * Loads programs of an opened BPF object into the model kernel, as
 * bpf_object__load does (tools/lib/bpf/libbpf.c: bpf_object__create_maps for the
 * global data, bpf_object__load_progs): the global data maps' values are
 * allocated, each program is checked instruction by instruction (ebpf/ebpfCheck.ts)
 * and verified with the model's rules and the kernel's errnos (verifier.ts).
 */
import { errnoName } from '../core/errno.js';
import type { MapId, ObjId } from '../core/ids.js';
import type { Kernel } from '../kernel/kernel.js';
import type { ObjectMap } from './bpfObject.js';
import type { OpenedProgram } from './bpfObjectOpen.js';
import type { BpfProgram } from './bpfProgram.js';
import { ebpfCheck } from './ebpf/ebpfCheck.js';
import { bytesToSlots } from './ebpf/ebpfValue.js';
import { type LoadResult, loadFail } from './loadError.js';
import { verifyProgram } from './verifier.js';

/** Allocates the value of each global data map (`.bss` zeroed, `.data`/`.rodata` from the object). */
export function allocGlobalData(
  k: Kernel,
  object: string,
  maps: readonly ObjectMap[],
): Record<string, ObjId> {
  const out: Record<string, ObjId> = {};
  for (const m of maps) {
    if (m.initial === undefined) continue;
    const obj = k.allocObjId(k.setupActor);
    k.memory.alloc(obj, 'prog_data', `${object}${m.name}`, bytesToSlots(m.initial));
    out[m.name] = obj;
  }
  return out;
}

/** What a program is loaded against: the maps by name, its object's global data, its prog array. */
export interface ObjectLoadEnv {
  readonly maps: Readonly<Record<string, MapId>>;
  readonly globalData: Readonly<Record<string, ObjId>>;
  readonly tailCalls?: readonly BpfProgram[];
}

/** bpf_prog_load of one program: a BpfProgram, or the load error naming its section and instruction. */
export function bpfObjectProgLoad(k: Kernel, p: OpenedProgram, env: ObjectLoadEnv): LoadResult<BpfProgram> {
  const bad = ebpfCheck(p);
  if (bad !== undefined) return { ok: false, error: bad };
  const prog: BpfProgram = {
    name: p.name,
    type: p.info.type,
    attachType: p.info.attachType,
    ...(p.info.attachTo === undefined ? {} : { attachTo: p.info.attachTo }),
    isSleepable: p.info.isSleepable,
    maps: env.maps,
    insns: [],
    ...(env.tailCalls === undefined ? {} : { tailCalls: env.tailCalls }),
    ebpf: { program: p, globalData: env.globalData },
  };
  const verdict = verifyProgram(k, prog);
  if (verdict.ok) return { ok: true, value: prog };
  const at = verdict.insn === undefined ? undefined : p.origins[verdict.insn];
  const message = `load refused (${errnoName(verdict.errno)}): ${verdict.message}`;
  return loadFail(message, at?.section ?? p.section, at?.insn);
}
