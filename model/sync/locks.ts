/**
 * Taking and releasing locks as model steps: a contended acquire is a blocked
 * step the scheduler runs once the lock is free (the lock table is lockTable.ts).
 */
import type { ObjId } from '../core/ids.js';
import { type Access, acq, type Op, rel, step } from '../core/step.js';
import type { Actor, Kernel } from '../kernel/kernel.js';

export type { LockClass, LockEdge, LockInfo } from './lockTable.js';
export { isSpinning, Locks } from './lockTable.js';

/**
 * Blocking acquire: raw_spin_lock_irqsave() (E1/E2 storage locks, bpf_spin_lock) or
 * mutex_lock() (cgroup_mutex). The step waits while anyone holds the lock, so taking
 * a lock this actor already holds blocks forever: a self-deadlock. `extra` declares
 * what the caller does right after, inside the same step.
 */
export function* lockAcquire(k: Kernel, actor: Actor, lock: ObjId, extra: readonly Access[] = []): Op<void> {
  // A lock this actor already holds was taken by a context it interrupted (a
  // tracing program nests on its actor): the step below never runs, so a helper's
  // attempt is recorded now, before the self-deadlock it starts.
  if (k.locks.get(lock).holder === actor.id) observeHelperLock(k, actor, lock, true);
  yield step(`lock ${k.locks.get(lock).label}`, [acq(lock), ...extra], { kind: 'lock', lock });
  k.locks.acquire(lock, actor.id, actor.cpu);
  observeHelperLock(k, actor, lock, false);
}

/**
 * Inside a BPF storage helper (E1/E2), an owner or bucket acquisition is a
 * 'helper-lock' observation; so is an attempt on such a lock that an interrupted
 * context of the same CPU holds (`isHeldByInterrupted`).
 */
function observeHelperLock(k: Kernel, actor: Actor, lock: ObjId, isHeldByInterrupted: boolean): void {
  const frames = actor.helperFrames;
  const frame = frames === undefined ? undefined : frames[frames.length - 1];
  const cls = k.locks.get(lock).cls;
  if (frame === undefined || (cls !== 'owner' && cls !== 'bucket')) return;
  k.observe({
    kind: 'helper-lock',
    actor: actor.id,
    lock,
    cls,
    helper: frame.helper,
    // Stryker disable next-line OptionalChaining: addActor() checks cpu < options.cpus and the Kernel makes one CpuState per CPU, so k.cpus[actor.cpu] is always set
    busy: k.cpus[actor.cpu]?.busy ?? 0,
    holdsBusy: frame.holdsBusy,
    isHeldByInterrupted,
  });
}

/** Releases a lock; `extra` declares what the caller does right after, inside the same step. */
export function* lockRelease(k: Kernel, actor: Actor, lock: ObjId, extra: readonly Access[] = []): Op<void> {
  yield step(`unlock ${k.locks.get(lock).label}`, [rel(lock), ...extra]);
  k.locks.release(lock, actor.id);
}
