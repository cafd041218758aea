/**
 * Parallel exploration and sharding: the report of a run does not depend on
 * how many workers explored it, and the merged reports of its shards equal the
 * unsharded report (verdict, counts, strategy facts, violation and token).
 * In-process "workers" run the very unit function the worker threads run; one
 * smoke test drives real worker_threads on the built dist/.
 */

import { describe, expect, it } from 'vitest';
import { runCheck } from '../../../scenarios/engine/check.js';
import type { RunOptions, StrategyName } from '../../../scenarios/engine/engine.js';
import { loadScenario } from '../../../scenarios/engine/load.js';
import { mergeReports } from '../../../scenarios/engine/merge.js';
import { prepareRun } from '../../../scenarios/engine/prepare.js';
import type { CheckReport } from '../../../scenarios/engine/result.js';
import { createInProcessExecutor } from '../../../scenarios/workers/workerCommit.js';
import { decodeCounts, encodeCounts } from '../../../scenarios/workers/workerLedger.js';
import { workerEntryPath } from '../../../scenarios/workers/workerPool.js';
import { fc, test } from '../../seededProp.js';

function options(strategy: StrategyName, runs: number, params: Record<string, number> = {}): RunOptions {
  return { strategy, seed: 'workers', runs, depth: 3, preemptions: 2, maxSteps: 10_000, params, workers: 1 };
}

/** Checks `name` with `slots` in-process workers (each with its own prepared run). */
async function checkWith(name: string, o: RunOptions, slots: number): Promise<CheckReport> {
  const source = loadScenario(name);
  if (!source.ok) throw new Error(source.error.message);
  const runs = Array.from({ length: slots }, () => {
    const r = prepareRun(source.value, o.kernel, o.params);
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  });
  const r = await runCheck(runs[0]!, { ...o, workers: slots }, {}, () =>
    createInProcessExecutor(runs, () => false),
  );
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** The unsharded report and the merge of its `count` shards. */
async function shardsMerged(name: string, o: RunOptions, count: number): Promise<[CheckReport, CheckReport]> {
  const whole = await checkWith(name, o, 1);
  const shards = await Promise.all(
    Array.from({ length: count }, (_, index) => checkWith(name, { ...o, shard: { index, count } }, 1)),
  );
  const merged = mergeReports([...shards].reverse());
  if (!merged.ok) throw new Error(merged.error.message);
  return [whole, merged.value];
}

const CASES: readonly [string, string, RunOptions][] = [
  ['random, pass (4 blocks)', 'doc-counter', options('random', 200)],
  ['random, violation', 'teardown-handshake-before', options('random', 300)],
  ['pct, violation', 'doc-counter-racy', options('pct', 300)],
  ['pct, pass', 'null-on-absent', options('pct', 150)],
  ['dpor, pass and complete', 'null-on-absent', options('dpor', 10_000, { cpus: 1, iterations: 1 })],
  ['dpor, violation deep in the split', 'busy-cross-task-before', options('dpor', 10_000)],
  ['dpor, capped inside a subtree', 'null-on-absent', options('dpor', 50, { cpus: 1, iterations: 1 })],
];

describe('workers', () => {
  it.each(CASES)('%s: 1, 2 and 3 workers give identical reports', async (_, name, o) => {
    const one = await checkWith(name, o, 1);
    expect(await checkWith(name, o, 2)).toEqual(one);
    expect(await checkWith(name, o, 3)).toEqual(one);
  });

  it('the violation is the lowest execution index and counts stop there', async () => {
    const r = await checkWith('teardown-handshake-before', options('random', 300), 2);
    expect(r.verdict).toBe('violation');
    expect(r.stats.executions).toBe(r.violation!.execution + 1);
  });

  it('dpor split over subtrees covers the whole space: complete, each trace once', async () => {
    // 4 traces (naive 145), none abandoned, as unsplit (test/scenarios/catalogue/dpor.test.ts).
    const r = await checkWith('busy-cross-task-after', options('dpor', 10_000), 2);
    expect([r.verdict, r.complete, r.stats.executions, r.stats.abandoned]).toEqual(['pass', true, 4, 0]);
  });

  it('bounded: complete within k preemptions when the bound cut the space, on 1 and 2 workers', async () => {
    const o = { ...options('bounded', 10_000, { cpus: 1, iterations: 1 }), preemptions: 0 };
    for (const slots of [1, 2]) {
      const r = await checkWith('doc-counter', o, slots);
      expect([r.verdict, r.complete, r.completeWithinPreemptions]).toEqual(['pass', false, 0]);
    }
    const capped = await checkWith('doc-counter', { ...o, runs: 2 }, 1);
    expect([capped.complete, capped.completeWithinPreemptions]).toEqual([false, undefined]);
  });

  it.each([
    ['a pass', 'doc-counter', options('random', 256)],
    // Units queued behind the violating one (two per thread) are cancelled.
    ['a violation', 'teardown-handshake-before', options('random', 300)],
  ] as const)('real worker threads (dist build) give the in-process report: %s', async (_, name, o) => {
    const entry = workerEntryPath();
    // `npm test` builds dist/ before running vitest; without the build this test fails.
    expect(entry).toBeDefined();
    if (entry === undefined) return;
    const source = loadScenario(name);
    if (!source.ok) throw new Error(source.error.message);
    const run = prepareRun(source.value, undefined, {});
    if (!run.ok) throw new Error(run.error.message);
    const threaded = await runCheck(run.value, { ...o, workers: 2 });
    expect(threaded).toEqual({ ok: true, value: await checkWith(name, o, 1) });
  });
});

describe('shards', () => {
  it.each(CASES.filter(([, , o]) => o.runs >= 100))(
    '%s: shards 0/2 + 1/2 merged equal the unsharded run',
    async (_, name, o) => {
      const [whole, merged] = await shardsMerged(name, o, 2);
      expect(merged).toEqual(whole);
    },
  );

  it('three shards merge to the unsharded run too (random, violation)', async () => {
    const [whole, merged] = await shardsMerged('teardown-handshake-before', options('random', 300), 3);
    expect(merged).toEqual(whole);
  });

  test.prop([fc.array(fc.nat({ max: 2 ** 40 }), { maxLength: 50 })])('ledger counts round-trip', (counts) => {
    expect(decodeCounts(encodeCounts(counts))).toEqual(counts);
  });
});
