/**
 * The contract between the scheduler and whatever it runs. The scheduler knows
 * tasks, steps and abstract object ids; it never learns what a cgroup is.
 */

/** Index of a task within one execution (stable across executions of one scenario). */
export type TaskId = number & { readonly __brand: 'TaskId' };

/**
 * How a step touches an abstract object. acquire/release mark lock operations.
 * `atomic` is a read-modify-write whose result the step does not use (an
 * atomic add, a refcount get or put): two of them on one object commute, so
 * they are independent; with any other kind on that object they conflict.
 */
export type AccessKind = 'read' | 'write' | 'acquire' | 'release' | 'atomic';

/**
 * One access of an abstract object. `obj` ids are chosen by the caller and must
 * not depend on the interleaving: the same object gets the same id in every
 * execution of a scenario (dynamic objects are named by allocating actor and
 * that actor's own sequence number, never by a global counter).
 */
export interface Access {
  readonly kind: AccessKind;
  readonly obj: number;
}

/**
 * The next step of a task, declared before it runs. Its accesses depend only on
 * the task's own state, so they stay valid while other tasks run (DPOR relies on it).
 */
export interface StepInfo {
  /** Short human label, e.g. `raw_spin_lock(owner cg1)`. */
  readonly label: string;
  readonly accesses: readonly Access[];
}

/** A thread of execution: a simulated CPU context, a userspace thread, a kernel worker. */
export interface Task {
  readonly name: string;
  /**
   * For a server loop that never finishes by itself (an RCU callback thread, a
   * kworker): true while its next step is its wait for more work. An execution
   * whose tasks have all finished or wait idle ends there (no deadlock), so
   * such a wait need not watch the other tasks end.
   */
  isIdle?(): boolean;
  /** The step this task will run next, or undefined once it has finished. */
  peek(): StepInfo | undefined;
  /** False while the next step waits (a lock held by another task, a grace period). */
  isEnabled(): boolean;
  /**
   * Virtual time before which the next step may not run (0 when it may run now).
   * The scheduler advances its virtual clock only when no task can run now.
   */
  readyAt(): number;
  /**
   * Runs the step returned by peek(). Only called when enabled and ready. A task
   * may go on with further steps of its own in the same call (an atomic block)
   * when they touch only objects no other task touches: peek()'s footprint then
   * still covers every conflict of the whole block.
   */
  step(): void;
  /** Optional: the label of what step() just ran, when it ran an atomic block (traces only). */
  lastLabel?(): string;
}

/** A broken invariant, found after a step or at the end of an execution. */
export interface Violation {
  /** Stable invariant id, e.g. `atomic-add`, `no-deadlock`. */
  readonly invariant: string;
  readonly message: string;
}

/** One execution's world, built fresh for every execution. */
export interface Execution {
  readonly tasks: readonly Task[];
  /** Checked after every step; a Violation ends the execution. */
  checkStep(): Violation | undefined;
  /** Checked once when every task has finished. */
  checkEnd(): Violation | undefined;
  /** Optional: what the last step changed, for traces (never called in the hot loop). */
  describeLastStep?(): string;
  /** Optional: a readable name of an abstract object id, for traces (never called in the hot loop). */
  describeObject?(obj: number): string | undefined;
}

/** Read-only view of the scheduler's virtual clock (no wall clock anywhere). */
export interface VirtualClock {
  /** Current virtual time; starts at 0 and only grows. */
  now(): number;
}

/**
 * Builds a fresh execution. `choose(n)` returns an integer in [0, n) for every
 * data choice the world makes (a lock timeout, an allocation failure); the
 * scheduler records it in the same choice stream as its scheduling decisions.
 * `clock` (optional to use) lets tasks compute a `readyAt()` relative to now.
 */
export type ExecutionFactory = (choose: (n: number) => number, clock?: VirtualClock) => Execution;

/** Brands a task index; throws on a non-integer or negative index (a caller bug). */
export function toTaskId(index: number): TaskId {
  if (!Number.isInteger(index) || index < 0)
    throw new Error(`task id must be a non-negative integer, got ${index}`);
  return index as TaskId;
}
