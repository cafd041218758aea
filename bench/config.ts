/**
 * Bench sizes: the defaults, each overridable by an environment
 * variable (BENCH_<NAME>) so a quick run or a bigger machine can change them.
 */
import { availableParallelism } from 'node:os';

/** Every size the bench uses. */
export interface BenchConfig {
  readonly cpus: number;
  readonly iterations: number;
  /** Seconds each throughput window runs. */
  readonly throughputSeconds: number;
  /** Windows per throughput figure; the best counts (a shared host only ever slows one down). */
  readonly throughputRepeats: number;
  readonly workers: number;
  /** Naive executions beyond which a scenario counts as too large to enumerate. */
  readonly enumerateCap: number;
  /** Seconds an enumeration attempt may take. */
  readonly enumerateSeconds: number;
  readonly seeds: number;
  /** Seconds one search for a bug may take before it counts as not found. */
  readonly bugSeconds: number;
  /** Executions one search for a bug may take. */
  readonly bugRuns: number;
  /** Seconds the exhaustive search may take per memory candidate. */
  readonly memorySeconds: number;
  /** Seconds each DPOR run of the exhaustive section's doc-counter targets may take. */
  readonly exhaustiveSeconds: number;
  /** Seconds each catalogue entry's DPOR run may take in the exhaustive section. */
  readonly catalogueSeconds: number;
  /** At most this many seconds for each class count of the class table. */
  readonly classSeconds: number;
  readonly seed: string;
  readonly out: string;
}

function num(name: string, fallback: number): number {
  const raw = process.env[`BENCH_${name}`];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`BENCH_${name} must be a positive number, got '${raw}'`);
  return v;
}

/** Reads the configuration from the environment. */
export function readConfig(): BenchConfig {
  return {
    cpus: num('CPUS', 4),
    iterations: num('ITERATIONS', 8),
    throughputSeconds: num('THROUGHPUT_SECONDS', 4),
    throughputRepeats: num('THROUGHPUT_REPEATS', 3),
    workers: num('WORKERS', availableParallelism()),
    // 20,000 takes in prealloc-before-attach (16,227 interleavings), whose missed traces
    // a cap of 10,000 hid (scheduler/happensBefore.ts).
    enumerateCap: num('ENUMERATE_CAP', 20_000),
    enumerateSeconds: num('ENUMERATE_SECONDS', 6),
    seeds: num('SEEDS', 20),
    bugSeconds: num('BUG_SECONDS', 2),
    bugRuns: num('BUG_RUNS', 20_000),
    memorySeconds: num('MEMORY_SECONDS', 20),
    // The budget; doc-counter 3x1, the longest, completes in about 22 s.
    exhaustiveSeconds: num('EXHAUSTIVE_SECONDS', 60),
    catalogueSeconds: num('CATALOGUE_SECONDS', 60),
    classSeconds: num('CLASS_SECONDS', 15),
    seed: process.env.BENCH_SEED ?? 'bench',
    out: process.env.BENCH_OUT ?? 'bench/results/bench.json',
  };
}
