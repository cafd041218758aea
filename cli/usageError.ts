/**
 * Bad input from the user: the cli prints `cgrpcheck: ${message}` on one line
 * and exits 2. Thrown only inside cli/ and caught by runCli, the edge.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Exit codes of the issue (#5): the whole contract with scripts and CI. */
export const EXIT = {
  /** No violation within the budget (or within what was explored before Ctrl-C). */
  pass: 0,
  violation: 1,
  /** Bad input or usage. */
  usage: 2,
  /** A checker bug: the only case that prints a stack. */
  internal: 3,
  /** Second Ctrl-C: no report, no verdict (the shell's convention for SIGINT). */
  aborted: 130,
} as const;
