/**
 * Runs BPF-like programs (model/programs/bpfProgram.ts) one instruction at a time. Register
 * moves, ALU and jumps are private to the run; every instruction that touches shared
 * memory is its own step, so `ld; add; st` can lose an update that `atomic_add` cannot.
 * Every access through a pointer goes through k.memory.use(): a use after free is a
 * recorded fault. Programs run under migrate_disable() and rcu_read_lock()
 * (rcu_read_lock_trace() when sleepable) for their whole run, as trampolines
 * (kernel/bpf/trampoline.c: __bpf_prog_enter_recur) and bpf_prog_run_array_cg do.
 */

import { bpfProgMapCompatible, valueSpinLock } from '../cgroupStorage/cgroupStorage.js';
import { bpfGetLocalStorage, type ValuePtr } from '../cgroupStorage/cgroupStorageHelper.js';
import { cgrpStorageDelete, cgrpStorageGet } from '../cgrpStorage/cgrpStorage.js';
import { asObjId, type CgroupId } from '../core/ids.js';
import { type Op, rd, rmw, type Step, step, wr } from '../core/step.js';
import type { Actor, Kernel } from '../kernel/kernel.js';
import { lockAcquire, lockRelease } from '../sync/locks.js';
import { rcuReadLock, rcuReadLockStep, rcuReadUnlock, rcuReadUnlockStep } from '../sync/rcuWorker.js';
import type { BpfProgram, CgArg, Insn, MemRef, Src } from './bpfProgram.js';
import { MAX_BPF_REG } from './bpfProgram.js';
import { hookOf } from './bpfProgramSection.js';
import { runEbpfBody } from './ebpf/ebpfRun.js';
import { MAX_TAIL_CALL_CNT, type ProgCtx } from './progCtx.js';

/** A register: a scalar (NULL is 0) or a pointer into a map value. */
export type RegValue = number | ValuePtr;

export type { ProgCtx } from './progCtx.js';
export { MAX_TAIL_CALL_CNT } from './progCtx.js';

/** A register value read from `slot` of `obj` when it held `loaded`. */
interface LoadOrigin {
  readonly obj: number;
  readonly slot: number;
  readonly loaded: number;
}

interface Frame {
  readonly k: Kernel;
  readonly actor: Actor;
  readonly ctx: ProgCtx;
  readonly regs: RegValue[];
  /**
   * Where a register's value came from, when it is a value loaded from a map
   * slot plus constants: lets a later store of it to the same slot be seen as
   * the increment the program meant (`*ptr += n` compiled to ld; add; st).
   */
  readonly loadedFrom: (LoadOrigin | undefined)[];
  prog: BpfProgram;
  pc: number;
  tailCalls: number;
}

/**
 * Runs a program as a trampoline or bpf_iter_run_prog would: skipped if it is already
 * running on this CPU (prog->active, bpf_prog_inc_misses_counter), else under
 * migrate_disable + rcu_read_lock (or rcu_read_lock_trace when sleepable). Returns r0.
 */
export function runProg(k: Kernel, actor: Actor, prog: BpfProgram, ctx: ProgCtx = {}): Op<number> {
  return progRun(k, actor, prog, ctx, true);
}

/** Runs the instructions on the caller's RCU section (bpf_prog_run); progDepth counts the nesting. */
export function runProgBody(k: Kernel, actor: Actor, prog: BpfProgram, ctx: ProgCtx): Op<number> {
  return progRun(k, actor, prog, ctx, false);
}

/**
 * runProg (`isTrampoline`) and runProgBody as one generator: both entry points
 * hand out its generator, so every step of a run passes through one layer
 * here, and loads, stores and atomics yield their step in this loop.
 */
