/**
 * Helper and kfunc calls of the eBPF interpreter, on the same model functions the
 * instruction language calls (model/programs/interpreter.ts): bpf_cgrp_storage_get
 * and _delete (kernel/bpf/bpf_cgrp_storage.c), bpf_get_local_storage
 * (kernel/bpf/cgroup.c), bpf_spin_lock/unlock, the RCU kfuncs, bpf_tail_call.
 * Arguments in r1–r5, result in r0, r1–r5 clobbered (RFC 9669 section 4.3.1).
 */

import { bpfProgMapCompatible, valueSpinLock } from '../../cgroupStorage/cgroupStorage.js';
import { bpfGetLocalStorage } from '../../cgroupStorage/cgroupStorageHelper.js';
import { cgrpStorageDelete, cgrpStorageGet } from '../../cgrpStorage/cgrpStorage.js';
import type { CgroupId, MapId } from '../../core/ids.js';
import { valueSlots } from '../../core/map.js';
import { type Op, step } from '../../core/step.js';
import type { Kernel } from '../../kernel/kernel.js';
import { lockAcquire, lockRelease } from '../../sync/locks.js';
import { rcuReadLock, rcuReadUnlock } from '../../sync/rcuWorker.js';
import { MAX_TAIL_CALL_CNT } from '../progCtx.js';
import { type EbpfFrame, setReg } from './ebpfFrame.js';
import { ABORT, badPointer } from './ebpfMem.js';
import { bytesToSlots, readBytes, readSlots, scalarOf, type Val } from './ebpfValue.js';
import { helperOf } from './helpers.js';
import type { EbpfInsn } from './insn.js';

/** The outcome of a call: continue, the run ends (an oops), or a tail call replaced the program. */
export type CallOutcome = undefined | typeof ABORT | 'tail';

/** Nanoseconds per bpf_ktime_get_ns call: the virtual clock advances by one tick per reading. */
const KTIME_TICK_NS = 1000n;
const ktime = new WeakMap<Kernel, bigint>();

function mapArg(f: EbpfFrame, v: Val): MapId {
  const id = typeof v !== 'bigint' && v.kind === 'map' ? f.prog.maps[v.map] : undefined;
  if (id === undefined) throw new Error(`${f.prog.name}#${f.pc - 1}: map argument is not a bound map`);
  return id;
}

/** A `struct cgroup *` argument: the modelled cgroup, or NULL. */
function cgArg(v: Val): CgroupId | null {
  return typeof v !== 'bigint' && v.kind === 'kobj' && v.struct === 'cgroup' ? v.cg : null;
}

/** `size` bytes a pointer argument points to, as 8-byte slots (an initial value, a format string). */
function bytesArg(f: EbpfFrame, v: Val, size: number): Uint8Array | undefined {
  if (typeof v === 'bigint') return undefined;
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    if (v.kind === 'stack') out[i] = Number(readBytes(f.stack, v.off + i, 1));
    else if (v.kind === 'value') out[i] = Number(readSlots(f.k.memory.get(v.obj).data ?? [], v.off + i, 1));
  }
  return out;
}

