/**
 * Entry of a worker thread (compiled to dist/scenarios/worker.js): prepares the
 * scenario once, then runs the units the main thread sends with the very
 * {@link runUnit} the main thread would use. A unit stops early when the main
 * thread raises this worker's flag in the shared stop array.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { prepareRun } from './prepare.js';
import type { WorkerInit, WorkerReply, WorkerRequest } from './workerPool.js';
import { runUnit } from './workerUnits.js';

const init = workerData as WorkerInit;
const port = parentPort!;
const flags = new Int32Array(init.stop);
const prepared = prepareRun(init.source, init.options.kernel, init.options.params);

port.on('message', async (req: WorkerRequest) => {
  const reply = (m: WorkerReply): void => port.postMessage(m);
  try {
    if (!prepared.ok) throw new Error(prepared.error.message);
    const result = await runUnit(prepared.value, req.unit, req.context, {
      shouldStop: () => Atomics.load(flags, init.slot) !== 0,
      onChunk: (executions, steps) => reply({ kind: 'progress', executions, steps }),
    });
    reply({ kind: 'done', result });
  } catch (e) {
    reply({ kind: 'error', message: (e as Error).stack ?? String(e) });
  }
});
