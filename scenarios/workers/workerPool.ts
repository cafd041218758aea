/**
 * The worker-thread executor: `slots` node:worker_threads, each with its own
 * prepared copy of the scenario, running units sent by the committer
 * (workerCommit.ts). The entry is compiled JavaScript (dist/scenarios/workers/worker.js);
 * when it is missing (sources run by vitest without a build) callers fall back
 * to the in-process executor, which gives the same results.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RunOptions } from '../engine/engine.js';
import type { ScenarioSource } from '../engine/load.js';
import type { RunningUnit, UnitExecutor } from './workerCommit.js';
import type { UnitContext, UnitResult, WorkUnit } from './workerUnits.js';

/** What a worker starts with (structured-cloned). */
export interface WorkerInit {
  readonly source: ScenarioSource;
  readonly options: RunOptions;
  /** Int32 per lane: non-zero asks the unit in that lane to stop. */
  readonly stop: SharedArrayBuffer;
}

/** Main → worker: a unit to run after the ones already sent, in lane `lane`. */
export interface WorkerRequest {
  readonly unit: WorkUnit;
  readonly context: UnitContext;
  readonly lane: number;
}

/** Worker → main, about the unit in `lane`. */
export type WorkerReply =
  | { readonly kind: 'progress'; readonly lane: number; readonly executions: number; readonly steps: number }
  | { readonly kind: 'done'; readonly lane: number; readonly result: UnitResult }
  | { readonly kind: 'error'; readonly lane: number; readonly message: string };

/**
 * Units a thread holds at once: the one it runs and the next, already sent, so
 * it never waits for the main thread (which, on a machine whose cores the
 * workers fill, may not get a core for a while) between units.
 */
export const LANES_PER_THREAD = 2;

/** Path of the compiled worker entry, or undefined when it has not been built. */
export function workerEntryPath(): string | undefined {
  const here = fileURLToPath(import.meta.url);
  const path = here.endsWith('.ts')
    ? join(resolve(dirname(here), '..', '..'), 'dist', 'scenarios', 'workers', 'worker.js')
    : join(dirname(here), 'worker.js');
  return existsSync(path) ? path : undefined;
}

interface Job {
  readonly request: Omit<WorkerRequest, 'lane'>;
  readonly onProgress: (executions: number, steps: number) => void;
  readonly resolve: (r: UnitResult) => void;
  readonly reject: (e: Error) => void;
  isCancelled: boolean;
}

/**
 * Starts `threadCount` workers on `entry` for one run of `source`; each runs the
 * units sent to it in order and holds up to LANES_PER_THREAD of them, so the
 * executor offers threadCount × LANES_PER_THREAD slots. Lane l belongs to
 * thread ⌊l / LANES_PER_THREAD⌋.
 */
export function createThreadExecutor(
  entry: string,
  source: ScenarioSource,
  options: RunOptions,
  threadCount: number,
): UnitExecutor {
  const stop = new SharedArrayBuffer(4 * threadCount * LANES_PER_THREAD);
  const flags = new Int32Array(stop);
  const lanes = new Array<Job | undefined>(threadCount * LANES_PER_THREAD).fill(undefined);
  const queue: Job[] = [];
  const lanesOf = (t: number): number[] =>
    Array.from({ length: LANES_PER_THREAD }, (_, i) => t * LANES_PER_THREAD + i);
  const load = (t: number): number => lanesOf(t).filter((l) => lanes[l] !== undefined).length;
  const dispatch = (): void => {
    for (let job = queue[0]; job !== undefined; job = queue[0]) {
      // The least loaded thread, lowest index first.
      let best = -1;
      for (let t = 0; t < threadCount; t++)
        if (load(t) < LANES_PER_THREAD && (best < 0 || load(t) < load(best))) best = t;
      if (best < 0) return;
      queue.shift();
      const lane = lanesOf(best).find((l) => lanes[l] === undefined)!;
      lanes[lane] = job;
      Atomics.store(flags, lane, job.isCancelled ? 1 : 0);
      workers[best]!.postMessage({ ...job.request, lane } satisfies WorkerRequest);
    }
  };
  const workers = Array.from({ length: threadCount }, (_, index) => {
    const init: WorkerInit = { source, options, stop };
    const worker = new Worker(entry, { workerData: init });
    worker.on('message', (m: WorkerReply) => {
      const job = lanes[m.lane];
      if (job === undefined) return;
      if (m.kind === 'progress') {
        job.onProgress(m.executions, m.steps);
        return;
      }
      lanes[m.lane] = undefined;
      if (m.kind === 'done') job.resolve(m.result);
      else job.reject(new Error(`worker ${index}: ${m.message}`));
      dispatch();
    });
    worker.on('error', (e) => {
      for (const l of lanesOf(index)) {
        lanes[l]?.reject(e);
        lanes[l] = undefined;
      }
    });
    return worker;
  });
  return {
    slots: threadCount * LANES_PER_THREAD,
    start(unit, context, onProgress): RunningUnit {
      let job: Job | undefined;
      const result = new Promise<UnitResult>((resolveJob, reject) => {
        job = { request: { unit, context }, onProgress, resolve: resolveJob, reject, isCancelled: false };
      });
      queue.push(job!);
      dispatch();
      return {
        result,
        cancel: () => {
          job!.isCancelled = true;
          const lane = lanes.indexOf(job);
          if (lane >= 0) Atomics.store(flags, lane, 1);
        },
      };
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
