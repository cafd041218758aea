/**
 * Section 1: executions/s and steps/s of random walk and PCT on doc-counter
 * (cpus × iterations), on one worker and on all of them, against the
 * fast-check baseline of the same counter; the ratios.
 */
import { explore } from '../scheduler/explore.js';
import { withoutChecks } from '../scheduler/mazurkiewicz.js';
import { createRandomStrategy } from '../scheduler/random.js';
import { runBaseline } from './baseline.js';
import type { BenchConfig } from './config.js';
import { benchOptions, prepareEntry, timedCheck } from './engineRun.js';

/** One throughput figure. */
export interface Rate {
  readonly name: string;
  readonly workers: number;
  readonly executions: number;
  readonly steps: number;
  readonly seconds: number;
  readonly executionsPerSecond: number;
  readonly stepsPerSecond: number;
  /** executions/s over the baseline's. */
  readonly ratio: number;
  /** executions/s after the first second (start-up excluded), when measured. */
  readonly steadyExecutionsPerSecond?: number;
}

/** The section's figures. */
export interface ThroughputResult {
  readonly baseline: Rate;
  readonly rates: readonly Rate[];
}

const UNBOUNDED = Number.MAX_SAFE_INTEGER;

async function measureBaseline(cfg: BenchConfig): Promise<Omit<Rate, 'ratio'>> {
  const size = { cpus: cfg.cpus, iterations: cfg.iterations };
  await runBaseline(size, 50, 1); // warm-up
  const start = performance.now();
  let executions = 0;
  let steps = 0;
  for (let seed = 1; performance.now() - start < cfg.throughputSeconds * 1000; seed++) {
    const r = await runBaseline(size, 100, seed);
    if (!r.isPassed) throw new Error('the fast-check baseline of a correct counter failed');
    executions += r.executions;
    steps += r.steps;
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    name: 'fast-check fc.scheduler()',
    workers: 1,
    executions,
    steps,
    seconds,
    executionsPerSecond: executions / seconds,
    stepsPerSecond: steps / seconds,
  };
}

/**
 * The random walk on one thread with every invariant and goal switched off: a
 * bound on what making the checks cheaper could buy (model steps and
 * scheduling only).
 */
function measureUncheckedWalk(cfg: BenchConfig, baselinePerSecond: number): Rate {
  const params = { cpus: cfg.cpus, iterations: cfg.iterations };
  const f = withoutChecks(prepareEntry('doc-counter', params).factory);
  explore(f, createRandomStrategy(cfg.seed), { maxExecutions: 200 }); // warm-up
  const start = performance.now();
  let executions = 0;
  let steps = 0;
  for (let chunk = 0; performance.now() - start < cfg.throughputSeconds * 1000; chunk++) {
    const r = explore(f, createRandomStrategy(cfg.seed), { maxExecutions: 64, firstExecution: chunk * 64 });
    executions += r.executions;
    steps += r.steps;
  }
  const seconds = (performance.now() - start) / 1000;
  return {
    name: 'cgrpcheck random, checks off (bound)',
    workers: 1,
    executions,
    steps,
    seconds,
    executionsPerSecond: executions / seconds,
    stepsPerSecond: steps / seconds,
    ratio: executions / seconds / baselinePerSecond,
  };
}

/** Measures the baseline, then random and PCT on 1 and on `cfg.workers` workers. */
export async function measureThroughput(cfg: BenchConfig): Promise<ThroughputResult> {
  const params = { cpus: cfg.cpus, iterations: cfg.iterations };
  const base = await measureBaseline(cfg);
  const baseline: Rate = { ...base, ratio: 1 };
  const rates: Rate[] = [];
  const workerCounts = cfg.workers > 1 ? [1, cfg.workers] : [1];
  for (const strategy of ['random', 'pct'] as const) {
    for (const workers of workerCounts) {
      const run = prepareEntry('doc-counter', params);
      const t = await timedCheck(
        run,
        benchOptions(strategy, cfg.seed, UNBOUNDED, workers, params),
        cfg.throughputSeconds,
      );
      if (t.report.verdict !== 'pass') throw new Error(`doc-counter failed under ${strategy}`);
      const seconds = t.ms / 1000;
      const executionsPerSecond = t.report.stats.executions / seconds;
      rates.push({
        name: `cgrpcheck ${strategy}`,
        workers,
        executions: t.report.stats.executions,
        steps: t.report.stats.steps,
        seconds,
        executionsPerSecond,
        stepsPerSecond: t.report.stats.steps / seconds,
        ratio: executionsPerSecond / baseline.executionsPerSecond,
        ...(t.steadyPerSecond === undefined ? {} : { steadyExecutionsPerSecond: t.steadyPerSecond }),
      });
    }
  }
  rates.push(measureUncheckedWalk(cfg, baseline.executionsPerSecond));
  return { baseline, rates };
}
