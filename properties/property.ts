/**
 * The shape of an invariant: it reads model state and returns a Violation or
 * nothing. Properties never change the kernel.
 */
import type { Kernel } from '../model/kernel/kernel.js';

/** A broken invariant, explained in kernel terms. Structurally the scheduler's Violation. */
export interface Violation {
  readonly invariant: string;
  readonly message: string;
}

/** An invariant checked after every step and/or once at the end of an execution. */
export interface Property {
  /** Stable id, e.g. `atomic-add`; what `expect` names in the catalogue. */
  readonly id: string;
  /** One line: what it promises. */
  readonly description: string;
  /** Checked after every step; keep it cheap (it runs in the hot loop). */
  checkStep?(k: Kernel): Violation | undefined;
  /**
   * True when checkStep looks only at facts appended since its previous call
   * (k.observations, k.memory.faults, k.locks.edges, through a LogCursor): it
   * then has nothing to do after a step that appended none, and is not called.
   */
  readonly isFactDriven?: boolean;
  /**
   * With isFactDriven, when checkStep reads one of those logs only: which one.
   * It is then not called after a step that appended to the others only
   * (most facts are observations; memory faults and lock-order edges are rare).
   * @defaultValue any of the three
   */
  readonly factLog?: FactLog;
  /**
   * True when checkStep reads only the NEW map's storage structure (owner
   * lists, caches, owner pointers, buckets and their locks, elements and their
   * memory state, the cgroup's dying flag). Footprints are honest, and the
   * model changes that structure only in steps that write, acquire or release a
   * shared object; so after a step whose accesses are all reads, atomics (an
   * atomic_add, a refcount, rcu_read_lock) or objects private to its task (the
   * busy counter), the structure is the one the last check saw, and checkStep
   * is not called.
   */
  readonly isStructural?: boolean;
  /** Checked when every actor has finished. */
  checkEnd?(k: Kernel): Violation | undefined;
}

/** The append-only kernel logs a fact-driven property reads (Property.factLog). */
export type FactLog = 'observations' | 'faults' | 'edges';

/**
 * A reachability ("sometimes") check: a condition that must hold in at least
 * one execution, or the scenario is vacuous (e.g. the cgroup was never freed
 * while a program ran).
 */
export interface Reachability {
  readonly id: string;
  readonly description: string;
  /** Evaluated at the end of each execution; true when the situation was reached. */
  isReached(k: Kernel): boolean;
  /**
   * Optional: called after every step, like Property.checkStep, for goals whose
   * situation is only visible at the step it happens. Must be cheap.
   */
  observeStep?(k: Kernel): void;
}

/** Builds a violation of `id`. */
export function violation(id: string, message: string): Violation {
  return { invariant: id, message };
}
