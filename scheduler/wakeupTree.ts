/**
 * Wakeup trees and sleep sets for optimal DPOR (Abdulla, Aronis, Jonsson,
 * Sagonas, "Source Sets: A Foundation for Optimal Dynamic Partial Order
 * Reduction", JACM 64(4), 2017, §6). A wakeup tree at a prefix E is an ordered
 * tree of step sequences still to explore from E; children are explored left
 * to right.
 */
import { isConflicting } from './happensBefore.js';
import type { Access } from './task.js';

/** A step in a wakeup sequence: a task, its footprint and its data choices. */
export interface WakeupEvent {
  readonly task: number;
  readonly accesses: readonly Access[];
  /** Data choices; when `isPartial`, only a prefix (the rest is chosen when run). */
  choices: readonly number[];
  isPartial: boolean;
}

/** A wakeup tree node; the root carries no event. */
export class WakeupNode {
  constructor(
    readonly event: WakeupEvent | undefined,
    readonly children: WakeupNode[] = [],
  ) {}
}

/** A task asleep at a prefix: its next step (every data choice of it) is already explored. */
export interface SleepEntry {
  readonly task: number;
  readonly accesses: readonly Access[];
  /**
   * Asleep because an earlier subtree of a split search explored it
   * (scheduler/subtrees.ts). That subtree's DPOR cannot see races with its
   * prefix, so the entry only means what a classic sleep set means: runs
   * where this step comes before any step dependent with it are covered.
   */
  readonly isFromSplit?: boolean;
}

/** True when `prefix` is a prefix of `of`. */
export function isPrefix(prefix: readonly number[], of: readonly number[]): boolean {
  // Stryker disable next-line ConditionalExpression: equivalent; without it the loop returns false at of's end (a number !== undefined)
  if (prefix.length > of.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== of[i]) return false;
  return true;
}

function isSameStep(node: WakeupEvent, e: WakeupEvent): boolean {
  if (node.isPartial) return isPrefix(node.choices, e.choices);
  return node.choices.length === e.choices.length && isPrefix(node.choices, e.choices);
}

/**
 * If `e` is a weak initial of `w` (its task's first step in w is `e` and has no
 * dependent step before it, or the task is absent from w and `e` is independent
 * of all of w), returns w without that step; else undefined.
 */
function afterWeakInitial(e: WakeupEvent, w: readonly WakeupEvent[]): readonly WakeupEvent[] | undefined {
  const j = w.findIndex((x) => x.task === e.task);
  if (j < 0) return w.some((x) => isConflicting(x.accesses, e.accesses)) ? undefined : w;
  if (!isSameStep(e, w[j]!)) return undefined;
  for (let i = 0; i < j; i++) if (isConflicting(w[i]!.accesses, w[j]!.accesses)) return undefined;
  return [...w.slice(0, j), ...w.slice(j + 1)];
}

/**
 * True when some sleeping task is a weak initial of `w` (then `w` is already
 * covered); for an entry from a split, only when its step is an initial of w
 * (w would run it while it is still asleep).
 */
export function isSleepBlocking(sleep: readonly SleepEntry[], w: readonly WakeupEvent[]): boolean {
  return sleep.some((s) => {
    const j = w.findIndex((x) => x.task === s.task);
    if (j < 0) return s.isFromSplit !== true && !w.some((x) => isConflicting(x.accesses, s.accesses));
    for (let i = 0; i < j; i++) if (isConflicting(w[i]!.accesses, w[j]!.accesses)) return false;
    return true;
  });
}

/**
 * insert_[E](w, B): follows the leftmost branch compatible with `w` (each step
 * a weak initial of what is left); if it ends in a leaf, w is covered and the
 * tree is unchanged (returns false); else the rest of w becomes a new rightmost
 * branch there (returns true).
 */
export function insertWakeup(root: WakeupNode, w: readonly WakeupEvent[]): boolean {
  let node = root;
  let rest = w;
  for (;;) {
    if (node !== root && node.children.length === 0) return false;
    const found = findWeakInitialChild(node, rest);
    if (found === undefined) break;
    [node, rest] = found;
  }
  let parent = node;
  for (const e of rest) {
    const n = new WakeupNode(e);
    parent.children.push(n);
    parent = n;
  }
  return true;
}

/**
 * The leftmost child of `node` whose event is a weak initial of `w`, with w
 * without that step. A helper rather than a labelled `continue`: Stryker's
 * instrumenter wraps a mutated loop in an `if`, which moves its label off the
 * loop and makes the whole module fail to load.
 */
function findWeakInitialChild(
  node: WakeupNode,
  w: readonly WakeupEvent[],
): [WakeupNode, readonly WakeupEvent[]] | undefined {
  for (const child of node.children) {
    const after = afterWeakInitial(child.event!, w);
    if (after !== undefined) return [child, after];
  }
  return undefined;
}
