/**
 * Entry of a worker thread (compiled to dist/scenarios/workers/worker.js): prepares the
 * scenario once, then runs the units the main thread sends with the very
 * {@link runUnit} the main thread would use, one after another in the order
 * they arrive. A unit stops early when the main thread raises its lane's flag
 * in the shared stop array.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { prepareRun } from '../engine/prepare.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './workerPool.js';
import { runUnit } from './workerUnits.js';

const init = workerData as WorkerInit;
const port = parentPort!;
const flags = new Int32Array(init.stop);
const prepared = prepareRun(init.source, init.options.kernel, init.options.params);
// Units run one after another, in the order they were sent (a later one waits in `queue`).
const queue: WorkerRequest[] = [];
let isRunning = false;

async function run(req: WorkerRequest): Promise<void> {
  const reply = (m: WorkerReply): void => port.postMessage(m);
  try {
    if (!prepared.ok) throw new Error(prepared.error.message);
    const result = await runUnit(prepared.value, req.unit, req.context, {
      shouldStop: () => Atomics.load(flags, req.lane) !== 0,
      onChunk: (executions, steps) => reply({ kind: 'progress', lane: req.lane, executions, steps }),
    });
    reply({ kind: 'done', lane: req.lane, result });
  } catch (e) {
    reply({ kind: 'error', lane: req.lane, message: (e as Error).stack ?? String(e) });
  }
}

port.on('message', async (req: WorkerRequest) => {
  queue.push(req);
  if (isRunning) return;
  isRunning = true;
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) await run(next);
  isRunning = false;
});
