/** `cgrpcheck check <scenario | file.json> [options]`. */
import { resolve } from 'node:path';
import type { Engine, LoadedScenario } from '../../scenarios/engine/engine.js';
import { judgeReport } from '../../scenarios/engine/expectation.js';
import type { ParsedArgs } from '../argv.js';
import { checkParams, resolveCheckRequest } from '../checkOptions.js';
import { UNBOUNDED_RUNS } from '../defaults.js';
import { COMMAND_FLAGS } from '../flags.js';
import type { CliIo } from '../io.js';
import { createProgressLine } from '../progress.js';
import { stopNotes } from '../resume.js';
import { createStopControl } from '../stopControl.js';
import { UsageError } from '../usageError.js';
import { emitOutcome, refuseInputOverwrite, resolveOutputPlan } from './output.js';
import { withElapsed } from './report.js';

/** Validates everything, runs the check with progress and budget, prints the verdict. */
export async function runCheck(
  args: ParsedArgs,
  argv: readonly string[],
  io: CliIo,
  engine: Engine,
): Promise<number> {
  const request = resolveCheckRequest(args, io);
  const plan = resolveOutputPlan(args, io);
  const inputs = looksLikePath(request.target)
    ? [{ path: resolve(io.cwd, request.target), what: 'the scenario file' }]
    : [];
  refuseInputOverwrite(io, '--out', plan.out, inputs, true);
  const scenario = loadScenario(request.target, io, engine);
  checkParams(scenario.info.name, request.run.params, scenario.info.params);
  const startMs = io.now();
  const progress = createProgressLine(io, {
    startMs,
    ...(request.run.runs === UNBOUNDED_RUNS ? {} : { maxExecutions: request.run.runs }),
    ...(request.budgetMs === undefined ? {} : { budgetMs: request.budgetMs }),
  });
  const stop = createStopControl(io, startMs, request.budgetMs, progress);
  let checked: Awaited<ReturnType<Engine['check']>>;
  try {
    checked = await engine.check(scenario, request.run, stop.hooks);
  } finally {
    stop.dispose();
    progress.clear();
  }
  if (!checked.ok) throw new UsageError(checked.error.message);
  const report = withElapsed(checked.value, io.now() - startMs);
  const stoppedBy = stop.stoppedBy();
  const notes = stopNotes(stoppedBy, report, argv, COMMAND_FLAGS.check!);
  const judgement = judgeReport(report, {
    isStrict: request.isStrict,
    ...(stoppedBy ? { stoppedBy } : {}),
  });
  const outcome = {
    report,
    isSeedFromClock: request.isSeedFromClock,
    notes,
    judgement,
    ...(stoppedBy ? { stoppedBy } : {}),
  };
  return emitOutcome(io, plan, outcome, true);
}

/** A path must exist before the engine reads it; a name must be in the catalogue. */
function loadScenario(target: string, io: CliIo, engine: Engine): LoadedScenario {
  if (looksLikePath(target)) {
    const kind = io.statPath(resolve(io.cwd, target));
    if (kind === 'missing') throw new UsageError(`check: no such file '${target}'`);
    if (kind === 'folder') throw new UsageError(`check: '${target}' is a folder, not a scenario file`);
  } else if (!engine.list().some((s) => s.name === target)) {
    throw new UsageError(`unknown scenario '${target}' (see 'cgrpcheck list')`);
  }
  const loaded = engine.load(target);
  if (!loaded.ok) throw new UsageError(loaded.error.message);
  return loaded.value;
}

/** Scenario files are named by a path: a `.json` name or anything with a slash. */
function looksLikePath(target: string): boolean {
  return target.endsWith('.json') || target.includes('/') || target.includes('\\');
}
