/**
 * Section 1: executions/s and steps/s of random walk and PCT on doc-counter
 * (cpus × iterations), on one worker and on all of them, against the
 * fast-check baseline of the same counter; the ratios. Every figure is the
 * best of `throughputRepeats` windows of `throughputSeconds`.
 */
import { explore } from '../scheduler/explore.js';
import { withoutChecks } from '../scheduler/mazurkiewicz.js';
import { createRandomStrategy } from '../scheduler/random.js';
import type { ExecutionFactory } from '../scheduler/task.js';
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
  /**
   * Model steps (kernel steps, those inside atomic blocks too) per second, on
   * one worker; `steps` counts scheduling decisions, an atomic block as one.
   */
  readonly modelStepsPerSecond?: number;
}

/** The section's figures. */
export interface ThroughputResult {
  readonly baseline: Rate;
  readonly rates: readonly Rate[];
}

const UNBOUNDED = Number.MAX_SAFE_INTEGER;

/** The best of `cfg.throughputRepeats` windows: host noise only ever slows a window down. */
async function bestOf<T extends { readonly executionsPerSecond: number }>(
  cfg: BenchConfig,
  measure: () => Promise<T> | T,
): Promise<T> {
  let best: T | undefined;
  for (let i = 0; i < cfg.throughputRepeats; i++) {
    const r = await measure();
    if (best === undefined || r.executionsPerSecond > best.executionsPerSecond) best = r;
  }
  return best!;
}

/**
 * Runs `batch` (a batch of executions, returning their totals) again and again
 * for one window of `cfg.throughputSeconds`; the window's rates, on one thread.
 */
async function window(
  cfg: BenchConfig,
  name: string,
  batch: (
    i: number,
  ) => Promise<{ executions: number; steps: number }> | { executions: number; steps: number },
): Promise<Omit<Rate, 'ratio'>> {
  const start = performance.now();
  let executions = 0;
  let steps = 0;
  for (let i = 0; performance.now() - start < cfg.throughputSeconds * 1000; i++) {
    const r = await batch(i);
    executions += r.executions;
    steps += r.steps;
  }
  const seconds = (performance.now() - start) / 1000;
  const perSecond = { executionsPerSecond: executions / seconds, stepsPerSecond: steps / seconds };
  return { name, workers: 1, executions, steps, seconds, ...perSecond };
}

function baselineWindow(cfg: BenchConfig): Promise<Omit<Rate, 'ratio'>> {
  const size = { cpus: cfg.cpus, iterations: cfg.iterations };
  return window(cfg, 'fast-check fc.scheduler()', async (i) => {
    const r = await runBaseline(size, 100, i + 1);
    if (!r.isPassed) throw new Error('the fast-check baseline of a correct counter failed');
    return r;
  });
}

/**
 * The random walk on one thread with every invariant and goal switched off: a
 * bound on what making the checks cheaper could buy (model steps and
 * scheduling only).
 */
function measureUncheckedWalk(cfg: BenchConfig, baselinePerSecond: number): Promise<Rate> {
  const params = { cpus: cfg.cpus, iterations: cfg.iterations };
  const f = withoutChecks(prepareEntry('doc-counter', params).factory);
  explore(f, createRandomStrategy(cfg.seed), { maxExecutions: 200 }); // warm-up
  return bestOf(cfg, () => uncheckedWindow(cfg, f, baselinePerSecond));
}

async function uncheckedWindow(
  cfg: BenchConfig,
  f: ExecutionFactory,
  baselinePerSecond: number,
): Promise<Rate> {
  const r = await window(cfg, 'cgrpcheck random, checks off (bound)', (i) =>
    explore(f, createRandomStrategy(cfg.seed), { maxExecutions: 64, firstExecution: i * 64 }),
  );
  return { ...r, ratio: r.executionsPerSecond / baselinePerSecond };
}

/** The best of two interleaved series of windows: `a`, `b`, `a`, `b`, ... */
async function bestOfInterleaved<
  A extends { readonly executionsPerSecond: number },
  B extends { readonly executionsPerSecond: number },
>(cfg: BenchConfig, a: () => Promise<A> | A, b: () => Promise<B> | B): Promise<[A, B]> {
  let bestA: A | undefined;
  let bestB: B | undefined;
  for (let i = 0; i < cfg.throughputRepeats; i++) {
    const ra = await a();
    if (bestA === undefined || ra.executionsPerSecond > bestA.executionsPerSecond) bestA = ra;
    const rb = await b();
    if (bestB === undefined || rb.executionsPerSecond > bestB.executionsPerSecond) bestB = rb;
  }
  return [bestA!, bestB!];
}

/** One window of cgrpcheck's check on doc-counter; the ratio is added once the baseline is known. */
function checkWindow(
  cfg: BenchConfig,
  strategy: 'random' | 'pct',
  workers: number,
): () => Promise<Omit<Rate, 'ratio'>> {
  const params = { cpus: cfg.cpus, iterations: cfg.iterations };
  // Counted on this thread only: with 1 worker every model step runs here.
  const modelSteps = { count: 0 };
  const run = prepareEntry('doc-counter', params, workers === 1 ? { modelSteps } : {});
  const options = benchOptions(strategy, cfg.seed, UNBOUNDED, workers, params);
  return async () => {
    modelSteps.count = 0;
    const t = await timedCheck(run, options, cfg.throughputSeconds);
    if (t.report.verdict !== 'pass') throw new Error(`doc-counter failed under ${strategy}`);
    const seconds = t.ms / 1000;
    return {
      name: `cgrpcheck ${strategy}`,
      workers,
      executions: t.report.stats.executions,
      steps: t.report.stats.steps,
      seconds,
      executionsPerSecond: t.report.stats.executions / seconds,
      stepsPerSecond: t.report.stats.steps / seconds,
      ...(t.steadyPerSecond === undefined ? {} : { steadyExecutionsPerSecond: t.steadyPerSecond }),
      ...(workers === 1 ? { modelStepsPerSecond: modelSteps.count / seconds } : {}),
    };
  };
}

/**
 * Measures the baseline and random on 1 worker in alternating windows (the
 * issue's targets compare these two, and a host that slows down for a while
 * then slows both), then PCT, and both on `cfg.workers` workers.
 */
export async function measureThroughput(cfg: BenchConfig): Promise<ThroughputResult> {
  await runBaseline({ cpus: cfg.cpus, iterations: cfg.iterations }, 50, 1); // warm-up
  const [base, random1] = await bestOfInterleaved(
    cfg,
    () => baselineWindow(cfg),
    checkWindow(cfg, 'random', 1),
  );
  const baseline: Rate = { ...base, ratio: 1 };
  const withRatio = (r: Omit<Rate, 'ratio'>): Rate => ({
    ...r,
    ratio: r.executionsPerSecond / baseline.executionsPerSecond,
  });
  const rates: Rate[] = [withRatio(random1)];
  const workerCounts = cfg.workers > 1 ? [1, cfg.workers] : [1];
  for (const strategy of ['random', 'pct'] as const) {
    for (const workers of workerCounts) {
      if (strategy === 'random' && workers === 1) continue;
      rates.push(withRatio(await bestOf(cfg, checkWindow(cfg, strategy, workers))));
    }
  }
  rates.push(await measureUncheckedWalk(cfg, baseline.executionsPerSecond));
  return { baseline, rates };
}
