/**
 * A tiny fixed-interleaving driver for model operations: step an actor's
 * operation a given number of times, or to completion, checking that every step
 * it runs is ready (isStepReady), so a blocked step is a test failure or a
 * deadlock to assert on.
 */

import type { Op, Step } from '../../model/core/step.js';
import type { Actor, Kernel } from '../../model/kernel/kernel.js';
import { isStepReady } from '../../model/kernel/ready.js';
import { rcuReadLock, rcuReadUnlock } from '../../model/sync/rcuWorker.js';

/** One actor running one operation. */
export class OpRunner<T> {
  private cur: IteratorResult<Step, T>;

  constructor(
    readonly k: Kernel,
    readonly actor: Actor,
    private readonly gen: Op<T>,
  ) {
    this.cur = gen.next();
  }

  get isDone(): boolean {
    return this.cur.done === true;
  }

  /** The step the operation will run next, or undefined once it is done. */
  get next(): Step | undefined {
    return this.cur.done ? undefined : this.cur.value;
  }

  /** Its result; throws while it is still running. */
  get result(): T {
    if (!this.cur.done)
      throw new Error(`${this.actor.name} is still running (next: ${this.cur.value.label})`);
    return this.cur.value;
  }

  isReady(): boolean {
    return !this.cur.done && isStepReady(this.k, this.actor, this.cur.value);
  }

  /** A daemon (rcuWorker, kworker) waiting for work that is not there. */
  get isIdle(): boolean {
    const b = this.next?.blocker;
    return b?.kind === 'until' && b.isIdle === true && !this.isReady();
  }

  /** Runs `n` steps; throws if the operation ends or blocks first. */
  step(n = 1): this {
    for (let i = 0; i < n; i++) {
      if (this.cur.done) throw new Error(`${this.actor.name}: done after ${i} of ${n} steps`);
      if (!this.isReady()) throw new Error(`${this.actor.name}: blocked at ${this.cur.value.label}`);
      this.cur = this.gen.next();
    }
    return this;
  }

  /** Runs until the next step's label contains `label` (that step not run). */
  stepUntil(label: string, max = 1000): this {
    for (let i = 0; i < max; i++) {
      if (this.next?.label.includes(label)) return this;
      this.step();
    }
    throw new Error(`${this.actor.name}: no step labelled ${label} within ${max} steps`);
  }

  /** Runs to completion; throws if it blocks. */
  run(max = 10_000): T {
    for (let i = 0; i < max && !this.cur.done; i++) this.step();
    return this.result;
  }

  /** Runs while ready; returns the number of steps run. */
  runWhileReady(max = 10_000): number {
    let n = 0;
    while (n < max && this.isReady()) {
      this.cur = this.gen.next();
      n++;
    }
    return n;
  }
}

/** Starts `op` on `actor`. */
export function start<T>(k: Kernel, actor: Actor, op: Op<T>): OpRunner<T> {
  return new OpRunner(k, actor, op);
}

/** Runs `op` alone to completion on `actor`, checking readiness. */
export function runOp<T>(k: Kernel, actor: Actor, op: Op<T>): T {
  return start(k, actor, op).run();
}

/** Wraps an operation in rcu_read_lock()/rcu_read_unlock(), as a BPF program runs. */
export function* inRcu<T>(k: Kernel, actor: Actor, op: Op<T>): Op<T> {
  yield* rcuReadLock(k, actor);
  const r = yield* op;
  yield* rcuReadUnlock(k, actor);
  return r;
}

/**
 * Round-robin over runners, one ready step each, until all are done (or, for
 * daemons, wait idle). Returns false (a deadlock) when some are unfinished and
 * none is ready.
 */
export function runAll(runners: readonly OpRunner<unknown>[], max = 100_000): boolean {
  for (let i = 0; i < max; i++) {
    const live = runners.filter((r) => !r.isDone && !r.isIdle);
    if (live.length === 0) return true;
    const ready = live.filter((r) => r.isReady());
    if (ready.length === 0) return false;
    for (const r of ready) if (r.isReady()) r.step();
  }
  throw new Error(`runAll: over ${max} rounds`);
}

/** Attaches a tracing program; like the trampoline's prog->active check, it does not recurse into itself. */
export function attachProg(k: Kernel, hook: string, body: (actor: Actor) => Op<void>): void {
  let isActive = false;
  k.attachHook(hook, function* (actor) {
    if (isActive) return;
    isActive = true;
    yield* body(actor);
    isActive = false;
  });
}
