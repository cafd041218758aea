/**
 * The verifier's helper rules applied to an eBPF program (kernel/bpf/verifier.c:
 * check_helper_call, check_map_func_compatibility; the func_proto of each program
 * type): which helpers a program type is offered, and which map type each
 * map-taking helper accepts, with the kernel's messages. The map argument is
 * tracked through LD_IMM64 and register moves in instruction order, as clang
 * emits it (`r1 = map ll` before the call); do_check's full path walk is for the
 * instruction language only (verifierDoCheck.ts).
 */
import { isCgroupStorageMap } from '../../cgroupStorage/cgroupStorage.js';
import { EINVAL } from '../../core/errno.js';
import type { Kernel } from '../../kernel/kernel.js';
import { type BpfProgram, isCgroupProgType } from '../bpfProgram.js';
import { MAP_TYPE_NUMBERS, mapOf, refuse } from '../verifierDoCheck.js';
import { helperOf } from './helpers.js';
import { BPF_CALL, BPF_JMP, BPF_PSEUDO_MAP_FD, insnClass, isLdImm64 } from './insn.js';

/** Helpers only some program types are offered (bpf_tracing_func_proto, cgroup_common_func_proto). */
function checkOffered(prog: BpfProgram, helper: string, id: number, pc: number): void {
  const isTracing = prog.type === 'tracing' || prog.type === 'lsm';
  const isOffered =
    helper === 'bpf_get_local_storage'
      ? isCgroupProgType(prog.type) || prog.attachType === 'lsm_cgroup'
      : helper === 'bpf_get_current_task_btf'
        ? isTracing
        : true;
  if (!isOffered) refuse(EINVAL, `program of this type cannot use helper ${helper}#${id}`, pc);
}

/** check_map_func_compatibility for the map in r1. */
function checkMapArg(
  k: Kernel,
  prog: BpfProgram,
  helper: string,
  id: number,
  map: string | undefined,
  pc: number,
): void {
  const needs =
    helper === 'bpf_get_local_storage'
      ? 'cgroup_storage'
      : helper === 'bpf_cgrp_storage_get' || helper === 'bpf_cgrp_storage_delete'
        ? 'cgrp_storage'
        : undefined;
  if (needs === undefined) return;
  const m =
    map === undefined ? refuse(EINVAL, 'R1 type=scalar expected=map_ptr', pc) : mapOf(k, prog, map, pc);
  const isOk = needs === 'cgrp_storage' ? m.type === 'cgrp_storage' : isCgroupStorageMap(m);
  if (!isOk) refuse(EINVAL, `cannot pass map_type ${MAP_TYPE_NUMBERS[m.type]} into func ${helper}#${id}`, pc);
}

/** Applies the helper rules to every call; throws a Refusal (verifierDoCheck.ts) at the first breach. */
export function ebpfVerify(k: Kernel, prog: BpfProgram): void {
  const code = prog.ebpf!.program;
  const mapIn: (string | undefined)[] = new Array(11).fill(undefined);
  for (const [pc, i] of code.insns.entries()) {
    if (i.isSecondHalf === true) continue;
    const ref = code.mapRefs.get(pc);
    if (isLdImm64(i.code))
      mapIn[i.dst] = i.src === BPF_PSEUDO_MAP_FD && ref !== undefined && !ref.isValue ? ref.map : undefined;
    else if (i.code === 0xbf)
      mapIn[i.dst] = mapIn[i.src]; // r_dst = r_src (ALU64 | MOV | X)
    else if (i.code === (BPF_JMP | BPF_CALL) && i.src === 0) {
      const helper = helperOf(i.imm) ?? `#${i.imm}`;
      checkOffered(prog, helper, i.imm, pc);
      checkMapArg(k, prog, helper, i.imm, mapIn[1], pc);
      mapIn.fill(undefined, 0, 6);
    } else if (
      insnClass(i.code) !== 0x05 &&
      insnClass(i.code) !== 0x06 &&
      insnClass(i.code) !== 0x02 &&
      insnClass(i.code) !== 0x03
    )
      mapIn[i.dst] = undefined;
  }
}
