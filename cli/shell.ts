/** Builds copy-pasteable shell commands for the replay and resume lines. */

/** Quotes `arg` for a POSIX shell only when it needs it. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_./:=+,@%^-]+$/.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/** `npx cgrpcheck` followed by the quoted arguments. */
export function cgrpcheckCommand(args: readonly string[]): string {
  return ['npx cgrpcheck', ...args.map(shellQuote)].join(' ');
}

/** The one command that replays a token. */
export function replayCommand(token: string): string {
  return cgrpcheckCommand(['replay', token]);
}

/** `n` and `word`, plural unless n is 1: `1 execution`, `7 executions`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
