/**
 * `cgrpcheck test [FILE|DIR ...] [--catalogue]`: the suite runner. Checks every
 * scenario with its own strategy and budget, judges each against its `expect`,
 * keeps going after a failure, prints a line per scenario and a summary, and
 * writes JUnit, GitHub annotations and a step summary. Exit 0 only when every
 * scenario met its expectation; bad input anywhere is found before anything runs.
 */
import { relative, resolve } from 'node:path';
import type { Engine, LoadedScenario, RunOptions } from '../../scenarios/engine/engine.js';
import { judgeReport } from '../../scenarios/engine/expectation.js';
import { flagValue, hasFlag, type ParsedArgs } from '../argv.js';
import {
  DEFAULT_DEPTH,
  DEFAULT_MAX_STEPS,
  DEFAULT_PREEMPTIONS,
  DEFAULT_SUITE_RUNS,
  DEFAULT_SUITE_SEED,
  DEFAULT_SUITE_STRATEGY,
  DEFAULT_SUITE_WORKERS,
  GITHUB_MODES,
} from '../defaults.js';
import { renderJunitSuites } from '../format/junitSuite.js';
import type { CliIo } from '../io.js';
import { plural } from '../shell.js';
import { collectEntries, configFolder, type SuiteEntry } from '../suite/collect.js';
import { CONFIG_FILE_NAME, parseSuiteConfig, type SuiteConfig } from '../suite/config.js';
import { annotationLines, summaryMarkdown } from '../suite/github.js';
import { resultLine, summaryLine } from '../suite/lines.js';
import { locateResult } from '../suite/locateResult.js';
import type { SuiteResult } from '../suite/results.js';
import { totalsOf } from '../suite/results.js';
import { EXIT, UsageError } from '../usageError.js';
import {
  parseChoice,
  parsePositiveInt,
  parsePositiveSeconds,
  parseSeed,
  parseShard,
  STRATEGIES,
} from '../values.js';
import { type FileTarget, refuseInputOverwrite, resolveFileTarget } from './output.js';
import { withElapsed } from './report.js';

/** A validated `test` command line. */
interface TestRequest {
  readonly entries: readonly SuiteEntry[];
  readonly seed: string;
  readonly workers: number;
  readonly shard?: { readonly index: number; readonly count: number };
  readonly junit?: FileTarget;
  readonly isGithub: boolean;
  readonly isStrict: boolean;
  /** JSON files in the folders that are not scenarios (no `actors`, no scenario `$schema`). */
  readonly skipped: readonly string[];
}

/** Runs the suites and returns the exit code. */
export async function runTest(args: ParsedArgs, io: CliIo, engine: Engine): Promise<number> {
  const request = resolveTestRequest(args, io, engine);
  const loaded = request.entries.map((e) => loadEntry(e, engine));
  const settings = settingsLine(request);
  io.stdout(`cgrpcheck test: ${plural(loaded.length, 'scenario')}; ${settings}\n`);
  if (request.skipped.length > 0) {
    io.stdout(
      `not scenario files (no actors, no scenario $schema), skipped: ${request.skipped.join(', ')}\n`,
    );
  }
  const results = await runAll(request, loaded, io, engine);
  const totals = totalsOf(results);
  io.stdout(`${summaryLine(totals)}\n`);
  if (request.isGithub) emitGithub(io, results, totals, settings);
  if (request.junit) writeJunit(io, request, results);
  if (totals.errors > 0) return EXIT.usage;
  return totals.passed === totals.scenarios ? EXIT.pass : EXIT.violation;
}

