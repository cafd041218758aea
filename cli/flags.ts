/** The options of each command, for the parser, the usage text and resume lines. */
import type { FlagSpec } from './argv.js';

const value = (name: string): FlagSpec => ({ name, takesValue: true });
const boolean = (name: string): FlagSpec => ({ name, takesValue: false });

/** `--format`, `--json`, `--out`: shared by check, replay and merge. */
export const OUTPUT_FLAGS: readonly FlagSpec[] = [
  value('format'),
  boolean('json'),
  value('out'),
  boolean('help'),
];

/** Options of each command. */
export const COMMAND_FLAGS: Readonly<Record<string, readonly FlagSpec[]>> = {
  list: [boolean('json'), boolean('help')],
  check: [
    value('strategy'),
    value('seed'),
    value('runs'),
    value('depth'),
    value('preemptions'),
    value('max-steps'),
    value('time-budget'),
    value('kernel'),
    { name: 'set', takesValue: true, isRepeatable: true },
    value('workers'),
    value('shard'),
    boolean('strict'),
    ...OUTPUT_FLAGS,
  ],
  test: [
    boolean('catalogue'),
    boolean('strict'),
    value('seed'),
    value('time-budget'),
    value('workers'),
    value('shard'),
    value('junit'),
    value('github'),
    value('config'),
    boolean('help'),
  ],
  replay: OUTPUT_FLAGS,
  merge: [boolean('strict'), ...OUTPUT_FLAGS],
  help: [],
};

/** Every flag of every command, to tell "unknown" from "not for this command". */
export const ALL_FLAGS: ReadonlySet<string> = new Set(
  Object.values(COMMAND_FLAGS).flatMap((specs) => specs.map((s) => s.name)),
);

/**
 * `argv` without the occurrences of the flags named in `drop` (both `--x v`
 * and `--x=v`), so a resume line can replace them.
 */
export function withoutFlags(
  argv: readonly string[],
  drop: readonly string[],
  specs: readonly FlagSpec[],
): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = arg.startsWith('--') ? arg.slice(2).split('=')[0]! : '';
    if (!drop.includes(name)) {
      out.push(arg);
      continue;
    }
    const spec = specs.find((s) => s.name === name);
    if (spec?.takesValue && !arg.includes('=')) i++;
  }
  return out;
}
