/**
 * What DPOR asks of a race's reversal before inserting it (dpor.ts): is it
 * already explored from that prefix, and can its last step run there at all.
 */
import { type HbEvent, isConflicting } from './happensBefore.js';
import { isPrefix, type WakeupEvent } from './wakeupTree.js';

function isSameChoices(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && isPrefix(b, a);
}

/** True when w's first step of some explored task is an initial of w and that very step was explored. */
export function isExploredInitial(explored: readonly WakeupEvent[], w: readonly WakeupEvent[]): boolean {
  return explored.some((x) => {
    const j = w.findIndex((e) => e.task === x.task);
    if (j < 0 || !isSameChoices(w[j]!.choices, x.choices)) return false;
    for (let i = 0; i < j; i++) if (isConflicting(w[i]!.accesses, w[j]!.accesses)) return false;
    return true;
  });
}

/**
 * True when the reversal `w` of a race with a step `first` cannot run: the task
 * of its last step was not in `runnableAtFirst` (runnable when `first` was picked), and no step of `w` before
 * it belongs to that task or conflicts with it. Enabledness changes only through
 * conflicting steps (footprints are honest), so that step is still disabled
 * after the rest of `w`: no execution puts it before `first`, and the pair is
 * no reversible race.
 */
export function isDisabledReversal(runnableAtFirst: readonly number[], w: readonly WakeupEvent[]): boolean {
  const last = w[w.length - 1]!;
  if (runnableAtFirst.includes(last.task)) return false;
  for (let i = 0; i < w.length - 1; i++) {
    if (w[i]!.task === last.task || isConflicting(w[i]!.accesses, last.accesses)) return false;
  }
  return true;
}

/** A recorded step as a wakeup event. */
export function toWakeup(e: HbEvent): WakeupEvent {
  return { task: e.task, accesses: e.accesses, choices: e.choices, isPartial: false };
}

/** True when the last lock operation on `obj` in `events` is an acquire. */
export function isLockHeld(events: readonly HbEvent[], obj: number): boolean {
  for (let i = events.length - 1; i >= 0; i--) {
    const a = events[i]!.accesses.find(
      (x) => x.obj === obj && (x.kind === 'acquire' || x.kind === 'release'),
    );
    if (a !== undefined) return a.kind === 'acquire';
  }
  return false;
}
