/**
 * Deferred work, run by actors. RCU callbacks (call_rcu, call_rcu_tasks_trace)
 * are plain functions that an rcu-worker actor invokes once their grace period
 * has ended (the rcu_gp / rcuc kthreads). Work that must run an operation (take
 * locks, sleep, fire hooks) goes on `k.work`, a workqueue that kworker actors
 * drain in order; queue_rcu_work() is an RCU callback that queues a work item.
 * A scenario adds one actor of each kind; like the kernel's kthreads they loop
 * forever, and the scheduler ends an execution once every other actor has
 * finished and they wait idle with nothing to do (Task.isIdle, scheduler/task.ts);
 * a daemon blocked in the middle of its work is still a deadlock.
 *
 * Footprints of the waits, for DPOR (scheduler/happensBefore.ts): the RCU
 * worker's wait stays ready once ready and writes the object its enablers
 * write, so the enabler→waiter pair is no reversible race; kworkers compete
 * for work items, so theirs is a take: an acquire of the queue, whose
 * enablers release it. Neither waits for the other any more, so neither reads
 * the other's queue.
 */
import { type Access, acq, type Op, rd, rel, type Step, StepCache, step, wr } from '../core/step.js';
import type { Actor, Kernel } from '../kernel/kernel.js';
import type { RcuCallback, RcuFlavour } from './rcu.js';

export type { WorkItem } from './workQueue.js';
export { WorkQueue } from './workQueue.js';

/**
 * The footprint of a step that calls call_rcu() (or kfree_rcu): it queues on
 * the callback queue (a release of it, which the RCU worker's wait takes) and
 * snapshots the open read sections (reads both reader objects).
 */
export function callRcu(k: Kernel): Access[] {
  return [rel(k.rcuObj), rd(k.rcuOpenObj), rd(k.rcuCloseObj)];
}

/**
 * queue_rcu_work() (kernel/workqueue.c): after an RCU grace period, queue
 * `run` as work. The RCU callback itself only touches the workqueue.
 */
export function queueRcuWork(k: Kernel, label: string, run: (actor: Actor) => Op<void>): void {
  k.rcu.call(label, 'rcu', () => k.work.queue(label, run), [k.work.obj]);
}

/** True when no RCU callback or work item is queued. */
export function isDeferredIdle(k: Kernel): boolean {
  return k.rcu.queue.length === 0 && k.work.items.length === 0;
}

/**
 * An rcu-worker actor body: waits for a callback whose grace period has ended and
 * invokes it, callback by callback, forever (a daemon).
 * The invoking step writes what the callback declared (rcu_do_batch, kernel/rcu/tree.c).
 */
export function* rcuWorker(k: Kernel, actor: Actor): Op<void> {
  for (;;) {
    // Ready once a queued callback's grace period ended: only section ends enable it.
    yield step(`${actor.name}: wait for a grace period`, [wr(k.rcuObj), rd(k.rcuCloseObj)], {
      kind: 'until',
      what: 'an rcu callback whose grace period ended',
      isReady: () => k.rcu.firstReady() >= 0,
      isIdle: true,
    });
    const cb: RcuCallback = k.rcu.queue[k.rcu.firstReady()]!;
    yield step(`rcu callback ${cb.label}`, [
      rel(k.rcuObj),
      ...cb.objs.map((o) => (o === k.work.obj ? rel(o) : wr(o))),
    ]);
    const j = k.rcu.queue.indexOf(cb);
    if (j >= 0) k.rcu.invoke(j);
  }
}

/**
 * A kworker actor body (worker_thread, kernel/workqueue.c): takes queued work in
 * order and runs it to completion, forever (a daemon).
 */
export function* kworker(k: Kernel, actor: Actor): Op<void> {
  for (;;) {
    yield step(`${actor.name}: wait for work`, [acq(k.work.obj)], {
      kind: 'until',
      what: 'queued work',
      isReady: () => k.work.items.length > 0,
      isIdle: true,
    });
    const item = k.work.items.shift()!;
    yield* item.run(actor);
  }
}

/**
 * synchronize_rcu() / synchronize_rcu_tasks_trace(): starts a grace period (a
 * step of its own, reading which read sections are open) and waits for them.
 */
export function* synchronizeRcu(k: Kernel, actor: Actor, flavour: RcuFlavour = 'rcu'): Op<void> {
  yield step(`${actor.name}: synchronize_rcu(${flavour}) starts a grace period`, [
    rd(k.rcuOpenObj),
    rd(k.rcuCloseObj),
  ]);
  const readers = k.rcu.snapshot(flavour);
  yield step(`${actor.name}: synchronize_rcu(${flavour}) waits`, [rd(k.rcuCloseObj)], {
    kind: 'gp',
    readers,
  });
}

/**
 * rcu_barrier() / rcu_barrier_tasks_trace(): waits until every callback of
 * `flavour` queued before the call has run (kernel/rcu/tree.c).
 */
export function* rcuBarrier(k: Kernel, actor: Actor, flavour: RcuFlavour): Op<void> {
  yield step(`${actor.name}: rcu_barrier(${flavour}) notes the queued callbacks`, [rd(k.rcuObj)]);
  const pending = k.rcu.queue.filter((cb) => cb.flavour === flavour);
  yield step(`${actor.name}: rcu_barrier(${flavour}) waits`, [wr(k.rcuObj)], {
    kind: 'until',
    what: `queued ${flavour} callbacks ran`,
    isReady: () => pending.every((cb) => !k.rcu.queue.includes(cb)),
  });
}

const RCU_READ_LOCK = new StepCache('atomic', (flavour) => `rcu_read_lock${flavour}`);
const RCU_READ_UNLOCK = new StepCache('atomic', (flavour) => `rcu_read_unlock${flavour}`);

/**
 * rcu_read_lock() (or rcu_read_lock_trace() with `trace`) as its own step. It
 * changes only this actor's nesting (the kernel's preempt count or
 * current->rcu_read_lock_nesting, kernel/rcu/tree_plugin.h
 * __rcu_read_lock), which grace periods read: an atomic of the RCU object, so
 * read sections of different actors commute. Opening one delays no grace
 * period already started, so it touches an object of its own (Kernel.rcuOpenObj).
 */
export function* rcuReadLock(k: Kernel, actor: Actor, trace = false): Op<void> {
  yield rcuReadLockStep(k, trace);
  k.rcu.readLock(actor.id, trace);
}

/** rcu_read_unlock() (or rcu_read_unlock_trace() with `trace`) as its own step; an atomic like rcuReadLock. */
export function* rcuReadUnlock(k: Kernel, actor: Actor, trace = false): Op<void> {
  yield rcuReadUnlockStep(k, trace);
  k.rcu.readUnlock(actor.id, trace);
}

/**
 * rcuReadLock's step, for the program runner's hot path: yielding it, then
 * calling k.rcu.readLock(actor.id, trace), is rcuReadLock without a generator.
 */
export function rcuReadLockStep(k: Kernel, trace: boolean): Step {
  return RCU_READ_LOCK.get(trace ? '_trace' : '', k.rcuOpenObj);
}

/** rcuReadUnlock's step; yielding it, then calling k.rcu.readUnlock(actor.id, trace), is rcuReadUnlock. */
export function rcuReadUnlockStep(k: Kernel, trace: boolean): Step {
  return RCU_READ_UNLOCK.get(trace ? '_trace' : '', k.rcuCloseObj);
}
