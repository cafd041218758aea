/**
 * Section 5 (issue #10): exhaustive verification that finishes. DPOR on one
 * worker, each run under a wall-clock budget: the doc-counter sizes of the
 * issue's targets, the executions doc-counter-racy needs to its lost update,
 * and every catalogue entry at its smallest parameters (the engine's run, as
 * `cgrpcheck check --strategy dpor --workers 1` makes it: split into
 * subtrees); then, for every pass that completed, its classes counted by one
 * unsplit DPOR search four ways: Mazurkiewicz traces (no atomic blocks, no
 * symmetry), the coarser equivalence (when the search has one), with atomic
 * blocks, and with atomic blocks and symmetry.
 */
import type { ScenarioInfo } from '../scenarios/engine/engine.js';
import { createDporStrategy } from '../scheduler/dpor.js';
import { explore } from '../scheduler/explore.js';
import type { BenchConfig } from './config.js';
import { benchOptions, prepareEntry, timedCheck } from './engineRun.js';

/** One exhaustive run. */
export interface ExhaustiveRow {
  readonly scenario: string;
  readonly params: Readonly<Record<string, number>>;
  readonly verdict: string;
  readonly complete: boolean;
  readonly executions: number;
  /** Executions the search gave up (not classes). */
  readonly abandoned: number;
  readonly seconds: number;
  readonly budgetSeconds: number;
  /** Classes of interchangeable CPUs the run used (empty: none). */
  readonly symmetry: readonly string[];
  /** The search's estimate of its executions in all (Knuth's estimator over the branching seen), when it gives one. */
  readonly estimated: number | undefined;
}

/** Classes one search explored, and its seconds (classes undefined: not complete within the budget). */
export interface ClassCount {
  readonly classes: number | undefined;
  readonly seconds: number;
}

/** Classes of one completed entry, counted four ways. */
export interface ClassRow {
  readonly scenario: string;
  readonly params: Readonly<Record<string, number>>;
  readonly mazurkiewicz: ClassCount;
  /** The coarser equivalence of issue #10 item 2: none in this search yet. */
  readonly coarser: ClassCount | undefined;
  readonly atomicBlocks: ClassCount;
  readonly symmetry: ClassCount;
}

/** The section's figures. */
export interface ExhaustiveResult {
  readonly targets: readonly ExhaustiveRow[];
  readonly catalogue: readonly ExhaustiveRow[];
  readonly classes: readonly ClassRow[];
}

const UNBOUNDED = Number.MAX_SAFE_INTEGER;

interface Variant {
  readonly isAtomicBlocks: boolean;
  readonly symmetry: boolean;
}

const FULL: Variant = { isAtomicBlocks: true, symmetry: true };

async function runDpor(
  cfg: BenchConfig,
  scenario: string,
  params: Readonly<Record<string, number>>,
  seconds: number,
  variant: Variant = FULL,
): Promise<ExhaustiveRow> {
  const run = prepareEntry(scenario, params, { isAtomicBlocks: variant.isAtomicBlocks });
  const options = { ...benchOptions('dpor', cfg.seed, UNBOUNDED, 1, params), symmetry: variant.symmetry };
  const t = await timedCheck(run, options, seconds);
  const r = t.report;
  return {
    scenario,
    params,
    verdict: r.violation?.invariant ?? 'pass',
    complete: r.complete,
    executions: r.stats.executions,
    abandoned: r.stats.abandoned,
    seconds: t.ms / 1000,
    budgetSeconds: seconds,
    symmetry: r.symmetry ?? [],
    estimated:
      typeof r.strategyInfo?.estimatedExecutions === 'number'
        ? r.strategyInfo.estimatedExecutions
        : undefined,
  };
}

/**
 * Classes one unsplit DPOR search explores (its complete executions less those
 * it gave up), or undefined when it does not finish within `seconds`.
 */
function classesOfPlainDpor(
  scenario: string,
  params: Readonly<Record<string, number>>,
  seconds: number,
  variant: Variant,
): ClassCount {
  const run = prepareEntry(scenario, params, { isAtomicBlocks: variant.isAtomicBlocks });
  const factory = variant.symmetry ? (run.symmetricFactory ?? run.factory) : run.factory;
  const start = performance.now();
  const r = explore(factory, createDporStrategy(), {
    maxExecutions: UNBOUNDED,
    shouldStop: () => performance.now() - start > seconds * 1000,
  });
  const classes = r.complete && r.status === 'passed' ? r.executions - r.abandoned : undefined;
  return { classes, seconds: (performance.now() - start) / 1000 };
}

/** The targets: doc-counter at three sizes, doc-counter-racy to its first violation. */
const TARGETS: readonly [string, Readonly<Record<string, number>>][] = [
  ['doc-counter', { cpus: 2, iterations: 1 }],
  ['doc-counter', { cpus: 2, iterations: 2 }],
  ['doc-counter', { cpus: 3, iterations: 1 }],
  ['doc-counter-racy', { cpus: 2, iterations: 1 }],
];

/**
 * Passes beyond the smallest parameters for the class table: the smallest
 * catalogue size with interchangeable CPUs that DPOR completes in seconds.
 */
const CLASS_EXTRAS: readonly [string, Readonly<Record<string, number>>][] = [
  ['null-on-absent', { cpus: 2, iterations: 1 }],
];

/** Runs the section: targets, catalogue, then the class table of whatever completed. */
export async function measureExhaustive(
  entries: readonly ScenarioInfo[],
  cfg: BenchConfig,
  log: (line: string) => void,
): Promise<ExhaustiveResult> {
  const targets: ExhaustiveRow[] = [];
  for (const [name, params] of TARGETS) {
    targets.push(await runDpor(cfg, name, params, cfg.exhaustiveSeconds));
    log(`  ${name} ${JSON.stringify(params)}: ${targets.at(-1)!.seconds.toFixed(1)} s`);
  }
  const catalogue: ExhaustiveRow[] = [];
  for (const e of entries) {
    const params = Object.fromEntries(e.params.map((p) => [p.name, p.min]));
    catalogue.push(await runDpor(cfg, e.name, params, cfg.catalogueSeconds));
  }
  const classes: ClassRow[] = [];
  const completed = [...targets, ...catalogue].filter((r) => r.complete && r.verdict === 'pass');
  const rows: [string, Readonly<Record<string, number>>, number][] = [
    ...completed.map((r): [string, Readonly<Record<string, number>>, number] => [
      r.scenario,
      r.params,
      r.budgetSeconds,
    ]),
    ...CLASS_EXTRAS.map(([n, p]): [string, Readonly<Record<string, number>>, number] => [
      n,
      p,
      cfg.exhaustiveSeconds,
    ]),
  ];
  for (const [scenario, params, seconds] of rows) {
    // Without a reduction the same space takes longer: twice the budget, within BENCH_CLASS_SECONDS.
    const count = (v: Variant) =>
      classesOfPlainDpor(scenario, params, Math.min(2 * seconds, cfg.classSeconds), v);
    classes.push({
      scenario,
      params,
      mazurkiewicz: count({ isAtomicBlocks: false, symmetry: false }),
      coarser: undefined,
      atomicBlocks: count({ isAtomicBlocks: true, symmetry: false }),
      symmetry: count(FULL),
    });
  }
  return { targets, catalogue, classes };
}
