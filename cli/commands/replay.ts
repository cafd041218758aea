/** `cgrpcheck replay <token | token-file>`: the same violation, the same trace. */
import { resolve } from 'node:path';
import type { Engine } from '../../scenarios/engine/engine.js';
import { judgeReport } from '../../scenarios/engine/expectation.js';
import type { ParsedArgs } from '../argv.js';
import type { CliIo } from '../io.js';
import { UsageError } from '../usageError.js';
import { emitOutcome, refuseInputOverwrite, resolveOutputPlan } from './output.js';
import { withElapsed } from './report.js';

/** Replays a token given inline or in a file, and prints it like a check. */
export function runReplay(args: ParsedArgs, io: CliIo, engine: Engine): number {
  if (args.positionals.length === 0) throw new UsageError('replay: missing token or token file');
  if (args.positionals.length > 1)
    throw new UsageError(`replay: unexpected argument '${args.positionals[1]}'`);
  const plan = resolveOutputPlan(args, io);
  const arg = args.positionals[0]!;
  const tokenPath = resolve(io.cwd, arg);
  if (arg.trim() !== '' && io.statPath(tokenPath) === 'file') {
    refuseInputOverwrite(io, '--out', plan.out, [{ path: tokenPath, what: 'the token file to replay' }]);
  }
  const token = readToken(arg, io);
  const startMs = io.now();
  const replayed = engine.replay(token);
  if (!replayed.ok) throw new UsageError(replayed.error.message);
  const report = withElapsed(replayed.value, io.now() - startMs);
  const outcome = { report, isSeedFromClock: false, notes: [], judgement: judgeReport(report) };
  return emitOutcome(io, plan, outcome, false);
}

/** The token itself, or the trimmed contents of the file `arg` names. */
function readToken(arg: string, io: CliIo): string {
  if (arg.trim() === '') throw new UsageError('replay: empty token');
  const path = resolve(io.cwd, arg);
  const kind = io.statPath(path);
  if (kind === 'folder') throw new UsageError(`replay: '${arg}' is a folder, not a token file`);
  if (kind === 'missing') {
    if (looksLikeTokenFile(arg)) throw new UsageError(`replay: no such token file '${arg}'`);
    return arg.trim();
  }
  const read = io.readFile(path);
  if (!read.ok) throw new UsageError(`replay: cannot read token file '${arg}': ${read.reason}`);
  const token = read.value.trim();
  if (token === '') throw new UsageError(`replay: token file '${arg}' is empty`);
  return token;
}

/** Paths the user clearly meant as files, so a typo is not sent to the engine as a token. */
function looksLikeTokenFile(arg: string): boolean {
  return arg.endsWith('.token') || /^(\.{1,2}\/|\/|~)/.test(arg);
}