function* progRun(
  k: Kernel,
  actor: Actor,
  prog: BpfProgram,
  ctx: ProgCtx,
  isTrampoline: boolean,
): Op<number> {
  const key = isTrampoline ? `${prog.name}@${actor.cpu}` : '';
  const isTrace = prog.isSleepable;
  if (isTrampoline) {
    // rcuReadLock as step and effect: no generator per run.
    yield rcuReadLockStep(k, isTrace);
    k.rcu.readLock(actor.id, isTrace);
  }
  const isRecursion = isTrampoline && (k.progActive.get(key) ?? 0) > 0;
  if (isTrampoline && !isRecursion) k.progActive.set(key, 1);
  let ret = 0;
  if (!isRecursion && prog.ebpf !== undefined) {
    actor.progDepth++;
    ret = yield* runEbpfBody(k, actor, prog, ctx);
    actor.progDepth--;
  } else if (!isRecursion) {
    const f = enterProg(k, actor, prog, ctx);
    let r0: number | undefined;
    while (r0 === undefined) {
      const insn = fetchInsn(f);
      // Only loads, stores, atomics and calls yield; the rest run without a step.
      if (insn.op === 'call') r0 = yield* execCall(f, insn);
      else if (insn.op === 'ld' || insn.op === 'st' || insn.op === 'atomic_add') {
        const at = address(f, insn.mem);
        if (at === null) r0 = abort(f, `${insn.op} through NULL`);
        else {
          yield memStep(f, insn, at);
          execMemInsn(f, insn, at);
        }
      } else r0 = execPrivateInsn(f, insn);
    }
    actor.progDepth--;
    ret = r0;
  }
  if (isTrampoline) {
    if (!isRecursion) k.progActive.set(key, 0);
    yield rcuReadUnlockStep(k, isTrace);
    k.rcu.readUnlock(actor.id, isTrace);
  }
  return ret;
}

/** A new run's frame, with progDepth counting it (the caller's loop decrements it at exit). */
function enterProg(k: Kernel, actor: Actor, prog: BpfProgram, ctx: ProgCtx): Frame {
  actor.progDepth++;
  return {
    k,
    actor,
    ctx,
    regs: new Array<RegValue>(MAX_BPF_REG).fill(0),
    loadedFrom: new Array<LoadOrigin | undefined>(MAX_BPF_REG).fill(undefined),
    prog,
    pc: 0,
    tailCalls: 0,
  };
}

/**
 * Attaches a tracing program (tp_btf, fentry, fexit, lsm) at its hook (default: from
 * its section, e.g. 'fentry/bpf_local_storage_update'), so fireHook() runs it nested
 * on the firing actor. `ctx` gives the run's context, per actor if a function.
 */
export function attachTracing(
  k: Kernel,
  prog: BpfProgram,
  hook: string = hookOf(prog),
  ctx: ProgCtx | ((actor: Actor) => ProgCtx) = {},
): void {
  k.attachHook(hook, (actor) => runAsHook(k, actor, prog, typeof ctx === 'function' ? ctx(actor) : ctx));
}

function* runAsHook(k: Kernel, actor: Actor, prog: BpfProgram, ctx: ProgCtx): Op<void> {
  yield* runProg(k, actor, prog, ctx);
}

/** The instruction at f.pc, with f.pc moved past it. */
function fetchInsn(f: Frame): Insn {
  const insn = f.prog.insns[f.pc];
  if (insn === undefined) throw new Error(`${f.prog.name}: pc ${f.pc} past the end (an unverified program?)`);
  f.pc++;
  return insn;
}

/** Executes an instruction private to the run (registers, jumps, exit); returns r0 when the program exits. */
function execPrivateInsn(f: Frame, insn: Insn): number | undefined {
  switch (insn.op) {
    case 'mov':
      f.regs[insn.dst] = src(f, insn.src);
      f.loadedFrom[insn.dst] = 'reg' in insn.src ? f.loadedFrom[insn.src.reg] : undefined;
      return undefined;
    case 'alu':
      f.regs[insn.dst] = alu(insn.alu, scalar(f.regs[insn.dst]), scalar(src(f, insn.src)));
      if (insn.alu !== 'add' && insn.alu !== 'sub') f.loadedFrom[insn.dst] = undefined;
      return undefined;
    case 'ldctx':
      f.regs[insn.dst] = f.ctx.fields?.[insn.field] ?? 0;
      f.loadedFrom[insn.dst] = undefined;
      return undefined;
    case 'cgid':
      f.regs[insn.dst] = resolveCg(f.ctx, insn.cg) ?? 0;
      f.loadedFrom[insn.dst] = undefined;
      return undefined;
    case 'jmp':
      if (isTaken(f, insn)) f.pc = insn.target;
      return undefined;
    case 'exit':
      return insn.imm ?? scalar(f.regs[0]);
    case 'tail_call':
      tailCall(f, insn.index);
      return undefined;
    default:
      throw new Error(`unhandled ${insn.op}`);
  }
}