function* callHelper(f: EbpfFrame, id: number): Op<Val | typeof ABORT | 'tail'> {
  const { k, actor } = f;
  const r = f.regs;
  switch (helperOf(id)) {
    case 'bpf_cgrp_storage_get': {
      const map = mapArg(f, r[1]!);
      const init = bytesArg(f, r[3]!, valueSlots(k.maps.get(map)!.valueSize) * 8);
      const flags = Number(scalarOf(r[4]!));
      const obj = yield* cgrpStorageGet(k, actor, map, cgArg(r[2]!), init && bytesToSlots(init), flags);
      return obj === null ? 0n : { kind: 'value', obj, off: 0 };
    }
    case 'bpf_cgrp_storage_delete':
      return BigInt.asUintN(64, BigInt(yield* cgrpStorageDelete(k, actor, mapArg(f, r[1]!), cgArg(r[2]!))));
    case 'bpf_get_local_storage': {
      const ptr = yield* bpfGetLocalStorage(k, actor, f.prog, f.ctx.cgRunCtx, mapArg(f, r[1]!));
      return ptr === null ? ABORT : { kind: 'value', obj: ptr.obj, off: ptr.slot * 8 };
    }
    case 'bpf_spin_lock':
    case 'bpf_spin_unlock': {
      const p = r[1]!;
      if (typeof p === 'bigint' || p.kind !== 'value') return badPointer(f, scalarOf(p), 'bpf_spin_lock');
      const lock = valueSpinLock(k, p.obj, p.off >> 3);
      if (helperOf(id) === 'bpf_spin_lock') yield* lockAcquire(k, actor, lock);
      else yield* lockRelease(k, actor, lock);
      return 0n;
    }
    case 'bpf_get_current_task_btf':
      return { kind: 'kobj', struct: 'task_struct', cg: f.ctx.currentCgroup ?? null };
    case 'bpf_get_current_cgroup_id':
      return BigInt(f.ctx.currentCgroup ?? 0);
    case 'bpf_get_smp_processor_id':
      return BigInt(actor.cpu);
    case 'bpf_ktime_get_ns': {
      const now = (ktime.get(k) ?? 0n) + KTIME_TICK_NS;
      ktime.set(k, now);
      return now;
    }
    case 'bpf_trace_printk': {
      const size = Number(scalarOf(r[2]!));
      const text = new TextDecoder().decode(bytesArg(f, r[1]!, size)).replace(/\0.*$/s, '');
      yield step(`${f.prog.name}#${f.pc - 1}: bpf_trace_printk ${JSON.stringify(text)}`);
      return BigInt(text.length);
    }
    case 'bpf_tail_call':
      return tailCall(f, Number(scalarOf(r[3]!))) ? 'tail' : 0n;
    default:
      throw new Error(`${f.prog.name}#${f.pc - 1}: helper #${id} passed the load check but has no model`);
  }
}

/** bpf_tail_call as interpreter.ts models it (storage-cookie check included); false falls through. */
function tailCall(f: EbpfFrame, index: number): boolean {
  const target = f.prog.tailCalls?.[index];
  if (target?.ebpf === undefined || f.tailCalls >= MAX_TAIL_CALL_CNT) return false;
  if (!f.k.options.hasTailCallStorageCookieBug && !bpfProgMapCompatible(f.k, f.prog, target)) return false;
  f.tailCalls++;
  f.prog = target;
  f.pc = 0;
  f.calls.length = 0;
  return true;
}

function* callKfunc(f: EbpfFrame, name: string): Op<Val> {
  const { k, actor } = f;
  switch (name) {
    case 'bpf_rcu_read_lock':
      yield* rcuReadLock(k, actor);
      return 0n;
    case 'bpf_rcu_read_unlock':
      yield* rcuReadUnlock(k, actor);
      return 0n;
    case 'bpf_cgroup_from_id': {
      const id = Number(scalarOf(f.regs[1]!));
      const cg = k.cgroups.all().find((c) => c.id === id && c.state !== 'freed');
      return cg === undefined ? 0n : { kind: 'kobj', struct: 'cgroup', cg: cg.id };
    }
    case 'bpf_task_get_cgroup1':
      return f.ctx.cgroup1 == null ? 0n : { kind: 'kobj', struct: 'cgroup', cg: f.ctx.cgroup1 };
    default: // bpf_cgroup_release: the model does not count the reference bpf_cgroup_from_id took
      return 0n;
  }
}

/** A helper or kfunc call instruction. */
export function* ebpfCall(f: EbpfFrame, i: EbpfInsn): Op<CallOutcome> {
  const kfunc = f.prog.ebpf!.program.kfuncs.get(f.pc - 1);
  const r0 = kfunc === undefined ? yield* callHelper(f, i.imm) : yield* callKfunc(f, kfunc);
  if (r0 === ABORT || r0 === 'tail') return r0;
  for (let r = 1; r <= 5; r++) setReg(f, r, 0n);
  setReg(f, 0, r0);
  return undefined;
}
