/**
 * The worker-thread executor: `slots` node:worker_threads, each with its own
 * prepared copy of the scenario, running units sent by the committer
 * (workerCommit.ts). The entry is compiled JavaScript (dist/scenarios/worker.js);
 * when it is missing (sources run by vitest without a build) callers fall back
 * to the in-process executor, which gives the same results.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RunOptions } from './engine.js';
import type { ScenarioSource } from './load.js';
import type { RunningUnit, UnitExecutor } from './workerCommit.js';
import type { UnitContext, UnitResult, WorkUnit } from './workerUnits.js';

/** What a worker starts with (structured-cloned). */
export interface WorkerInit {
  readonly source: ScenarioSource;
  readonly options: RunOptions;
  /** Int32 per slot: non-zero asks that slot's current unit to stop. */
  readonly stop: SharedArrayBuffer;
  readonly slot: number;
}

/** Main → worker. */
export interface WorkerRequest {
  readonly unit: WorkUnit;
  readonly context: UnitContext;
}

/** Worker → main. */
export type WorkerReply =
  | { readonly kind: 'progress'; readonly executions: number; readonly steps: number }
  | { readonly kind: 'done'; readonly result: UnitResult }
  | { readonly kind: 'error'; readonly message: string };

/** Path of the compiled worker entry, or undefined when it has not been built. */
export function workerEntryPath(): string | undefined {
  const here = fileURLToPath(import.meta.url);
  const path = here.endsWith('.ts')
    ? join(resolve(dirname(here), '..'), 'dist', 'scenarios', 'worker.js')
    : join(dirname(here), 'worker.js');
  return existsSync(path) ? path : undefined;
}

interface Job {
  readonly request: WorkerRequest;
  readonly onProgress: (executions: number, steps: number) => void;
  readonly resolve: (r: UnitResult) => void;
  readonly reject: (e: Error) => void;
  isCancelled: boolean;
}

interface Slot {
  readonly worker: Worker;
  readonly index: number;
  job: Job | undefined;
}

/** Starts `slots` workers on `entry` for one run of `source`. */
export function createThreadExecutor(
  entry: string,
  source: ScenarioSource,
  options: RunOptions,
  slotCount: number,
): UnitExecutor {
  const stop = new SharedArrayBuffer(4 * slotCount);
  const flags = new Int32Array(stop);
  const queue: Job[] = [];
  const dispatch = (slot: Slot): void => {
    const job = queue.shift();
    if (job === undefined) return;
    slot.job = job;
    Atomics.store(flags, slot.index, job.isCancelled ? 1 : 0);
    slot.worker.postMessage(job.request);
  };
  const slots: Slot[] = Array.from({ length: slotCount }, (_, index) => {
    const init: WorkerInit = { source, options, stop, slot: index };
    const slot: Slot = { worker: new Worker(entry, { workerData: init }), index, job: undefined };
    slot.worker.on('message', (m: WorkerReply) => {
      const job = slot.job;
      if (job === undefined) return;
      if (m.kind === 'progress') {
        job.onProgress(m.executions, m.steps);
        return;
      }
      slot.job = undefined;
      if (m.kind === 'done') job.resolve(m.result);
      else job.reject(new Error(`worker ${index}: ${m.message}`));
      dispatch(slot);
    });
    slot.worker.on('error', (e) => {
      slot.job?.reject(e);
      slot.job = undefined;
    });
    return slot;
  });
  return {
    slots: slotCount,
    start(unit, context, onProgress): RunningUnit {
      let job: Job | undefined;
      const result = new Promise<UnitResult>((resolveJob, reject) => {
        job = { request: { unit, context }, onProgress, resolve: resolveJob, reject, isCancelled: false };
      });
      queue.push(job!);
      const idle = slots.find((s) => s.job === undefined);
      if (idle !== undefined) dispatch(idle);
      return {
        result,
        cancel: () => {
          job!.isCancelled = true;
          const slot = slots.find((s) => s.job === job);
          if (slot !== undefined) Atomics.store(flags, slot.index, 1);
        },
      };
    },
    close: async () => {
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