/** What a load, store or atomic at `at` does once its step (memStep) runs. */
function execMemInsn(f: Frame, insn: Extract<Insn, { op: 'ld' | 'st' | 'atomic_add' }>, at: ValuePtr): void {
  const data = checkedData(f, at);
  if (insn.op === 'ld') {
    const loaded = data?.[at.slot] ?? 0;
    f.regs[insn.dst] = loaded;
    f.loadedFrom[insn.dst] = { obj: at.obj, slot: at.slot, loaded };
    return;
  }
  const v = scalar(src(f, insn.src));
  const isAtomic = insn.op === 'atomic_add';
  if (data !== undefined) data[at.slot] = isAtomic ? (data[at.slot] ?? 0) + v : v;
  const delta = isAtomic ? v : intendedDelta(f, insn.src, at, v);
  f.k.observe({
    kind: 'value-update',
    actor: f.actor.id,
    obj: at.obj,
    slot: at.slot,
    atomic: isAtomic,
    ...(delta === undefined ? {} : { delta }),
    ...(data === undefined ? {} : { value: data[at.slot]! }),
  });
}

/** The step a memory instruction yielded last, kept while it touches the same slot. */
interface MemStep {
  readonly prog: BpfProgram;
  readonly obj: number;
  readonly slot: number;
  readonly step: Step;
}
const memSteps = new WeakMap<Insn, MemStep>();

/**
 * The step of a load, store or atomic at `at`: built once per instruction and
 * slot, then shared (a step is immutable; a new label and access on every run
 * were most of a run's garbage).
 */
function memStep(f: Frame, insn: Extract<Insn, { op: 'ld' | 'st' | 'atomic_add' }>, at: ValuePtr): Step {
  const last = memSteps.get(insn);
  if (last !== undefined && last.obj === at.obj && last.slot === at.slot && last.prog === f.prog)
    return last.step;
  const label = `${f.prog.name}#${f.pc - 1}: ${insn.op} [${at.obj}+${at.slot}]`;
  // atomic_add (BPF_ATOMIC | BPF_ADD without BPF_FETCH, kernel/bpf/core.c:
  // ___bpf_prog_run) returns nothing: adds to one slot commute.
  const s = step(label, [
    insn.op === 'ld' ? rd(at.obj) : insn.op === 'atomic_add' ? rmw(at.obj) : wr(at.obj),
  ]);
  memSteps.set(insn, { prog: f.prog, obj: at.obj, slot: at.slot, step: s });
  return s;
}

/** For a plain store of a value loaded from the same slot plus constants, the increment it meant. */
function intendedDelta(f: Frame, s: Src, at: ValuePtr, stored: number): number | undefined {
  const origin = 'reg' in s ? f.loadedFrom[s.reg] : undefined;
  if (origin === undefined || origin.obj !== at.obj || origin.slot !== at.slot) return undefined;
  return stored - origin.loaded;
}

/** The object's slots after k.memory.use(); undefined (an 'out-of-bounds' fault) past its end. */
function checkedData(f: Frame, at: ValuePtr): number[] | undefined {
  // The fault's `by` is built only for a fault: this runs at every load and store.
  if (!f.k.memory.isLive(at.obj)) f.k.memory.use(at.obj, faultSite(f));
  const data = f.k.memory.get(at.obj).data;
  if (data !== undefined && at.slot >= 0 && at.slot < data.length) return data;
  f.k.memory.recordFault('out-of-bounds', at.obj, `slot ${at.slot} of ${data?.length ?? 0}`, faultSite(f));
  return undefined;
}

function* execCall(f: Frame, insn: Extract<Insn, { op: 'call' }>): Op<number | undefined> {
  const { k, actor } = f;
  const map = 'map' in insn ? f.prog.maps[insn.map] : undefined;
  if ('map' in insn && map === undefined) throw new Error(`${f.prog.name}: unknown map ${insn.map}`);
  let r0: RegValue = 0;
  if (insn.helper === 'cgrp_storage_get') {
    const obj = yield* cgrpStorageGet(k, actor, map!, resolveCg(f.ctx, insn.cg), insn.init, insn.flags);
    r0 = obj === null ? 0 : { obj, slot: 0 };
    k.onHelperReturn?.(actor, f.prog.name, f.pc - 1, obj === null ? 'NULL' : 'pointer');
  } else if (insn.helper === 'cgrp_storage_delete') {
    r0 = yield* cgrpStorageDelete(k, actor, map!, resolveCg(f.ctx, insn.cg));
    k.onHelperReturn?.(actor, f.prog.name, f.pc - 1, r0);
  } else if (insn.helper === 'get_local_storage') {
    const ptr = yield* bpfGetLocalStorage(k, actor, f.prog, f.ctx.cgRunCtx, map!);
    k.onHelperReturn?.(actor, f.prog.name, f.pc - 1, ptr === null ? 'NULL' : 'pointer');
    if (ptr === null) return 0; // the helper's NULL dereference, already recorded: the run ends
    r0 = ptr;
  } else if (insn.helper === 'spin_lock' || insn.helper === 'spin_unlock') {
    const at = address(f, insn.mem);
    if (at === null) return abort(f, `${insn.helper} on NULL`);
    const lock = valueSpinLock(k, at.obj, at.slot);
    if (insn.helper === 'spin_lock') yield* lockAcquire(k, actor, lock);
    else yield* lockRelease(k, actor, lock);
  } else if (insn.helper === 'rcu_read_lock') {
    yield* rcuReadLock(k, actor);
  } else {
    yield* rcuReadUnlock(k, actor);
  }
  for (let r = 0; r <= 5; r++) {
    f.regs[r] = 0;
    f.loadedFrom[r] = undefined;
  }
  f.regs[0] = r0;
  return undefined;
}