function resolveTestRequest(args: ParsedArgs, io: CliIo, engine: Engine): TestRequest {
  const config = readConfig(args, io);
  const budgetRaw = flagValue(args, 'time-budget');
  const isStrict = hasFlag(args, 'strict') || config?.value.strict === true;
  const { entries, skipped } = collectEntries(
    io,
    engine.list().map((s) => s.name),
    {
      paths: args.positionals,
      isCatalogue: hasFlag(args, 'catalogue'),
      isStrict,
      ...(budgetRaw === undefined
        ? {}
        : { timeBudgetMs: parsePositiveSeconds('--time-budget', budgetRaw) * 1000 }),
      ...(config === undefined ? {} : { config }),
    },
  );
  const shardRaw = flagValue(args, 'shard');
  const shard = shardRaw === undefined ? undefined : parseShard(shardRaw);
  const seedRaw = flagValue(args, 'seed');
  const workersRaw = flagValue(args, 'workers');
  const junitRaw = flagValue(args, 'junit');
  const junit =
    junitRaw !== undefined
      ? resolveFileTarget(io, '--junit', junitRaw)
      : config?.value.junit !== undefined
        ? resolveFileTarget(
            io,
            `${config.shown}: junit`,
            relative(io.cwd, resolve(config.folder, config.value.junit)),
          )
        : undefined;
  const inputs = entries.flatMap((e) =>
    e.file === undefined ? [] : [{ path: e.file, what: `the scenario file '${e.shown}'` }],
  );
  if (config !== undefined) inputs.push({ path: resolve(io.cwd, config.shown), what: 'the config file' });
  refuseInputOverwrite(io, junitRaw === undefined ? `${config?.shown}: junit` : '--junit', junit, inputs);
  const mode = parseChoice('--github', flagValue(args, 'github') ?? 'auto', GITHUB_MODES);
  return {
    entries: shard === undefined ? entries : entries.filter((_, i) => i % shard.count === shard.index),
    seed: seedRaw === undefined ? (config?.value.seed ?? DEFAULT_SUITE_SEED) : parseSeed(seedRaw),
    workers:
      workersRaw === undefined
        ? (config?.value.workers ?? DEFAULT_SUITE_WORKERS)
        : parsePositiveInt('--workers', workersRaw),
    ...(shard === undefined ? {} : { shard }),
    ...(junit === undefined ? {} : { junit }),
    skipped,
    isGithub: mode === 'on' || (mode === 'auto' && io.env.GITHUB_ACTIONS === 'true'),
    isStrict,
  };
}

/** `--config FILE`, else `cgrpcheck.config.json` in the working directory when it exists. */
function readConfig(
  args: ParsedArgs,
  io: CliIo,
): { readonly value: SuiteConfig; readonly folder: string; readonly shown: string } | undefined {
  const given = flagValue(args, 'config');
  const shown = given ?? CONFIG_FILE_NAME;
  const path = resolve(io.cwd, shown);
  const kind = io.statPath(path);
  if (kind === 'missing') {
    if (given === undefined) return undefined;
    throw new UsageError(`--config: no such file '${given}'`);
  }
  if (kind === 'folder') throw new UsageError(`--config: '${shown}' is a folder`);
  const text = io.readFile(path);
  if (!text.ok) throw new UsageError(`--config: cannot read '${shown}': ${text.reason}`);
  return { value: parseSuiteConfig(text.value, shown), folder: configFolder(path), shown };
}

/** An entry and its loaded scenario; a load error is bad input before anything runs. */
interface LoadedEntry {
  readonly entry: SuiteEntry;
  readonly scenario: LoadedScenario;
}

function loadEntry(entry: SuiteEntry, engine: Engine): LoadedEntry {
  const loaded = engine.load(entry.target);
  if (!loaded.ok) throw new UsageError(loaded.error.message);
  return { entry, scenario: loaded.value };
}

function settingsLine(r: TestRequest): string {
  const parts = [`seed ${r.seed}`];
  if (r.isStrict) parts.push('strict');
  if (r.shard) parts.push(`shard ${r.shard.index}/${r.shard.count}`);
  return parts.join(', ');
}

/** The run options of one entry: the scenario's own budget over its suite's defaults. */
function runOptionsOf(item: LoadedEntry, request: TestRequest): RunOptions {
  const own = item.scenario.info.budget ?? {};
  const defaults = item.entry.budget;
  const strategy = own.strategy ?? defaults.strategy ?? DEFAULT_SUITE_STRATEGY;
  return {
    strategy: parseChoice('strategy', strategy, STRATEGIES),
    seed: request.seed,
    runs: own.runs ?? defaults.runs ?? DEFAULT_SUITE_RUNS,
    depth: DEFAULT_DEPTH,
    preemptions: DEFAULT_PREEMPTIONS,
    maxSteps: DEFAULT_MAX_STEPS,
    params: {},
    workers: request.workers,
  };
}

