/**
 * Synchronisation primitives of BPF local storage, per era: the owner and bucket
 * locks (raw spinlocks in E1/E2, rqspinlocks in E3), the per-CPU
 * bpf_cgrp_storage_busy counter (E1/E2), and hook points inside critical sections.
 */
import { EDEADLK, type Errno, ETIMEDOUT, err, OK0, type Result } from '../core/errno.js';
import type { ObjId } from '../core/ids.js';
import { type Access, acq, type Op, rd, type Step, StepCache, step } from '../core/step.js';
import { type Actor, fireHook, type HookArgs, type Kernel } from '../kernel/kernel.js';
import { lockAcquire, lockRelease } from '../sync/locks.js';

/**
 * Takes an owner or bucket lock. E1/E2: raw_spin_lock_irqsave(), which blocks (and
 * self-deadlocks on AA). E3: raw_res_spin_lock_irqsave() (kernel/bpf/rqspinlock.c):
 * AA on this CPU → -EDEADLK at once; with isLockTimeoutPossible a contended attempt
 * may give up with -ETIMEDOUT (a data choice). `extra` covers the code after it.
 */
export function* storageLock(
  k: Kernel,
  actor: Actor,
  lock: ObjId,
  extra: readonly Access[] = [],
): Op<Result<0>> {
  if (k.era !== 'E3') {
    yield* lockAcquire(k, actor, lock, extra);
    return OK0;
  }
  let isTimeoutPossible = k.options.isLockTimeoutPossible;
  for (;;) {
    const label = `raw_res_spin_lock ${k.locks.get(lock).label}`;
    // An rqspinlock attempt can run while the lock is held (-EDEADLK on this CPU, or a
    // timeout): it reads whether it is held, so it races with the holder's release
    // too, not only with its acquire as a blocking lock does (scheduler/happensBefore.ts).
    yield step(label, [acq(lock), rd(lock), ...extra], {
      kind: 'lock',
      lock,
      isRqspinlock: true,
      isTimeoutPossible,
    });
    const l = k.locks.get(lock);
    if (l.holder === undefined) {
      k.locks.acquire(lock, actor.id, actor.cpu);
      return OK0;
    }
    if (l.holderCpu === actor.cpu) return lockFail(k, actor, lock, EDEADLK);
    if (k.choose(2) === 1) return lockFail(k, actor, lock, ETIMEDOUT);
    isTimeoutPossible = false;
  }
}

function lockFail(k: Kernel, actor: Actor, lock: ObjId, errno: Errno): Result<0> {
  k.observe({ kind: 'lock-fail', actor: actor.id, lock, errno });
  return err(errno);
}

/** Releases an owner or bucket lock; `extra` covers the code after it. */
export function* storageUnlock(
  k: Kernel,
  actor: Actor,
  lock: ObjId,
  extra: readonly Access[] = [],
): Op<void> {
  yield* lockRelease(k, actor, lock, extra);
}

/** The busy counter's steps: each writes its CPU's counter. */
const BUSY_COUNTER = new StepCache('write', (helper) => helper);

/**
 * bpf_cgrp_storage_trylock() (kernel/bpf/bpf_cgrp_storage.c, E1/E2): increments this
 * CPU's counter and keeps it only when it was 0. Returns whether it is now held.
 */
export function* busyTrylock(k: Kernel, actor: Actor): Op<boolean> {
  yield busyTrylockStep(k, actor);
  return busyTrylockEffect(k, actor);
}

/**
 * busyTrylock as its step and its effect, for the helpers' hot path: yielding
 * the step and then running the effect is busyTrylock without a generator.
 */
export function busyTrylockStep(k: Kernel, actor: Actor): Step {
  return BUSY_COUNTER.get('bpf_cgrp_storage_trylock', k.cpus[actor.cpu]!.busyObj);
}

/** What bpf_cgrp_storage_trylock does once its step runs; see {@link busyTrylockStep}. */
export function busyTrylockEffect(k: Kernel, actor: Actor): boolean {
  const cpu = k.cpus[actor.cpu]!;
  cpu.busy++;
  if (cpu.busy === 1) return true;
  cpu.busy--;
  return false;
}

/** bpf_cgrp_storage_lock() / this_cpu_inc(*busy_counter) (E1/E2): unconditional. */
export function* busyLock(k: Kernel, actor: Actor): Op<void> {
  const cpu = k.cpus[actor.cpu]!;
  yield BUSY_COUNTER.get('bpf_cgrp_storage_lock', cpu.busyObj);
  cpu.busy++;
}

/** bpf_cgrp_storage_unlock() / this_cpu_dec(*busy_counter) (E1/E2). */
export function* busyUnlock(k: Kernel, actor: Actor): Op<void> {
  yield busyUnlockStep(k, actor);
  busyUnlockEffect(k, actor);
}

/** busyUnlock's step; yielding it, then running busyUnlockEffect, is busyUnlock without a generator. */
export function busyUnlockStep(k: Kernel, actor: Actor): Step {
  return BUSY_COUNTER.get('bpf_cgrp_storage_unlock', k.cpus[actor.cpu]!.busyObj);
}

/** What bpf_cgrp_storage_unlock does once its step runs. */
export function busyUnlockEffect(k: Kernel, actor: Actor): void {
  k.cpus[actor.cpu]!.busy--;
}

/**
 * A traceable function entered mid-operation: programs attached at `hook` run
 * nested on this actor, seeing `args`; then a fresh step declares `resume`, the accesses of the
 * code that follows. Without attached programs it costs no step.
 */
export function* hookPoint(
  k: Kernel,
  actor: Actor,
  hook: string,
  resume: readonly Access[],
  args: HookArgs = {},
): Op<void> {
  if ((k.hooks.get(hook)?.length ?? 0) === 0) return;
  yield* fireHook(k, hook, actor, args);
  yield step(`return from ${hook}`, resume);
}

/** A GFP_ATOMIC / GFP_NOWAIT allocation fails (a data choice when isAllocFailurePossible). */
export function isAllocFailing(k: Kernel): boolean {
  return k.options.isAllocFailurePossible && k.choose(2) === 1;
}