/**
 * bpf_tail_call: jumps to prog array slot `index` and never returns, keeping the
 * caller's run context (so the callee's bpf_get_local_storage sees the caller's
 * prog item). An empty slot, a target the storage-cookie check kept out of the array
 * (abad3d0bad72, unless hasTailCallStorageCookieBug), or MAX_TAIL_CALL_CNT falls through.
 */
function tailCall(f: Frame, index: number): void {
  const target = f.prog.tailCalls?.[index];
  if (target === undefined || f.tailCalls >= MAX_TAIL_CALL_CNT) return;
  if (!f.k.options.hasTailCallStorageCookieBug && !bpfProgMapCompatible(f.k, f.prog, target)) return;
  f.tailCalls++;
  f.prog = target;
  f.pc = 0;
}

/** Who faults: the actor and the instruction running. */
function faultSite(f: Frame): string {
  return `${f.actor.name}: ${f.prog.name}#${f.pc - 1}`;
}

/** A kernel oops in the program (NULL dereference): recorded, and the run ends with 0. */
function abort(f: Frame, what: string): number {
  f.k.memory.recordFault('null-deref', asObjId(0), what, faultSite(f));
  return 0;
}

function resolveCg(ctx: ProgCtx, cg: CgArg): CgroupId | null {
  if (cg === 'current') return ctx.currentCgroup ?? null;
  if (cg === 'ctx') return ctx.cgroup ?? null;
  if (cg === 'acquired_cgroup1') return ctx.cgroup1 ?? null;
  return null;
}

function address(f: Frame, mem: MemRef): ValuePtr | null {
  if ('data' in mem) return f.prog.data === undefined ? null : { obj: f.prog.data, slot: mem.slot };
  const base = f.regs[mem.reg];
  return typeof base === 'number' ? null : { obj: base!.obj, slot: base!.slot + mem.slot };
}

function src(f: Frame, s: Src): RegValue {
  return 'imm' in s ? s.imm : f.regs[s.reg]!;
}

/** A register as a number; a pointer compares and computes as its object id (never 0). */
function scalar(v: RegValue | undefined): number {
  return typeof v === 'number' ? v : v === undefined ? 0 : v.obj;
}

function isTaken(f: Frame, insn: Extract<Insn, { op: 'jmp' }>): boolean {
  if (insn.cond === 'always') return true;
  const a = scalar(f.regs[insn.reg ?? 0]);
  if (insn.cond === 'null') return a === 0;
  if (insn.cond === 'notnull') return a !== 0;
  const b = scalar(insn.src === undefined ? 0 : src(f, insn.src));
  const cmp = { eq: a === b, ne: a !== b, gt: a > b, ge: a >= b, lt: a < b, le: a <= b };
  return cmp[insn.cond];
}

function alu(op: Extract<Insn, { op: 'alu' }>['alu'], a: number, b: number): number {
  const big = (fn: (x: bigint, y: bigint) => bigint): number =>
    Number(BigInt.asUintN(64, fn(BigInt.asUintN(64, BigInt(a)), BigInt(b))));
  if (op === 'add') return a + b;
  if (op === 'sub') return a - b;
  if (op === 'mul') return a * b;
  if (op === 'or') return big((x, y) => x | BigInt.asUintN(64, y));
  if (op === 'and') return big((x, y) => x & BigInt.asUintN(64, y));
  if (op === 'lsh') return big((x, y) => x << (y & 63n));
  return big((x, y) => x >> (y & 63n));
}
