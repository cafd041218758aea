/**
 * RCU as the model needs it: read-side sections per actor, deferred callbacks
 * that wait for a grace period, and synchronize waits. A grace period that
 * starts at time t ends only when every read section open at t has closed
 * (Documentation/RCU/whatisRCU.rst); when, after that, a callback runs is up to
 * the scheduler, like the kernel's rcu_gp kthread.
 */
import type { ActorId, ObjId } from '../core/ids.js';
import type { ReaderSnapshot } from '../core/step.js';

/**
 * 'rcu' waits for rcu_read_lock() sections; 'tasks_trace' (call_rcu_tasks_trace,
 * used for reuse_now=false frees so sleepable programs are covered) waits for
 * rcu_read_lock_trace() sections and, as bpf_local_storage chains the two
 * (bpf_selem_free_trace_rcu → call_rcu unless rcu_trace_implies_rcu_gp()), for
 * plain readers too.
 */
export type RcuFlavour = 'rcu' | 'tasks_trace';

/** A queued callback. */
export interface RcuCallback {
  readonly label: string;
  readonly flavour: RcuFlavour;
  /** The sections that must end before it may run. */
  readonly readers: ReaderSnapshot;
  readonly run: () => void;
  /** Objects the callback writes or frees, for the step that invokes it. */
  readonly objs: readonly ObjId[];
}

interface ReaderState {
  depth: number;
  traceDepth: number;
  /** This actor's count of outermost sections so far, naming the current one (plain and trace share it). */
  section: number;
}

/** RCU state of one kernel. */
export class Rcu {
  private readonly readers = new Map<ActorId, ReaderState>();
  /** invariant: queue order is call order. */
  readonly queue: RcuCallback[] = [];
  /** Called on every call(); the kernel checks the running step declared the queue (see Kernel). */
  onQueue?: (label: string) => void;
  /** Number of callbacks run so far. */
  completed = 0;

  /** rcu_read_lock(), or rcu_read_lock_trace() when `trace`. Nests. */
  readLock(actor: ActorId, trace = false): void {
    let r = this.readers.get(actor);
    if (r === undefined) {
      r = { depth: 0, traceDepth: 0, section: 0 };
      this.readers.set(actor, r);
    }
    // Numbered per actor, so read sections of different actors commute.
    if (r.depth === 0 && r.traceDepth === 0) r.section++;
    if (trace) r.traceDepth++;
    else r.depth++;
  }

  /** rcu_read_unlock() / rcu_read_unlock_trace(); throws on an unbalanced unlock (a model bug). */
  readUnlock(actor: ActorId, trace = false): void {
    const r = this.readers.get(actor);
    const depth = r === undefined ? 0 : trace ? r.traceDepth : r.depth;
    // Stryker disable next-line ConditionalExpression: depth is 0 whenever r is undefined, so `r === undefined` alone never decides
    if (r === undefined || depth === 0)
      throw new Error(`unbalanced rcu_read_unlock${trace ? '_trace' : ''} by actor ${actor}`);
    if (trace) r.traceDepth--;
    else r.depth--;
  }

  /** True while the actor is inside a plain (or, with `trace`, a trace) read section. */
  isReading(actor: ActorId, trace = false): boolean {
    const r = this.readers.get(actor);
    return r !== undefined && (trace ? r.traceDepth > 0 : r.depth > 0);
  }

  /** The sections a grace period of `flavour` starting now must wait for, in actor order. */
  snapshot(flavour: RcuFlavour): ReaderSnapshot {
    const out: (readonly [number, number])[] = [];
    for (const [actor, r] of this.readers) {
      if (r.depth > 0 || (flavour === 'tasks_trace' && r.traceDepth > 0)) out.push([actor, r.section]);
    }
    return out;
  }

  /** True once every section in the snapshot has ended. */
  hasEnded(readers: ReaderSnapshot): boolean {
    for (const [actor, section] of readers) {
      const r = this.readers.get(actor as ActorId);
      if (r !== undefined && r.section === section && (r.depth > 0 || r.traceDepth > 0)) return false;
    }
    return true;
  }

  /** call_rcu() / call_rcu_tasks_trace(): queue `run` behind a grace period; `objs` are what it writes. */
  call(label: string, flavour: RcuFlavour, run: () => void, objs: readonly ObjId[] = []): void {
    this.onQueue?.(label);
    this.queue.push({ label, flavour, readers: this.snapshot(flavour), run, objs });
  }

  /** Index of the first callback whose grace period has ended, or -1. */
  firstReady(): number {
    for (let i = 0; i < this.queue.length; i++) {
      if (this.hasEnded(this.queue[i]!.readers)) return i;
    }
    return -1;
  }

  /** Runs the callback at `index` (from firstReady()). */
  invoke(index: number): RcuCallback {
    const [cb] = this.queue.splice(index, 1);
    if (cb === undefined)
      throw new Error(`no rcu callback at index ${index}; queue has ${this.queue.length}`);
    cb.run();
    this.completed++;
    return cb;
  }
}
