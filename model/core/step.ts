/**
 * The step protocol. A model operation is a generator that yields a Step
 * *before* each piece of code that touches shared state: the yield declares
 * what the code up to the next yield (or the return) will read, write, lock or
 * wait for. Another CPU may interleave at every yield, and nowhere else.
 * An operation therefore yields before its first shared access.
 */
import type { ObjId } from './ids.js';

/**
 * How a step touches an object (structurally the scheduler's Access). `atomic`:
 * a read-modify-write whose result the step does not use (atomic_add, a
 * refcount get or put); atomics of one object commute with each other and
 * conflict with every other kind of access to it.
 */
export type AccessKind = 'read' | 'write' | 'acquire' | 'release' | 'atomic';

/** One access of an abstract object id. */
export interface Access {
  readonly kind: AccessKind;
  readonly obj: number;
}

/** Currently-open RCU read sections: pairs of (actor id, section sequence number). */
export type ReaderSnapshot = readonly (readonly [number, number])[];

/** Why a step may have to wait before it can run. */
export type Blocker =
  /** A spinlock, rqspinlock or mutex: waits while another context holds it. */
  | {
      readonly kind: 'lock';
      readonly lock: ObjId;
      /**
       * E3 rqspinlock (raw_res_spin_lock_irqsave, kernel/bpf/rqspinlock.c): ready when this CPU
       * already holds the lock too, so the attempt fails with -EDEADLK instead of spinning forever.
       */
      readonly isRqspinlock?: boolean;
      /** E3 with ModelOptions.isLockTimeoutPossible: ready while contended; the code may time out. */
      readonly isTimeoutPossible?: boolean;
    }
  /** synchronize_rcu() and friends: waits until these read sections have ended. */
  | { readonly kind: 'gp'; readonly readers: ReaderSnapshot }
  /**
   * A condition on kernel state (a refcount reaching 0, work being queued).
   * `isIdle`: a daemon's wait for work (rcuWorker, kworker): an execution may end there.
   */
  | {
      readonly kind: 'until';
      readonly what: string;
      readonly isReady: () => boolean;
      readonly isIdle?: true;
    };

/** One atomic step of an operation, declared before it runs. */
export interface Step {
  readonly label: string;
  readonly accesses: readonly Access[];
  readonly blocker?: Blocker;
}

/** A model operation: yields its steps, returns its result. */
export type Op<T> = Generator<Step, T, void>;

const NO_ACCESSES: readonly Access[] = [];

/** Builds a step. Accesses must depend only on the running actor's own state. */
export function step(label: string, accesses: readonly Access[] = NO_ACCESSES, blocker?: Blocker): Step {
  return blocker === undefined ? { label, accesses } : { label, accesses, blocker };
}

/** A read access of `obj`. */
export const rd = (obj: ObjId): Access => ({ kind: 'read', obj });
/** A write access of `obj`. */
export const wr = (obj: ObjId): Access => ({ kind: 'write', obj });
/** Acquiring lock `obj`. */
export const acq = (obj: ObjId): Access => ({ kind: 'acquire', obj });
/** Releasing lock `obj`. */
export const rel = (obj: ObjId): Access => ({ kind: 'release', obj });
/** An atomic read-modify-write of `obj` whose result the step does not use: commutes with other such updates. */
export const rmw = (obj: ObjId): Access => ({ kind: 'atomic', obj });

/** Runs an operation to completion with no interleaving (setup code and fixed-order tests). */
export function runToCompletion<T>(op: Op<T>): T {
  for (;;) {
    const r = op.next();
    if (r.done) return r.value;
  }
}

/** Steps a StepCache keeps at most (a scenario needs a few dozen). */
const MAX_CACHED_STEPS = 4096;

/**
 * Shared steps of one access, each built once per (name, object): a step is
 * immutable, so the hottest sites (rcu_read_lock, the busy counter, a storage
 * lookup) hand out the same Step every time instead of a new label, array and
 * access on every run. `label` turns the site's name argument into the label.
 */
export class StepCache {
  private readonly byName = new Map<string, Map<number, Step>>();
  private size = 0;

  constructor(
    private readonly kind: AccessKind,
    private readonly label: (name: string) => string,
  ) {}

  /** The step of `name` touching `obj`. */
  get(name: string, obj: number): Step {
    let byObj = this.byName.get(name);
    if (byObj === undefined) {
      byObj = new Map();
      this.byName.set(name, byObj);
    }
    let s = byObj.get(obj);
    if (s === undefined) {
      s = { label: this.label(name), accesses: [{ kind: this.kind, obj }] };
      // Only a cache: a process that checks many generated scenarios starts it over.
      if (++this.size > MAX_CACHED_STEPS) {
        this.byName.clear();
        this.size = 1;
        byObj = new Map();
        this.byName.set(name, byObj);
      }
      byObj.set(obj, s);
    }
    return s;
  }
}
