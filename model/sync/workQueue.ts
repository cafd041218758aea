/**
 * The workqueue's state (kernel/workqueue.c): queued work items, run in order
 * by kworker actors (model/sync/rcuWorker.ts).
 */
import type { Actor } from '../core/actor.js';
import type { ObjId } from '../core/ids.js';
import type { Op } from '../core/step.js';

/** A queued struct work_struct: an operation a kworker runs. */
export interface WorkItem {
  readonly label: string;
  readonly run: (actor: Actor) => Op<void>;
}

/** A workqueue (system_wq / cgroup_destroy_wq / system_unbound_wq: ordering is not modelled). */
export class WorkQueue {
  /** invariant: queue order is queue_work() order. */
  readonly items: WorkItem[] = [];

  /** Called on every queue(); the kernel checks the running step declared the queue (see Kernel). */
  onQueue?: (label: string) => void;

  /** `obj` is the queue's abstract id, for footprints. */
  constructor(readonly obj: ObjId) {}

  /** queue_work(): `run` will run on some kworker actor. */
  queue(label: string, run: (actor: Actor) => Op<void>): void {
    this.onQueue?.(label);
    this.items.push({ label, run });
  }
}
