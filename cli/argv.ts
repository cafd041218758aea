/**
 * A small, strict argv parser: `--flag value`, `--flag=value`, boolean
 * flags, `--` to end options. Every mistake is a UsageError naming it.
 */
import { UsageError } from './usageError.js';

/** One option a command accepts. */
export interface FlagSpec {
  /** Without the dashes, e.g. `seed`. */
  readonly name: string;
  readonly takesValue: boolean;
  /** Only `--set` may be given more than once. */
  readonly isRepeatable?: boolean;
}

/** Flags and positionals of one command line, in the order given. */
export interface ParsedArgs {
  readonly positionals: readonly string[];
  /** Values by flag name; boolean flags map to `['']`. */
  readonly flags: ReadonlyMap<string, readonly string[]>;
}

/**
 * Parses `argv` (after the command name) against `specs`. `otherFlags` are
 * flags of other commands, so `list --seed 1` says the flag does not apply.
 */
export function parseArgs(
  command: string,
  argv: readonly string[],
  specs: readonly FlagSpec[],
  otherFlags: ReadonlySet<string>,
): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const raw = eq >= 0 ? arg.slice(0, eq) : arg;
    const name = raw === '-h' ? 'help' : raw.startsWith('--') ? raw.slice(2) : '';
    const spec = byName.get(name);
    if (!spec) {
      if (otherFlags.has(name)) throw new UsageError(`option '${raw}' does not apply to '${command}'`);
      throw new UsageError(`unknown option '${raw}'`);
    }
    let value = '';
    if (spec.takesValue) {
      if (eq >= 0) value = arg.slice(eq + 1);
      else {
        const next = argv[i + 1];
        if (next === undefined || (next.startsWith('--') && next.length > 2)) {
          throw new UsageError(`${raw}: missing value`);
        }
        value = next;
        i++;
      }
    } else if (eq >= 0) {
      throw new UsageError(`${raw}: takes no value, got '${arg}'`);
    }
    const seen = flags.get(name);
    if (seen && !spec.isRepeatable) throw new UsageError(`${raw}: given twice`);
    flags.set(name, [...(seen ?? []), value]);
  }
  return { positionals, flags };
}

/** The single value of a flag, or undefined when absent. */
export function flagValue(args: ParsedArgs, name: string): string | undefined {
  return args.flags.get(name)?.[0];
}

/** True when a boolean flag was given. */
export function hasFlag(args: ParsedArgs, name: string): boolean {
  return args.flags.has(name);
}
