/**
 * The testable core of the `cgrpcheck` command: argv in, exit code out,
 * every effect through `io`. Bad input is one line on stderr and exit 2;
 * anything thrown from below is a checker bug: its stack, and exit 3.
 */
import type { Engine } from '../scenarios/engine/engine.js';
import { hasFlag, parseArgs } from './argv.js';
import { runCheck } from './commands/check.js';
import { runList } from './commands/list.js';
import { runMerge } from './commands/merge.js';
import { runReplay } from './commands/replay.js';
import { runTest } from './commands/test.js';
import { ALL_FLAGS, COMMAND_FLAGS } from './flags.js';
import type { CliIo } from './io.js';
import { usageText } from './usage.js';
import { EXIT, UsageError } from './usageError.js';

/** Runs one command line (without `node` and the script) and returns its exit code. */
export async function runCli(argv: string[], io: CliIo, engine: Engine): Promise<number> {
  try {
    return await dispatch(argv, io, engine);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`cgrpcheck: ${e.message}\n`);
      return EXIT.usage;
    }
    const detail = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
    io.stderr(
      `cgrpcheck: internal error (a checker bug; please report it with the command line)\n${detail}\n`,
    );
    return EXIT.internal;
  }
}

async function dispatch(argv: string[], io: CliIo, engine: Engine): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError("missing command (see 'cgrpcheck --help')");
  if (command === '--help' || command === '-h' || command === 'help') return help(rest, io);
  if (command === '--version') {
    if (rest.length > 0) throw new UsageError(`--version: unexpected argument '${rest[0]}'`);
    io.stdout(`cgrpcheck ${io.version}\n`);
    return EXIT.pass;
  }
  if (command.startsWith('-')) {
    const name = command.slice(2).split('=')[0]!;
    if (command.startsWith('--') && ALL_FLAGS.has(name))
      throw new UsageError(`missing command before '${command}'`);
    throw new UsageError(`unknown option '${command}'`);
  }
  const specs = COMMAND_FLAGS[command];
  if (specs === undefined || command === 'help') throw new UsageError(`unknown command '${command}'`);
  const args = parseArgs(command, rest, specs, ALL_FLAGS);
  if (hasFlag(args, 'help')) {
    io.stdout(usageText(command));
    return EXIT.pass;
  }
  switch (command) {
    case 'list':
      return runList(args, io, engine);
    case 'check':
      return runCheck(args, rest, io, engine);
    case 'replay':
      return runReplay(args, io, engine);
    case 'test':
      return runTest(args, io, engine);
    default:
      return runMerge(args, io, engine);
  }
}

function help(rest: readonly string[], io: CliIo): number {
  const topic = rest[0];
  if (rest.length > 1) throw new UsageError(`help: unexpected argument '${rest[1]}'`);
  if (topic !== undefined && (COMMAND_FLAGS[topic] === undefined || topic === 'help')) {
    throw new UsageError(`help: unknown command '${topic}'`);
  }
  io.stdout(usageText(topic));
  return EXIT.pass;
}
