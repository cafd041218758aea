/**
 * The wakeup tree and sleep set operations of optimal DPOR one at a time, on
 * hand-made steps: `w(x)` writes object x, `r(x)` reads it. dpor.test.ts shows
 * their effect on whole explorations.
 */
import { describe, expect, it } from 'vitest';
import type { Access } from '../../scheduler/task.js';
import {
  insertWakeup,
  isPrefix,
  isSleepBlocking,
  type WakeupEvent,
  WakeupNode,
} from '../../scheduler/wakeupTree.js';

const wr = (obj: number): Access => ({ kind: 'write', obj });
const rd = (obj: number): Access => ({ kind: 'read', obj });
/** Task `task`'s step with footprint `accesses` and complete data choices `choices`. */
const ev = (task: number, accesses: Access[], choices: number[] = []): WakeupEvent => ({
  task,
  accesses,
  choices,
  isPartial: false,
});
/** The tree as nested [task, children] pairs. */
const shape = (n: WakeupNode): unknown[] => n.children.map((c) => [c.event!.task, shape(c)]);

describe('isPrefix', () => {
  it('a shorter equal start is a prefix; a longer sequence, a differing one or a longer equal start is not', () => {
    expect(isPrefix([], [])).toBe(true);
    expect(isPrefix([0], [0, 1])).toBe(true);
    expect(isPrefix([0, 1], [0, 1])).toBe(true);
    expect(isPrefix([1], [0, 1])).toBe(false);
    expect(isPrefix([0, 1], [0])).toBe(false);
  });
});

describe('isSleepBlocking', () => {
  it('a sleeping task absent from w blocks it only when independent of every step of w', () => {
    const w = [ev(1, [wr(1)]), ev(2, [wr(2)])];
    expect(isSleepBlocking([{ task: 0, accesses: [wr(3)] }], w)).toBe(true);
    // Conflicts with the second step only: w reorders it, so w is new.
    expect(isSleepBlocking([{ task: 0, accesses: [wr(2)] }], w)).toBe(false);
  });

  it('a sleeping task absent from w but asleep from an earlier split subtree never blocks it', () => {
    const w = [ev(1, [wr(1)])];
    expect(isSleepBlocking([{ task: 0, accesses: [wr(3)], isFromSplit: true }], w)).toBe(false);
  });

  it('a sleeping task in w blocks it when no step before its first one conflicts with that one', () => {
    const sleep = [{ task: 0, accesses: [wr(1)] }];
    expect(isSleepBlocking(sleep, [ev(1, [rd(2)]), ev(0, [wr(1)])])).toBe(true);
    expect(isSleepBlocking(sleep, [ev(1, [rd(1)]), ev(0, [wr(1)])])).toBe(false);
  });

  it('no sleeping task: nothing is blocked', () => {
    expect(isSleepBlocking([], [ev(1, [wr(1)])])).toBe(false);
  });
});

describe('insertWakeup', () => {
  it('into an empty tree: w becomes its only branch (returns true)', () => {
    const root = new WakeupNode(undefined);
    expect(insertWakeup(root, [ev(0, [wr(1)]), ev(1, [wr(1)])])).toBe(true);
    expect(shape(root)).toEqual([[0, [[1, []]]]]);
  });

  it('w already covered by a leaf it reaches through weak initials: the tree is unchanged (returns false)', () => {
    const root = new WakeupNode(undefined);
    insertWakeup(root, [ev(0, [wr(1)]), ev(1, [wr(1)])]);
    // Task 2's step is independent of both, so 0 then 1 are weak initials of w.
    expect(insertWakeup(root, [ev(2, [wr(5)]), ev(0, [wr(1)]), ev(1, [wr(1)])])).toBe(false);
    expect(shape(root)).toEqual([[0, [[1, []]]]]);
  });

  it('w sharing only a first step: the rest becomes a new rightmost branch below it', () => {
    const root = new WakeupNode(undefined);
    insertWakeup(root, [ev(0, [wr(1)]), ev(1, [wr(1)])]);
    expect(insertWakeup(root, [ev(0, [wr(1)]), ev(2, [wr(1)])])).toBe(true);
    expect(shape(root)).toEqual([
      [
        0,
        [
          [1, []],
          [2, []],
        ],
      ],
    ]);
  });

  it('a dependent first step is no weak initial: w starts a new branch at the root', () => {
    const root = new WakeupNode(undefined);
    insertWakeup(root, [ev(0, [wr(1)])]);
    expect(insertWakeup(root, [ev(1, [wr(1)]), ev(0, [wr(1)])])).toBe(true);
    expect(shape(root)).toEqual([
      [0, []],
      [1, [[0, []]]],
    ]);
  });

  it('a partial node matches any step of its task whose choices start with its own', () => {
    const root = new WakeupNode(undefined, [new WakeupNode({ ...ev(0, [wr(1)], [1]), isPartial: true })]);
    expect(insertWakeup(root, [ev(0, [wr(1)], [1, 2])])).toBe(false);
    // A complete node matches only the same choices.
    const full = new WakeupNode(undefined, [new WakeupNode(ev(0, [wr(1)], [1]))]);
    expect(insertWakeup(full, [ev(0, [wr(1)], [1, 2])])).toBe(true);
    expect(shape(full)).toEqual([
      [0, []],
      [0, []],
    ]);
  });
});
