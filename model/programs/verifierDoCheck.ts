/**
 * do_check and the per-instruction and helper-call rules it applies (kernel/bpf/verifier.c:
 * do_check, check_mem_access, check_helper_call, check_map_func_compatibility). Every path
 * is walked with abstract register types, so an unchecked NULL, a stray pointer or an
 * unbalanced lock is refused the way the kernel refuses it.
 */

import { isCgroupStorageMap } from '../cgroupStorage/cgroupStorage.js';
import { E2BIG, EACCES, EBADF, EINVAL, type Errno } from '../core/errno.js';
import { type BpfMapBase, valueSlots } from '../core/map.js';
import type { Kernel } from '../kernel/kernel.js';
import type { BpfProgram, Insn, MemRef, Src } from './bpfProgram.js';
import { isCgroupProgType, MAX_BPF_REG } from './bpfProgram.js';

/** enum bpf_map_type numbers, as the kernel prints them. */
export const MAP_TYPE_NUMBERS = { cgroup_storage: 19, percpu_cgroup_storage: 21, cgrp_storage: 32 } as const;
/** enum bpf_func_id numbers of the helpers the model knows. */
const FUNC_IDS = {
  get_local_storage: 81,
  spin_lock: 93,
  spin_unlock: 94,
  cgrp_storage_get: 210,
  cgrp_storage_delete: 211,
};

/** A refusal thrown from any check; verifyProgram turns it into a VerifierResult. */
export class Refusal extends Error {
  constructor(
    readonly errno: Errno,
    message: string,
    readonly insn?: number,
  ) {
    super(message);
  }
}
/** Throws a Refusal: the errno and verifier log line, at instruction `insn` if given. */
export const refuse = (errno: Errno, message: string, insn?: number): never => {
  throw new Refusal(errno, message, insn);
};

/** The map a program names, or EBADF as resolve_pseudo_ldimm64 refuses an unknown fd. */
export function mapOf(k: Kernel, prog: BpfProgram, name: string, pc: number): BpfMapBase {
  const id = prog.maps[name];
  const map = id === undefined ? undefined : k.maps.get(id);
  return map ?? refuse(EBADF, `map '${name}' is not pointing to a valid bpf_map`, pc);
}

/** An abstract register: what do_check knows about it on one path. */
type RegType =
  | { readonly t: 'uninit' | 'scalar' | 'ctx' | 'fp' }
  | { readonly t: 'map_value'; readonly map: string; readonly slots: number; readonly nullId?: number };

/** The verifier state on one path at one instruction. */
interface State {
  readonly pc: number;
  readonly regs: readonly RegType[];
  readonly rcuDepth: number;
  readonly isLockHeld: boolean;
}

const UNINIT: RegType = { t: 'uninit' };
const SCALAR: RegType = { t: 'scalar' };
/** BPF_COMPLEXITY_LIMIT_INSNS would stop far later; paths here are short. */
const MAX_STATES = 100_000;

/** do_check: a depth-first walk of every path, pruning states seen before. */
export function walkPaths(k: Kernel, prog: BpfProgram): void {
  const regs = new Array<RegType>(MAX_BPF_REG).fill(UNINIT);
  regs[1] = { t: 'ctx' };
  regs[10] = { t: 'fp' };
  const todo: State[] = [{ pc: 0, regs, rcuDepth: 0, isLockHeld: false }];
  const seen = new Set<string>();
  while (todo.length > 0) {
    const s = todo.pop()!;
    const key = JSON.stringify(s);
    if (seen.has(key)) continue;
    seen.add(key);
    if (seen.size > MAX_STATES) refuse(E2BIG, `BPF program is too large. Processed ${seen.size} states`);
    todo.push(...stepInsn(k, prog, s).reverse());
  }
}

/** The successor states of one instruction, or a refusal. */
function stepInsn(k: Kernel, prog: BpfProgram, s: State): State[] {
  const insn = prog.insns[s.pc]!;
  const next = (over: Partial<State> = {}): State => ({ ...s, pc: s.pc + 1, ...over });
  const set = (reg: number, t: RegType): RegType[] => s.regs.map((r, i) => (i === reg ? t : r));
  switch (insn.op) {
    case 'mov':
      return [next({ regs: set(insn.dst, srcType(s, insn.src)) })];
    case 'alu':
      if (s.regs[insn.dst]!.t !== 'scalar' || srcType(s, insn.src).t !== 'scalar')
        refuse(EACCES, `R${insn.dst} pointer arithmetic is not modelled`, s.pc);
      return [next({ regs: set(insn.dst, SCALAR) })];
    case 'ldctx':
    case 'cgid':
      return [next({ regs: set(insn.dst, SCALAR) })];
    case 'ld':
      checkMem(k, prog, s, insn.mem);
      return [next({ regs: set(insn.dst, SCALAR) })];
    case 'st':
    case 'atomic_add':
      checkMem(k, prog, s, insn.mem);
      srcType(s, insn.src);
      return [next()];
    case 'jmp':
      return jumpStates(prog, s, insn);
    case 'call':
      return [callState(k, prog, s, insn)];
    case 'tail_call':
      if (s.isLockHeld) refuse(EINVAL, 'tail_call cannot be used inside bpf_spin_lock-ed region', s.pc);
      if (s.rcuDepth > 0) refuse(EINVAL, 'tail_call cannot be used inside bpf_rcu_read_lock-ed region', s.pc);
      return [next({ regs: s.regs.map((r, i) => (i >= 1 && i <= 5 ? UNINIT : i === 0 ? SCALAR : r)) })];
    case 'exit':
      checkExit(s, insn);
      return [];
  }
}

