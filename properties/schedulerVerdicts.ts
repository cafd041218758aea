/**
 * Invariants the scheduler itself reports, not model properties: listed here so
 * the catalogue and the registry can name them. Their ids equal
 * scheduler/execute.ts DEADLOCK_INVARIANT and LIVELOCK_INVARIANT.
 */

/** Some actor never finished and none could run: an AA/ABBA lock or an RCU wait that never ends. */
export const NO_DEADLOCK = 'no-deadlock';
/** An execution ran past its step budget (e.g. a retry loop that never succeeds). */
export const NO_LIVELOCK = 'no-livelock';

/** The scheduler's verdicts, with one line each. */
export const SCHEDULER_VERDICTS: Readonly<Record<string, string>> = {
  [NO_DEADLOCK]: 'every execution finishes: no actor waits forever on a lock, grace period or condition',
  [NO_LIVELOCK]: 'every execution finishes within the step budget',
};
