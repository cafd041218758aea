/** `cgrpcheck merge <report.json ...>`: one verdict from the JSON reports of shards. */
import { resolve } from 'node:path';
import type { Engine } from '../../scenarios/engine/engine.js';
import { judgeReport } from '../../scenarios/engine/expectation.js';
import type { CheckReport } from '../../scenarios/engine/result.js';
import { hasFlag, type ParsedArgs } from '../argv.js';
import type { CliIo } from '../io.js';
import type { StopReason } from '../outcome.js';
import { UsageError } from '../usageError.js';
import { emitOutcome, refuseInputOverwrite, resolveOutputPlan } from './output.js';

interface ShardFile {
  readonly report: CheckReport;
  readonly stoppedBy?: StopReason;
}

/** Reads every report, lets the engine merge them, prints the merged verdict. */
export function runMerge(args: ParsedArgs, io: CliIo, engine: Engine): number {
  if (args.positionals.length === 0) throw new UsageError('merge: missing report files');
  const plan = resolveOutputPlan(args, io);
  const inputs = args.positionals.map((f) => ({ path: resolve(io.cwd, f), what: 'a report to merge' }));
  refuseInputOverwrite(io, '--out', plan.out, inputs, true);
  const shards = args.positionals.map((file) => readShard(file, io));
  const merged = engine.merge(shards.map((s) => s.report));
  if (!merged.ok) throw new UsageError(merged.error.message);
  const notes: string[] = [];
  let stoppedBy: StopReason | undefined;
  shards.forEach((s, i) => {
    if (s.stoppedBy === undefined) return;
    stoppedBy ??= s.stoppedBy;
    notes.push(
      `note: ${args.positionals[i]} was stopped early (${s.stoppedBy}); the merge covers only what it explored`,
    );
  });
  const judgement = judgeReport(merged.value, {
    isStrict: hasFlag(args, 'strict'),
    ...(stoppedBy ? { stoppedBy } : {}),
  });
  const outcome = {
    report: merged.value,
    isSeedFromClock: false,
    notes,
    judgement,
    ...(stoppedBy ? { stoppedBy } : {}),
  };
  return emitOutcome(io, plan, outcome, true);
}

/** Reads and shape-checks one JSON report as `--format json` wrote it. */
function readShard(file: string, io: CliIo): ShardFile {
  const path = resolve(io.cwd, file);
  const kind = io.statPath(path);
  if (kind === 'missing') throw new UsageError(`merge: no such file '${file}'`);
  if (kind === 'folder') throw new UsageError(`merge: '${file}' is a folder, not a report`);
  const read = io.readFile(path);
  if (!read.ok) throw new UsageError(`merge: cannot read '${file}': ${read.reason}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(read.value);
  } catch (e) {
    throw new UsageError(`merge: '${file}' is not JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const missing = missingField(parsed);
  if (missing !== undefined)
    throw new UsageError(`merge: '${file}' is not a cgrpcheck JSON report (${missing})`);
  // `expectation` is the cli's judgement of the shard, not part of the engine's report.
  const {
    stoppedBy,
    expectation: _judged,
    ...report
  } = parsed as CheckReport & {
    stoppedBy?: unknown;
    expectation?: unknown;
  };
  const reason = stoppedBy === 'interrupt' || stoppedBy === 'time-budget' ? stoppedBy : undefined;
  return { report: report as CheckReport, ...(reason ? { stoppedBy: reason } : {}) };
}

/** The first field a report lacks or has with the wrong type, or undefined when it looks whole. */
function missingField(x: unknown): string | undefined {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return 'not an object';
  const r = x as Record<string, unknown>;
  for (const key of ['scenario', 'kernel', 'strategy', 'seed']) {
    if (typeof r[key] !== 'string') return `'${key}' is not a string`;
  }
  if (r.verdict !== 'pass' && r.verdict !== 'violation') return `'verdict' is not "pass" or "violation"`;
  if (typeof r.complete !== 'boolean') return `'complete' is not a boolean`;
  if (typeof r.params !== 'object' || r.params === null) return `'params' is not an object`;
  if (!Array.isArray(r.unreached)) return `'unreached' is not an array`;
  const stats = r.stats as Record<string, unknown> | undefined;
  if (typeof stats !== 'object' || stats === null) return `'stats' is not an object`;
  for (const key of ['executions', 'steps', 'elapsedMs', 'abandoned']) {
    if (typeof stats[key] !== 'number') return `'stats.${key}' is not a number`;
  }
  if (r.verdict === 'violation' && (typeof r.violation !== 'object' || r.violation === null)) {
    return `'violation' is missing`;
  }
  return undefined;
}