function srcType(s: State, src: Src): RegType {
  if ('imm' in src) return SCALAR;
  const t = s.regs[src.reg]!;
  if (t.t === 'uninit') refuse(EACCES, `R${src.reg} !read_ok`, s.pc);
  return t;
}

/** check_mem_access on a map value: a non-NULL map value pointer (or global data), in bounds. */
function checkMem(k: Kernel, prog: BpfProgram, s: State, mem: MemRef): void {
  const slots = 'data' in mem ? dataSlots(k, prog, s) : mapValueSlots(s, mem.reg);
  if (mem.slot < 0 || mem.slot >= slots)
    refuse(EACCES, `invalid access to map value, value_size=${slots * 8} off=${mem.slot * 8} size=8`, s.pc);
}

function dataSlots(k: Kernel, prog: BpfProgram, s: State): number {
  if (prog.data === undefined) return refuse(EACCES, 'program has no global data', s.pc);
  return k.memory.get(prog.data).data?.length ?? 0;
}

function mapValueSlots(s: State, reg: number): number {
  const t = s.regs[reg]!;
  if (t.t === 'uninit') refuse(EACCES, `R${reg} !read_ok`, s.pc);
  if (t.t !== 'map_value') return refuse(EACCES, `R${reg} invalid mem access '${t.t}'`, s.pc);
  if (t.nullId !== undefined) refuse(EACCES, `R${reg} invalid mem access 'map_value_or_null'`, s.pc);
  return t.slots;
}

function jumpStates(prog: BpfProgram, s: State, insn: Extract<Insn, { op: 'jmp' }>): State[] {
  if (insn.target < 0 || insn.target >= prog.insns.length)
    refuse(EINVAL, `jump out of range from insn ${s.pc} to ${insn.target}`, s.pc);
  if (insn.target <= s.pc) refuse(EINVAL, `back-edge from insn ${s.pc} to ${insn.target}`, s.pc);
  const taken: State = { ...s, pc: insn.target };
  const fall: State = { ...s, pc: s.pc + 1 };
  if (insn.cond === 'always') return [taken];
  const reg = insn.reg ?? 0;
  const t = s.regs[reg]!;
  if (t.t === 'uninit') refuse(EACCES, `R${reg} !read_ok`, s.pc);
  if (insn.src !== undefined) srcType(s, insn.src);
  if ((insn.cond !== 'null' && insn.cond !== 'notnull') || t.t !== 'map_value' || t.nullId === undefined)
    return [taken, fall];
  // mark_ptr_or_null_regs: every copy of the pointer becomes NULL on one side, a map value on the other.
  const resolve = (isNull: boolean): RegType[] =>
    s.regs.map((r) =>
      r.t === 'map_value' && r.nullId === t.nullId ? (isNull ? SCALAR : { ...r, nullId: undefined }) : r,
    );
  const whenNull = insn.cond === 'null' ? taken : fall;
  const whenSet = insn.cond === 'null' ? fall : taken;
  return [
    { ...whenNull, regs: resolve(true) },
    { ...whenSet, regs: resolve(false) },
  ];
}

function checkExit(s: State, insn: Extract<Insn, { op: 'exit' }>): void {
  if (s.isLockHeld) refuse(EINVAL, 'bpf_spin_unlock is missing', s.pc);
  if (s.rcuDepth > 0) refuse(EINVAL, 'bpf_rcu_read_unlock is missing', s.pc);
  if (insn.imm === undefined && s.regs[0]!.t === 'uninit') refuse(EACCES, 'R0 !read_ok', s.pc);
}

/**
 * check_helper_call / check_kfunc_call for one call: r1-r5 are clobbered, r0 holds the
 * result (not readable after a void helper or kfunc); returns the state after it.
 */
