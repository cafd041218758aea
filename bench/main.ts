/**
 * `npm run bench`: the four measurements of issue #6 in one run, printed as
 * tables with their ratios and written to bench/results/bench.json. Sizes come
 * from bench/config.ts (environment overrides). The bench, like the cli, may
 * read the clock; the checker never does.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { catalogueSources } from '../scenarios/engine/load.js';
import { tuneHeapForExecutions } from '../scenarios/workers/heapTuning.js';
import { measureBugs } from './bugs.js';
import { readConfig } from './config.js';
import { measureExhaustive } from './exhaustive.js';
import { measureMemory } from './memory.js';
import {
  bugTable,
  exhaustiveTable,
  memoryTable,
  reductionTargetsOf,
  targetsOf,
  throughputTable,
  traceTable,
} from './report.js';
import { measureThroughput } from './throughput.js';
import { measureTraces } from './traces.js';

async function main(): Promise<void> {
  tuneHeapForExecutions(); // the baseline runs in this process too, under the same setting
  const cfg = readConfig();
  const started = performance.now();
  const entries = catalogueSources().map((s) => s.info);
  const log = (text: string): void => {
    process.stdout.write(`${text}\n`);
  };
  const section = async <T>(title: string, run: () => T | Promise<T>): Promise<T> => {
    const t = performance.now();
    const out = await run();
    log(`[${title}: ${((performance.now() - t) / 1000).toFixed(1)} s]`);
    return out;
  };
  log(
    `cgrpcheck bench: doc-counter ${cfg.cpus} CPUs x ${cfg.iterations} runs, ${cfg.workers} workers, seed ${cfg.seed}\n`,
  );
  const throughput = await section('throughput', () => measureThroughput(cfg));
  log(throughputTable(throughput));
  const traces = await section('traces', () => measureTraces(entries, cfg));
  log(traceTable(traces));
  const bugs = await section('bugs', () => measureBugs(entries, cfg));
  log(bugTable(bugs, cfg));
  const memory = await section('memory', () => measureMemory(cfg));
  log(memoryTable(memory));
  const exhaustive = await section('exhaustive', () => measureExhaustive(entries, cfg, log));
  log(exhaustiveTable(exhaustive));
  const targets = targetsOf(throughput, traces, memory);
  log(targets.text);
  const reduction = reductionTargetsOf(throughput, exhaustive);
  log(reduction.text);
  const totalSeconds = (performance.now() - started) / 1000;
  log(`\nbench finished in ${totalSeconds.toFixed(1)} s`);
  mkdirSync(dirname(cfg.out), { recursive: true });
  const json = {
    config: cfg,
    node: process.version,
    totalSeconds,
    throughput,
    traces,
    bugs,
    memory,
    exhaustive,
    targets: targets.values,
    reductionTargets: reduction.values,
  };
  writeFileSync(cfg.out, `${JSON.stringify(json, null, 2)}\n`);
  log(`wrote ${cfg.out}`);
}

await main();
