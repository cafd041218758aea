/** Plain-text tables of the bench's sections, and the issue's targets as ratios. */
import type { BugRow } from './bugs.js';
import type { BenchConfig } from './config.js';
import type { ClassCount, ExhaustiveResult, ExhaustiveRow } from './exhaustive.js';
import type { MemoryRow } from './memory.js';
import type { ThroughputResult } from './throughput.js';
import type { TraceRow } from './traces.js';

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const fmt = (n: number | undefined, digits = 0): string =>
  n === undefined
    ? '-'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Section 1. */
export function throughputTable(t: ThroughputResult): string {
  const rows = [t.baseline, ...t.rates].map((r) => [
    r.name,
    String(r.workers),
    fmt(r.executions),
    fmt(r.executionsPerSecond),
    r.steadyExecutionsPerSecond === undefined ? '-' : fmt(r.steadyExecutionsPerSecond),
    fmt(r.stepsPerSecond),
    fmt(r.executions === 0 ? 0 : r.steps / r.executions, 1),
    r.modelStepsPerSecond === undefined ? '-' : fmt(r.modelStepsPerSecond),
    r.modelStepsPerSecond === undefined
      ? '-'
      : `${fmt(r.modelStepsPerSecond / t.baseline.stepsPerSecond, 2)}x`,
    `${fmt(r.ratio, 2)}x`,
  ]);
  const head = [
    'run',
    'workers',
    'executions',
    'exec/s',
    'after 1 s',
    'steps/s',
    'steps/exec',
    'model steps/s',
    'vs awaits/s',
    'vs fast-check',
  ];
  return `\n1. Throughput on doc-counter\n${table(head, rows)}\n`;
}

const ratio = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || b === 0 ? '-' : (a / b).toFixed(2);