function callState(k: Kernel, prog: BpfProgram, s: State, insn: Extract<Insn, { op: 'call' }>): State {
  if (s.isLockHeld && insn.helper !== 'spin_unlock')
    refuse(EINVAL, 'function calls are not allowed while holding a lock', s.pc);
  const after = (r0: RegType, over: Partial<State> = {}): State => ({
    ...s,
    pc: s.pc + 1,
    regs: s.regs.map((r, i) => (i === 0 ? r0 : i <= 5 ? UNINIT : r)),
    ...over,
  });
  switch (insn.helper) {
    case 'rcu_read_lock':
      return after(UNINIT, { rcuDepth: s.rcuDepth + 1 });
    case 'rcu_read_unlock':
      if (s.rcuDepth === 0) refuse(EINVAL, 'unmatched rcu read unlock', s.pc);
      return after(UNINIT, { rcuDepth: s.rcuDepth - 1 });
    case 'spin_lock':
    case 'spin_unlock':
      return after(UNINIT, { isLockHeld: checkSpinLock(k, prog, s, insn.helper, insn.mem) });
    case 'get_local_storage':
      return after(checkGetLocalStorage(k, prog, s, insn.map, insn.flags));
    default:
      return after(checkCgrpStorageCall(k, prog, s, insn));
  }
}

function checkSpinLock(k: Kernel, prog: BpfProgram, s: State, helper: string, mem: MemRef): boolean {
  const t = 'data' in mem ? undefined : s.regs[mem.reg];
  if (t?.t !== 'map_value' || t.nullId !== undefined)
    return refuse(EINVAL, `R1 type=${t?.t ?? 'data'} expected=map_value`, s.pc);
  const map = mapOf(k, prog, t.map, s.pc);
  if (map.spinLockSlot === undefined) refuse(EINVAL, `map '${map.name}' has no valid bpf_spin_lock`, s.pc);
  if (map.spinLockSlot !== mem.slot)
    refuse(
      EINVAL,
      `off ${mem.slot * 8} doesn't point to 'struct bpf_spin_lock' that is at ${map.spinLockSlot! * 8}`,
      s.pc,
    );
  if (helper === 'spin_lock' && s.isLockHeld)
    refuse(EINVAL, 'Locking two bpf_spin_locks are not allowed', s.pc);
  if (helper === 'spin_unlock' && !s.isLockHeld)
    refuse(EINVAL, 'bpf_spin_unlock without taking a lock', s.pc);
  return helper === 'spin_lock';
}

/**
 * bpf_get_local_storage: offered by cgroup_common_func_proto to cgroup program types and
 * by bpf_lsm only to BPF_LSM_CGROUP; flags must be 0; the map must be a deprecated one.
 */
function checkGetLocalStorage(k: Kernel, prog: BpfProgram, s: State, name: string, flags: number): RegType {
  const isOffered = isCgroupProgType(prog.type) || prog.attachType === 'lsm_cgroup';
  if (!isOffered)
    refuse(
      EINVAL,
      `program of this type cannot use helper bpf_get_local_storage#${FUNC_IDS.get_local_storage}`,
      s.pc,
    );
  const map = mapOf(k, prog, name, s.pc);
  if (flags !== 0) refuse(EINVAL, "get_local_storage() doesn't support non-zero flags", s.pc);
  if (!isCgroupStorageMap(map)) refuseMapFunc(map, 'get_local_storage', s.pc);
  return { t: 'map_value', map: name, slots: valueSlots(map.valueSize) };
}

/**
 * bpf_cgrp_storage_get/delete (bpf_base_func_proto, CAP_BPF part: every type): argument 2
 * must be a trusted struct cgroup pointer; the map must be BPF_MAP_TYPE_CGRP_STORAGE.
 */
function checkCgrpStorageCall(
  k: Kernel,
  prog: BpfProgram,
  s: State,
  insn: Extract<Insn, { helper: 'cgrp_storage_get' | 'cgrp_storage_delete' }>,
): RegType {
  const map = mapOf(k, prog, insn.map, s.pc);
  if (insn.cg === 'task') refuse(EACCES, 'R2 is of type task_struct but cgroup is expected', s.pc);
  if (insn.cg === 'current' && prog.isSleepable && s.rcuDepth === 0)
    refuse(EACCES, 'R2 type=untrusted_ptr_ expected=ptr_, trusted_ptr_, rcu_ptr_', s.pc);
  if (map.type !== 'cgrp_storage') refuseMapFunc(map, insn.helper, s.pc);
  if (insn.helper === 'cgrp_storage_delete') return SCALAR;
  return { t: 'map_value', map: insn.map, slots: valueSlots(map.valueSize), nullId: s.pc };
}

/** check_map_func_compatibility's refusal. */
function refuseMapFunc(map: BpfMapBase, helper: keyof typeof FUNC_IDS, pc: number): never {
  return refuse(
    EINVAL,
    `cannot pass map_type ${MAP_TYPE_NUMBERS[map.type]} into func bpf_${helper}#${FUNC_IDS[helper]}`,
    pc,
  );
}