/** Runs every entry in order; Ctrl-C stops the current one after its execution and skips the rest. */
async function runAll(
  request: TestRequest,
  items: readonly LoadedEntry[],
  io: CliIo,
  engine: Engine,
): Promise<SuiteResult[]> {
  let interrupts = 0;
  const unsubscribe = io.onInterrupt(() => {
    interrupts++;
    if (interrupts === 1) {
      io.stderr('cgrpcheck: stopping after the current execution (Ctrl-C again to exit now)\n');
      return;
    }
    io.stderr('cgrpcheck: interrupted again; exiting without a report\n');
    io.exit(EXIT.aborted);
  });
  const results: SuiteResult[] = [];
  try {
    for (const item of items) {
      const name = item.entry.file === undefined ? item.scenario.info.name : item.entry.shown;
      if (interrupts > 0) {
        results.push({ status: 'not-run', entry: item.entry, name });
        continue;
      }
      const result = await runOne(item, name, request, io, engine, () => interrupts > 0);
      results.push(result);
      io.stdout(`${resultLine(result)}\n`);
    }
  } finally {
    unsubscribe();
  }
  return results;
}

async function runOne(
  item: LoadedEntry,
  name: string,
  request: TestRequest,
  io: CliIo,
  engine: Engine,
  isInterrupted: () => boolean,
): Promise<SuiteResult> {
  const startMs = io.now();
  const budgetMs = item.entry.timeBudgetMs;
  let stoppedBy: 'interrupt' | 'time-budget' | undefined;
  const shouldStop = (): boolean => {
    if (stoppedBy !== undefined) return true;
    if (isInterrupted()) stoppedBy = 'interrupt';
    else if (budgetMs !== undefined && io.now() - startMs >= budgetMs) stoppedBy = 'time-budget';
    return stoppedBy !== undefined;
  };
  const checked = await engine.check(item.scenario, runOptionsOf(item, request), { shouldStop });
  if (!checked.ok) {
    const base = { status: 'error' as const, entry: item.entry, name, message: checked.error.message };
    const location = locateResult(io, base);
    return location === undefined ? base : { ...base, location };
  }
  const report = withElapsed(checked.value, io.now() - startMs);
  const judgement = judgeReport(report, {
    isStrict: item.entry.isStrict,
    ...(stoppedBy ? { stoppedBy } : {}),
  });
  const outcome = {
    report,
    isSeedFromClock: false,
    notes: [],
    judgement,
    ...(stoppedBy ? { stoppedBy } : {}),
  };
  const base = {
    status: judgement.isMet ? ('passed' as const) : ('failed' as const),
    entry: item.entry,
    name,
    outcome,
  };
  const location = locateResult(io, base);
  return location === undefined ? base : { ...base, location };
}

function emitGithub(
  io: CliIo,
  results: readonly SuiteResult[],
  totals: ReturnType<typeof totalsOf>,
  settings: string,
): void {
  for (const line of annotationLines(results)) io.stdout(`${line}\n`);
  const summary = io.env.GITHUB_STEP_SUMMARY;
  if (summary === undefined || summary === '') {
    io.stderr('cgrpcheck: GITHUB_STEP_SUMMARY is not set; no step summary written\n');
    return;
  }
  const written = io.appendFile(summary, summaryMarkdown(results, totals, settings));
  if (!written.ok)
    io.stderr(`cgrpcheck: cannot append the step summary to '${summary}': ${written.reason}\n`);
}

function writeJunit(io: CliIo, request: TestRequest, results: readonly SuiteResult[]): void {
  const target = request.junit!;
  const props: [string, string][] = [
    ['seed', request.seed],
    ['strict', String(request.isStrict)],
  ];
  if (request.shard) props.push(['shard', `${request.shard.index}/${request.shard.count}`]);
  const written = io.writeFileAtomic(target.path, renderJunitSuites(results, props));
  if (written.ok) io.stdout(`junit: ${target.shown}\n`);
  else io.stderr(`cgrpcheck: --junit: cannot write '${target.shown}': ${written.reason}\n`);
}