/** Section 2. */
export function traceTable(rows: readonly TraceRow[]): string {
  const enumerable = rows.filter((r) => r.traces !== undefined);
  const body = enumerable.map((r) => [
    r.scenario,
    Object.entries(r.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(',') || '-',
    fmt(r.naive),
    fmt(r.traces),
    `${fmt(r.dpor)} (+${fmt(r.dporAbandoned)})`,
    `${fmt(r.split)} (+${fmt(r.splitAbandoned)})/${fmt(r.subtrees)}`,
    ratio(r.dpor, r.traces),
    ratio(r.split, r.traces),
    ratio(r.naive, r.traces),
  ]);
  const skipped = rows.filter((r) => r.traces === undefined).map((r) => r.scenario);
  return `\n2. Reduced search vs naive enumeration vs Mazurkiewicz traces (smallest parameters)\n${table(
    [
      'scenario',
      'params',
      'naive',
      'traces',
      'dpor (+abandoned)',
      'split dpor (+ab.)/subtrees',
      'dpor/traces',
      'split/traces',
      'naive/traces',
    ],
    body,
  )}\nnot enumerable within the cap: ${skipped.join(', ') || 'none'}\n`;
}

/** Section 3. */
export function bugTable(rows: readonly BugRow[], cfg: BenchConfig): string {
  const body = rows.map((r) => [
    r.scenario,
    r.strategy,
    `${r.found}/${r.runs}`,
    fmt(r.medianMs, 1),
    fmt(r.maxMs, 1),
    fmt(r.medianExecutions),
  ]);
  return `\n3. Time to the first violation (ms; budget ${cfg.bugSeconds} s or ${cfg.bugRuns} executions per search)\n${table(
    ['scenario', 'strategy', 'found', 'median ms', 'max ms', 'median execs'],
    body,
  )}\n`;
}

/** Section 4. */
export function memoryTable(rows: readonly MemoryRow[]): string {
  const body = rows.map((r) => [
    r.scenario,
    Object.entries(r.params)
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
    r.isFinished ? 'yes' : 'no',
    fmt(r.executions),
    fmt(r.maxDepth),
    fmt(r.peakMb, 2),
  ]);
  return `\n4. Exhaustive search (DPOR) memory: retained heap above the start, sampled after a full GC\n${table(
    ['scenario', 'params', 'finished', 'executions', 'max depth', 'peak MB'],
    body,
  )}\n`;
}

/** The targets of issue #6 as ratios, with what stands in the way of each missed one. */
export function targetsOf(
  t: ThroughputResult,
  traces: readonly TraceRow[],
  memory: readonly MemoryRow[],
): { text: string; values: Record<string, unknown> } {
  const random = t.rates.filter((r) => r.name.endsWith('random'));
  const best = random.reduce((a, b) => (b.executionsPerSecond > a.executionsPerSecond ? b : a));
  const oneWorker = random.find((r) => r.workers === 1)!;
  const bound = t.rates.find((r) => r.name.endsWith('(bound)'));
  const stepRatio = oneWorker.stepsPerSecond / t.baseline.stepsPerSecond;
  const modelPerExecution =
    oneWorker.modelStepsPerSecond === undefined
      ? oneWorker.steps / oneWorker.executions
      : oneWorker.modelStepsPerSecond / oneWorker.executionsPerSecond;
  const enumerable = traces.filter((r) => r.traces !== undefined && r.dpor !== undefined);
  const dporRatios = enumerable.map((r) => r.dpor! / r.traces!);
  const splitRatios = enumerable.filter((r) => r.split !== undefined).map((r) => r.split! / r.traces!);
  const isOptimal = dporRatios.every((x) => Math.abs(x - 1) < 1e-9);
  const isSplitOptimal = splitRatios.every((x) => Math.abs(x - 1) < 1e-9);
  const finished = memory.filter((m) => m.isFinished);
  const largest = finished.reduce<MemoryRow | undefined>(
    (a, b) => (a === undefined || b.executions > a.executions ? b : a),
    undefined,
  );
  // Flatness is judged on the longest run, finished or not: its retained heap
  // in the second half of the run against the first half.
  const longest = memory.reduce<MemoryRow | undefined>(
    (a, b) => (a === undefined || b.executions > a.executions ? b : a),
    undefined,
  );
  const half = longest === undefined ? [] : longest.samples.filter(([n]) => n >= longest.executions / 2);
  const early =
    longest === undefined ? [] : longest.samples.filter(([n]) => n < longest.executions / 2 && n >= 16);
  const lateMb = Math.max(0, ...half.map(([, mb]) => mb));
  const earlyMb = Math.max(0, ...early.map(([, mb]) => mb));
  const isFlat = longest !== undefined && lateMb <= earlyMb * 1.5 + 1;
  const pct = t.rates.filter((r) => r.name.endsWith('pct'));
  const speedups = [random, pct].map((rs) => {
    const one = rs.find((r) => r.workers === 1);
    const many = rs.find((r) => r.workers > 1);
    return one && many ? many.executionsPerSecond / one.executionsPerSecond : undefined;
  });
  // The same, start-up excluded: rates after the first second of each run.
  const steadySpeedups = [random, pct].map((rs) => {
    const one = rs.find((r) => r.workers === 1)?.steadyExecutionsPerSecond;
    const many = rs.find((r) => r.workers > 1)?.steadyExecutionsPerSecond;
    return one !== undefined && many !== undefined ? many / one : undefined;
  });
  const values = {
    randomVsFastCheck: best.ratio,
    randomVsFastCheckOneWorker: oneWorker.ratio,
    randomStepsVsFastCheckStepsOneWorker: stepRatio,
    isRandomTargetMet: best.ratio >= 10,
    dporOverTraces: dporRatios,
    splitDporOverTraces: splitRatios,
    isDporOptimal: isOptimal,
    isSplitDporOptimal: isSplitOptimal,
    memoryLargestFinished:
      largest === undefined
        ? undefined
        : {
            scenario: largest.scenario,
            params: largest.params,
            executions: largest.executions,
            maxDepth: largest.maxDepth,
            peakMb: largest.peakMb,
          },
    memoryLongest:
      longest === undefined
        ? undefined
        : {
            scenario: longest.scenario,
            executions: longest.executions,
            maxDepth: longest.maxDepth,
            firstHalfMb: earlyMb,
            secondHalfMb: lateMb,
          },
    isMemoryFlat: isFlat,
    workerSpeedup: { random: speedups[0], pct: speedups[1] },
    workerSpeedupAfterStartUp: { random: steadySpeedups[0], pct: steadySpeedups[1] },
  };
  const lines = [
    '\nTargets',
    `- random walk vs fast-check: ${best.ratio.toFixed(2)}x executions/s on ${best.workers} worker(s) (${oneWorker.ratio.toFixed(2)}x on 1; per step ${stepRatio.toFixed(2)}x); target >= 10x: ${best.ratio >= 10 ? 'MET' : 'MISSED'}`,
  ];
  if (best.ratio < 10) {
    lines.push(
      `  what stands in the way: one cgrpcheck execution is ${modelPerExecution.toFixed(0)} steps of the kernel model (RCU, busy counter, bucket and owner locks, the BPF interpreter; ${(oneWorker.steps / oneWorker.executions).toFixed(0)} scheduling decisions, atomic blocks run the rest) with every invariant checked after every step; the baseline's is ${(t.baseline.steps / t.baseline.executions).toFixed(0)} awaits on plain JS objects. Per step cgrpcheck runs ${stepRatio.toFixed(2)}x fast-check's rate; 10x executions/s would need the model's step to cost ${((10 * t.baseline.executionsPerSecond * oneWorker.steps) / oneWorker.executions / 1e6).toFixed(1)} M steps/s per core.${bound === undefined ? '' : ` With every check switched off the walk still runs only ${fmt(bound.executionsPerSecond)} exec/s (${bound.ratio.toFixed(2)}x): the model's steps alone are out of reach of the target, so cheaper checks cannot close the gap.`}`,
    );
  }
  lines.push(
    `- reduced search explored/Mazurkiewicz: plain DPOR [${dporRatios.map((x) => x.toFixed(2)).join(', ')}], split DPOR [${splitRatios.map((x) => x.toFixed(2)).join(', ')}] over ${enumerable.length} enumerable scenarios; target 1.00: ${isOptimal ? 'MET' : 'MISSED'} (split: ${isSplitOptimal ? 'MET' : 'MISSED'}); abandoned executions are listed separately`,
  );
  const below = enumerable
    .filter((r) => r.dpor! < r.traces!)
    .map((r) => `${r.scenario} ${fmt(r.dpor)}/${fmt(r.traces)}`);
  const above = enumerable
    .filter((r) => r.dpor! > r.traces!)
    .map((r) => `${r.scenario} ${fmt(r.dpor)}/${fmt(r.traces)}`);
  if (below.length > 0) {
    lines.push(
      `  what stands in the way: DPOR completes fewer executions than there are traces on ${below.join(', ')}: it misses traces, a soundness gap (a step whose footprint does not cover what enables it, or a scheduler bug), not extra work.`,
    );
  }
  if (above.length > 0) lines.push(`  DPOR explores more executions than traces on ${above.join(', ')}.`);
  if (largest !== undefined && longest !== undefined) {
    lines.push(
      `- exhaustive memory: the largest finished search (${largest.scenario}, ${fmt(largest.executions)} executions, depth ${largest.maxDepth}) peaks at ${largest.peakMb.toFixed(2)} MB retained; the longest (${longest.scenario}, ${fmt(longest.executions)} executions, depth ${longest.maxDepth}) holds ${earlyMb.toFixed(2)} MB in the first half of its run and ${lateMb.toFixed(2)} MB in the second; grows with depth, not executions: ${isFlat ? 'MET' : 'MISSED'}`,
    );
  }
  lines.push(
    `- worker speed-up (${t.rates.find((r) => r.workers > 1)?.workers ?? 1} workers): random ${speedups[0]?.toFixed(2) ?? '-'}x, pct ${speedups[1]?.toFixed(2) ?? '-'}x over whole runs; after the first second (thread start-up, JIT warm-up) random ${steadySpeedups[0]?.toFixed(2) ?? '-'}x, pct ${steadySpeedups[1]?.toFixed(2) ?? '-'}x`,
  );
  return { text: lines.join('\n'), values };
}

const paramsText = (p: Readonly<Record<string, number>>): string =>
  Object.entries(p)
    .map(([k, v]) => `${k}=${v}`)
    .join(',') || '-';

function exhaustiveRows(rows: readonly ExhaustiveRow[]): string[][] {
  return rows.map((r) => [
    r.scenario,
    paramsText(r.params),
    r.verdict,
    r.complete
      ? 'yes'
      : r.verdict !== 'pass'
        ? 'stopped at it'
        : `no (${fmt(r.budgetSeconds, 1)} s budget; ~${fmt(r.estimated)} estimated)`,
    fmt(r.executions),
    fmt(r.abandoned),
    fmt(r.seconds, 1),
    r.symmetry.length === 0 ? '-' : r.symmetry.join('; '),
  ]);
}

/** Section 5: DPOR runs on one worker, and the classes of each completed pass four ways. */
export function exhaustiveTable(x: ExhaustiveResult): string {
  const head = ['scenario', 'params', 'verdict', 'complete', 'executions', 'abandoned', 's', 'symmetry'];
  const count = (c: ClassCount | undefined): string =>
    c === undefined ? 'n/a' : `${fmt(c.classes)} (${fmt(c.seconds, 1)} s)`;
  const classRows = x.classes.map((c) => [
    c.scenario,
    paramsText(c.params),
    count(c.mazurkiewicz),
    count(c.coarser),
    count(c.atomicBlocks),
    count(c.symmetry),
  ]);
  return [
    '\n5. Exhaustive search (DPOR, 1 worker, atomic blocks and symmetry on)',
    table(head, exhaustiveRows(x.targets)),
    '\nEvery catalogue entry at its smallest parameters',
    table(head, exhaustiveRows(x.catalogue)),
    '\nClasses of each completed pass, by one unsplit DPOR search (complete executions less abandoned; - = not complete within twice the budget)',
    table(['scenario', 'params', 'Mazurkiewicz', 'coarser', 'atomic blocks', '+ symmetry'], classRows),
    '',
  ].join('\n');
}

const TARGET_SECONDS: Readonly<Record<string, number>> = {
  'doc-counter cpus=2,iterations=1': 5,
  'doc-counter cpus=2,iterations=2': 60,
  'doc-counter cpus=3,iterations=1': 60,
};

/** The targets of issue #10 this bench measures, MET or MISSED, with the figures. */
export function reductionTargetsOf(
  t: ThroughputResult,
  x: ExhaustiveResult,
): { text: string; values: Record<string, unknown> } {
  const one = t.rates.find((r) => r.name.endsWith('random') && r.workers === 1)!;
  const modelRatio = (one.modelStepsPerSecond ?? 0) / t.baseline.stepsPerSecond;
  const lines = [
    '\nTargets of issue #10',
    `- random walk, 1 worker: model steps/s ${modelRatio.toFixed(2)}x the baseline's awaits/s (target >= 3x: ${modelRatio >= 3 ? 'MET' : 'MISSED'}); executions/s ${one.ratio.toFixed(2)}x (target >= 1x: ${one.ratio >= 1 ? 'MET' : 'MISSED'})`,
  ];
  const values: Record<string, unknown> = { modelStepsVsAwaits: modelRatio, executionsVsBaseline: one.ratio };
  for (const r of x.targets) {
    const key = `${r.scenario} ${paramsText(r.params)}`;
    const limit = TARGET_SECONDS[key];
    if (limit !== undefined) {
      const isMet = r.complete && r.seconds <= limit;
      const how = r.complete
        ? `complete in ${r.seconds.toFixed(1)} s`
        : `not complete within the ${r.budgetSeconds} s budget (BENCH_EXHAUSTIVE_SECONDS), ${fmt(r.executions)} executions`;
      lines.push(`- ${key}: ${how} (target <= ${limit} s: ${isMet ? 'MET' : 'MISSED'})`);
      values[key] = { complete: r.complete, seconds: r.seconds, executions: r.executions, isMet };
    } else if (r.verdict !== 'pass') {
      const isMet = r.executions <= 100;
      lines.push(
        `- ${key}: ${r.verdict} found at execution ${fmt(r.executions)} (target <= 100: ${isMet ? 'MET' : 'MISSED'})`,
      );
      values[key] = { verdict: r.verdict, executions: r.executions, isMet };
    } else {
      lines.push(
        `- ${key}: no violation within the ${r.budgetSeconds} s budget (${fmt(r.executions)} executions): MISSED`,
      );
      values[key] = { verdict: 'pass', executions: r.executions, isMet: false };
    }
  }
  const open = x.catalogue.filter((r) => r.verdict === 'pass' && !r.complete).map((r) => r.scenario);
  lines.push(
    `- catalogue at smallest parameters: ${x.catalogue.length - open.length} of ${x.catalogue.length} complete or stopped at their violation within ${x.catalogue[0]?.budgetSeconds ?? 0} s each; not complete: ${open.join(', ') || 'none'}`,
  );
  values.catalogueNotComplete = open;
  return { text: lines.join('\n'), values };
}
