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
import { EACCES, EINVAL } from '../../core/errno.js';
import type { Kernel } from '../../kernel/kernel.js';
import { type BpfProgram, isCgroupProgType } from '../bpfProgram.js';
import { MAP_TYPE_NUMBERS, mapOf, refuse } from '../verifierDoCheck.js';
import { helperOf } from './helpers.js';
import {
  BPF_ALU,
  BPF_ALU64,
  BPF_CALL,
  BPF_JMP,
  BPF_LDX,
  BPF_PSEUDO_KFUNC_CALL,
  BPF_PSEUDO_MAP_FD,
  insnClass,
  isLdImm64,
} from './insn.js';

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

/** What the linear pass knows of each register: a map it holds, or an untrusted cgroup pointer. */
interface RegFacts {
  map?: string;
  isUntrustedCgroup?: boolean;
}

/**
 * task->cgroups->dfl_cgrp read in a sleepable program outside bpf_rcu_read_lock() is
 * PTR_UNTRUSTED (kernel/bpf/verifier.c: check_ptr_to_btf_access, btf_nested_type_is_trusted).
 */
function isUntrustedLoad(prog: BpfProgram, pc: number, rcuDepth: number): boolean {
  const core = prog.ebpf!.program.coreFields.get(pc);
  return prog.isSleepable && rcuDepth === 0 && core?.struct === 'css_set' && core.field === 'dfl_cgrp';
}

/** bpf_rcu_read_lock/unlock nesting (check_kfunc_call); returns the new depth. */
function rcuKfunc(name: string | undefined, depth: number, pc: number): number {
  if (name === 'bpf_rcu_read_lock') return depth + 1;
  if (name !== 'bpf_rcu_read_unlock') return depth;
  if (depth === 0) refuse(EINVAL, 'unmatched rcu read unlock', pc);
  return depth - 1;
}

function checkCall(k: Kernel, prog: BpfProgram, id: number, regs: readonly RegFacts[], pc: number): void {
  const helper = helperOf(id) ?? `#${id}`;
  checkOffered(prog, helper, id, pc);
  checkMapArg(k, prog, helper, id, regs[1]!.map, pc);
  const takesCgroup = helper === 'bpf_cgrp_storage_get' || helper === 'bpf_cgrp_storage_delete';
  if (takesCgroup && regs[2]!.isUntrustedCgroup === true)
    refuse(EACCES, 'R2 type=untrusted_ptr_ expected=ptr_, trusted_ptr_, rcu_ptr_', pc);
}

/**
 * Applies the helper rules to every call, in instruction order; throws a Refusal
 * (verifierDoCheck.ts) at the first breach.
 */
export function ebpfVerify(k: Kernel, prog: BpfProgram): void {
  const code = prog.ebpf!.program;
  const regs: RegFacts[] = Array.from({ length: 11 }, () => ({}));
  let rcuDepth = 0;
  for (const [pc, i] of code.insns.entries()) {
    if (i.isSecondHalf === true) continue;
    const ref = code.mapRefs.get(pc);
    const cls = insnClass(i.code);
    if (isLdImm64(i.code))
      regs[i.dst] = i.src === BPF_PSEUDO_MAP_FD && ref !== undefined && !ref.isValue ? { map: ref.map } : {};
    else if (i.code === 0xbf)
      regs[i.dst] = { ...regs[i.src] }; // r_dst = r_src (ALU64 | MOV | X)
    else if (cls === BPF_LDX)
      regs[i.dst] = isUntrustedLoad(prog, pc, rcuDepth) ? { isUntrustedCgroup: true } : {};
    else if (i.code === (BPF_JMP | BPF_CALL) && i.src === BPF_PSEUDO_KFUNC_CALL) {
      rcuDepth = rcuKfunc(code.kfuncs.get(pc), rcuDepth, pc);
      for (let r = 0; r <= 5; r++) regs[r] = {};
    } else if (i.code === (BPF_JMP | BPF_CALL) && i.src === 0) {
      checkCall(k, prog, i.imm, regs, pc);
      for (let r = 0; r <= 5; r++) regs[r] = {};
    } else if (cls === BPF_ALU || cls === BPF_ALU64) regs[i.dst] = {};
  }
}
