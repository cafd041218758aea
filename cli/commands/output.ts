/**
 * Where and how a report goes: `--format`/`--json`/`--out` validated before
 * any work, then the report written (atomically) with the replay token beside it.
 */
import { dirname, resolve } from 'node:path';
import { flagValue, hasFlag, type ParsedArgs } from '../argv.js';
import { DEFAULT_FORMAT, DEFAULT_TOKEN_FILE } from '../defaults.js';
import { renderOutcome } from '../format/render.js';
import { renderText } from '../format/text.js';
import { DEFAULT_TABLE_WIDTH } from '../format/traceTable.js';
import type { CliIo, IoResult } from '../io.js';
import type { Outcome } from '../outcome.js';
import { replayCommand } from '../shell.js';
import { EXIT, UsageError } from '../usageError.js';
import { FORMATS, type Format, parseChoice } from '../values.js';

/** A file as written (absolute) and as shown to the user (as given). */
export interface FileTarget {
  readonly path: string;
  readonly shown: string;
}

/** The validated output options of one command. */
export interface OutputPlan {
  readonly format: Format;
  readonly out?: FileTarget;
}

/** Validates `--format`, `--json` and `--out` (its folder must exist). */
export function resolveOutputPlan(args: ParsedArgs, io: CliIo): OutputPlan {
  const formatRaw = flagValue(args, 'format');
  let format = formatRaw === undefined ? DEFAULT_FORMAT : parseChoice('--format', formatRaw, FORMATS);
  if (hasFlag(args, 'json')) {
    if (format !== DEFAULT_FORMAT && format !== 'json')
      throw new UsageError(`--json conflicts with --format ${format}`);
    format = 'json';
  }
  const shown = flagValue(args, 'out');
  if (shown === undefined) return { format };
  return { format, out: resolveFileTarget(io, '--out', shown) };
}

/** A file a command reads, named for the refusal: `the scenario file`, `a report to merge`. */
export interface InputFile {
  readonly path: string;
  readonly what: string;
}

/**
 * Refuses (exit 2, before any work) an output that names an input: `--out`
 * onto the scenario would replace it with the report. Compared after
 * resolving symlinks; `alsoToken` checks the FILE.token beside it too.
 */
export function refuseInputOverwrite(
  io: CliIo,
  flag: string,
  target: FileTarget | undefined,
  inputs: readonly InputFile[],
  alsoToken = false,
): void {
  if (target === undefined) return;
  const outputs = alsoToken ? [target.path, `${target.path}.token`] : [target.path];
  for (const out of outputs) {
    const real = io.realPath(out);
    const hit = inputs.find((i) => io.realPath(i.path) === real);
    if (hit === undefined) continue;
    const name = out === target.path ? `'${target.shown}'` : `'${target.shown}.token'`;
    throw new UsageError(`${flag}: ${name} is ${hit.what}; refusing to overwrite an input`);
  }
}

/** Validates an output file named by `flag` (`--out`, `--junit`): not a folder, in an existing folder. */
export function resolveFileTarget(io: CliIo, flag: string, shown: string): FileTarget {
  if (shown === '') throw new UsageError(`${flag}: empty file name`);
  const path = resolve(io.cwd, shown);
  if (io.statPath(path) === 'folder') throw new UsageError(`${flag}: '${shown}' is a folder`);
  if (io.statPath(dirname(path)) !== 'folder')
    throw new UsageError(`${flag}: folder '${dirname(shown)}' does not exist`);
  return { path, shown };
}

/**
 * Prints and writes `outcome` per `plan`; with `isTokenSaved`, a violation's
 * token also goes to a file. Returns the exit code: 0 when the scenario met its
 * expectation, 1 when not (this wins), else 2 when `--out` could not be written.
 */
export function emitOutcome(io: CliIo, plan: OutputPlan, outcome: Outcome, isTokenSaved: boolean): number {
  const width = io.stdoutColumns ?? DEFAULT_TABLE_WIDTH;
  const extra: string[] = [];
  const token = outcome.report.violation?.replay;
  if (token !== undefined && isTokenSaved) extra.push(...saveToken(io, plan, token));
  let code: number = outcome.judgement.isMet ? EXIT.pass : EXIT.violation;
  if (plan.out) {
    const written = io.writeFileAtomic(plan.out.path, renderOutcome(plan.format, outcome, width));
    if (written.ok) extra.push(`report: ${plan.out.shown} (${plan.format})`);
    else {
      io.stderr(`cgrpcheck: --out: cannot write '${plan.out.shown}': ${written.reason}\n`);
      if (code === EXIT.pass) code = EXIT.usage;
    }
    io.stdout(renderText(outcome, width, extra));
  } else if (plan.format === 'text') {
    io.stdout(renderText(outcome, width, extra));
  } else {
    io.stdout(renderOutcome(plan.format, outcome, width));
    const notes = [...extra, ...outcome.notes];
    if (notes.length > 0) io.stderr(`${notes.join('\n')}\n`);
  }
  return code;
}

/**
 * Writes the token next to `--out` (FILE.token, unless FILE is a device or
 * FIFO) or to the default file, falling back to the default when FILE.token
 * cannot be written; returns the lines saying where.
 */
function saveToken(io: CliIo, plan: OutputPlan, token: string): string[] {
  const fallback: FileTarget = { path: resolve(io.cwd, DEFAULT_TOKEN_FILE), shown: DEFAULT_TOKEN_FILE };
  const lines: string[] = [];
  if (plan.out && !io.isSpecialFile(plan.out.path)) {
    const beside = { path: `${plan.out.path}.token`, shown: `${plan.out.shown}.token` };
    const written = writeToken(io, beside, token);
    if (written.ok) return [`token: ${beside.shown} (replay it with: ${replayCommand(beside.shown)})`];
    lines.push(`warning: could not write the token to ${beside.shown}: ${written.reason}`);
  }
  const written = writeToken(io, fallback, token);
  if (!written.ok)
    return [...lines, `warning: could not write the token to ${fallback.shown}: ${written.reason}`];
  return [...lines, `token: ${fallback.shown} (replay it with: ${replayCommand(fallback.shown)})`];
}

function writeToken(io: CliIo, target: FileTarget, token: string): IoResult<void> {
  const folder = io.makeFolder(dirname(target.path));
  return folder.ok ? io.writeFileAtomic(target.path, `${token}\n`) : folder;
}
