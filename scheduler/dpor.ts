/**
 * Optimal dynamic partial-order reduction: Abdulla, Aronis, Jonsson, Sagonas,
 * "Source Sets: A Foundation for Optimal Dynamic Partial Order Reduction",
 * JACM 64(4), 2017, Algorithm 2 (sleep sets + wakeup trees). Explores exactly
 * one complete execution per Mazurkiewicz trace, given that footprints are
 * honest (a task's enabledness changes only through a step that conflicts with
 * its next step). Without condition waits it never runs a sleep-set-blocked
 * execution; with them, an execution whose reordering turned out disabled may
 * end blocked (counted as abandoned).
 *
 * Extensions: locks race acquire-to-acquire (see happensBefore.ts); a clock
 * advance is ordered after every earlier step and before the steps it made
 * ready, i.e. conservatively dependent with everything; every data choice is a
 * branch: the values of one step are sibling branches at the same prefix, and
 * choices made while building the world (before any step) each start a
 * separate search; condition waits (a step disabled until another task writes
 * what it declared) are no locks: a race whose reversed step would be disabled
 * is not reversible and is dropped; at a deadlock only a step blocked on an
 * acquire (a held lock, an emptied take) races with the steps before it.
 * Test programs with waits check that the count still equals the traces
 * (test/scheduler/dpor.test.ts).
 */
import { DEADLOCK_INVARIANT } from './execute.js';
import {
  analyseHappensBefore,
  type ClockMark,
  type HbEvent,
  isConflicting,
  type Race,
  reversalOf,
} from './happensBefore.js';
import { isDisabledReversal, isExploredInitial, isLockHeld, toWakeup } from './reversals.js';
import type { ExecutionOutcome, SchedulerView, Strategy, StrategyInfo } from './strategy.js';
import type { TaskId } from './task.js';
import {
  insertWakeup,
  isPrefix,
  isSleepBlocking,
  type SleepEntry,
  type WakeupEvent,
  WakeupNode,
} from './wakeupTree.js';

interface PrefixNode {
  // invariant: wut.children[0] is the branch being explored from this prefix
  readonly wut: WakeupNode;
  readonly sleep: SleepEntry[];
  /** Steps already explored from here (data-choice alternatives stay here until their task sleeps). */
  readonly explored: WakeupEvent[];
  /** Executions ended below the explored branches, and before the current branch began (for the estimate). */
  doneBelow: number;
  branchStart: number;
}

interface StepEvent extends HbEvent {
  readonly choices: number[];
  /** The tasks that were runnable when this step was picked. */
  readonly runnable: readonly TaskId[];
}

/** Options of {@link createDporStrategy}. */
export interface DporOptions {
  /**
   * Tasks asleep at the root: their next step is explored elsewhere (an earlier
   * subtree of a split search, scheduler/subtrees.ts). @defaultValue none
   */
  readonly initialSleep?: readonly SleepEntry[];
}

/** Optimal DPOR over one ExecutionFactory (tasks, data choices and the virtual clock). */
export function createDporStrategy(options: DporOptions = {}): Strategy {
  const initialSleep = (options.initialSleep ?? []).map((e) => ({ ...e, isFromSplit: true }));
  const nodes: PrefixNode[] = [];
  let events: StepEvent[] = [];
  let marks: ClockMark[] = [];
  let taskCount = 0;
  // World-building choices: a plain DFS whose pending alternatives form a stack.
  let initPath: number[] = [];
  let initCursor = 0;
  const initPending: number[][] = [];
  let isInStep = false;
  let cur: StepEvent | undefined;
  let curChild: WakeupNode | undefined;
  let isFrontier = false;
  let dictated = 0;
  let next: PrefixNode | undefined;
  let isDone = false;
  let sleepBlocked = 0;
  let wakeupInsertions = 0;
  let infeasible = 0;
  let view: SchedulerView | undefined;
  // The search-size estimate: executions ended so far, and the estimate at the last end.
  let ended = 0;
  let estimate = 0;

  const pickFresh = (node: PrefixNode, runnable: readonly TaskId[], v: SchedulerView): boolean => {
    const p = runnable.find((t) => !node.sleep.some((s) => s.task === t));
    if (p === undefined) return false;
    const accesses = v.tasks[p]!.peek()!.accesses;
    node.wut.children.push(new WakeupNode({ task: p, accesses, choices: [], isPartial: true }));
    return true;
  };

  const addAlternatives = (value: number, n: number): void => {
    const node = nodes[events.length - 1]!;
    const task = cur!.task;
    let at = 1;
    for (let a = 0; a < n; a++) {
      if (a === value) continue;
      const choices = [...cur!.choices, a];
      const isCovered = (e: WakeupEvent): boolean => e.task === task && isPrefix(choices, e.choices);
      if (node.wut.children.some((c) => isCovered(c.event!)) || node.explored.some(isCovered)) continue;
      const alt = new WakeupNode({ task, accesses: cur!.accesses, choices, isPartial: true });
      node.wut.children.splice(at++, 0, alt);
    }
  };

  const insertReversal = (race: Race, w: WakeupEvent[]): void => {
    if (isDisabledReversal(events[race.first]!.runnable, w)) return;
    const node = nodes[race.first]!;
    if (isSleepBlocking(node.sleep, w) || isExploredInitial(node.explored, w)) return;
    if (insertWakeup(node.wut, w)) wakeupInsertions++;
  };

  const detectRaces = (): void => {
    const hb = analyseHappensBefore(events, taskCount, marks);
    for (const race of hb.races)
      insertReversal(
        race,
        reversalOf(hb, events, race).map((j) => toWakeup(events[j]!)),
      );
  };

  // In a deadlock, or when an execution ends with daemons waiting idle, a step
  // blocked on a held lock (or on a take another task's take emptied) races
  // with that acquire: reversing it is the only way to reach the other order,
  // and the blocked step never ran, so only the end of the execution sees the race. A wait that stays ready once ready and is
  // still blocked at the end was never ready: it has no such race.
  const detectBlockedRaces = (): void => {
    for (let t = 0; t < taskCount; t++) {
      const task = view!.tasks[t]!;
      const step = task.peek();
      if (step === undefined || task.isEnabled()) continue;
      const held = step.accesses.filter((a) => a.kind === 'acquire' && isLockHeld(events, a.obj));
      if (held.length === 0) continue;
      const pending = { task: t, accesses: held, choices: [], readyAt: task.readyAt() };
      const all = [...events, pending];
      const hb = analyseHappensBefore(all, taskCount, marks);
      for (const race of hb.races) {
        if (race.second !== events.length) continue;
        const w = reversalOf(hb, all, race).map((j) =>
          j === events.length ? { ...toWakeup(pending), accesses: step.accesses } : toWakeup(events[j]!),
        );
        insertReversal(race, w);
      }
    }
  };

  const backtrack = (): void => {
    nodes.length = Math.min(nodes.length, events.length);
    while (nodes.length > 0) {
      const node = nodes[nodes.length - 1]!;
      const done = node.wut.children.shift()!.event!;
      node.explored.push(done);
      node.doneBelow += ended - node.branchStart;
      node.branchStart = ended;
      if (!node.wut.children.some((c) => c.event!.task === done.task)) {
        node.sleep.push({ task: done.task, accesses: done.accesses });
      }
      if (node.wut.children.length > 0) return;
      nodes.pop();
    }
    const alt = initPending.pop();
    if (alt === undefined) isDone = true;
    else initPath = alt;
  };

  return {
    name: 'dpor',
    isExhaustive: true,
    isIndexed: false,
    beginExecution(): boolean {
      if (isDone) return false;
      events = [];
      marks = [];
      initCursor = 0;
      isInStep = false;
      next =
        nodes.length === 0
          ? {
              wut: new WakeupNode(undefined),
              sleep: initialSleep.slice(),
              explored: [],
              doneBelow: 0,
              branchStart: ended,
            }
          : undefined;
      return true;
    },
    nextTask(
      runnable: readonly TaskId[],
      _current: TaskId | undefined,
      v: SchedulerView,
    ): TaskId | undefined {
      view = v;
      isInStep = true;
      taskCount = view.tasks.length;
      const k = events.length;
      isFrontier = k >= nodes.length - 1;
      if (k >= nodes.length) nodes.push(next!);
      const node = nodes[k]!;
      const children = node.wut.children;
      // A wakeup sequence whose next step is disabled here is no race after all:
      // it waits on what the race's first step (or one after it) provides, a
      // grace period, queued work, a value. Enabledness changes only through
      // conflicting steps, so no execution orders that pair the other way: drop
      // the sequence and go on with the next one. (isDisabledReversal drops most
      // such sequences before they are inserted.)
      while (children.length > 0 && !runnable.includes(children[0]!.event!.task as TaskId)) {
        children.shift();
        infeasible++;
      }
      if (children.length === 0) {
        // Every sequence left from an explored node was infeasible: nothing more here.
        if (node.explored.length > 0) return undefined;
        if (!pickFresh(node, runnable, view)) {
          sleepBlocked++;
          return undefined;
        }
      }
      const child = children[0]!;
      const p = child.event!.task as TaskId;
      const task = view.tasks[p]!;
      const accesses = task.peek()!.accesses;
      cur = { task: p, accesses, choices: [], readyAt: task.readyAt(), runnable: runnable.slice() };
      events.push(cur);
      curChild = child;
      dictated = 0;
      if (isFrontier) {
        const sleep = node.sleep.filter((s) => !isConflicting(s.accesses, accesses));
        next = {
          wut: new WakeupNode(undefined, child.children),
          sleep,
          explored: [],
          doneBelow: 0,
          branchStart: ended,
        };
      }
      return p;
    },
    choose(n: number): number {
      if (!isInStep) {
        if (initCursor < initPath.length) return initPath[initCursor++]!;
        for (let a = n - 1; a >= 1; a--) initPending.push([...initPath, a]);
        initPath.push(0);
        initCursor++;
        return 0;
      }
      const ev = curChild!.event!;
      // Past the recorded choices (the step chooses only in some orders, e.g. a
      // contended rqspinlock may time out): the first value, the others as siblings.
      const v = dictated < ev.choices.length ? ev.choices[dictated]! : 0;
      dictated++;
      if (isFrontier) addAlternatives(v, n);
      cur!.choices.push(v);
      return v;
    },
    afterStep(): void {
      const ev = curChild!.event!;
      // The step's own choices, also when this order made more or fewer than recorded.
      if (ev.isPartial || ev.choices.length !== cur!.choices.length) {
        ev.choices = cur!.choices.slice();
        ev.isPartial = false;
      }
    },
    onClockAdvance(now: number): void {
      marks.push({ time: now, afterEvents: events.length });
    },
    endExecution(outcome: ExecutionOutcome): void {
      detectRaces();
      // Tasks left waiting: at a deadlock, daemons idle at the end (scheduler/task.ts isIdle),
      // or where the search gave the execution up (every runnable task asleep): a
      // task blocked there on a take or a held lock races with the acquire that
      // blocked it, and an execution of a split search may meet that race only
      // in a sequence its subtree's sleep set cuts short.
      if (
        outcome.violation?.invariant === DEADLOCK_INVARIANT ||
        outcome.status === 'finished' ||
        outcome.status === 'abandoned'
      )
        detectBlockedRaces();
      ended++;
      estimate = estimateSearchSize(nodes, events.length, ended, initPending.length);
      backtrack();
    },
    info: (): StrategyInfo => ({
      name: 'dpor',
      sleepBlocked,
      wakeupInsertions,
      infeasible,
      estimatedExecutions: isDone ? ended : estimate,
    }),
  };
}

/**
 * Executions the whole search will take, seen from the path that just ended:
 * from the leaf up, each prefix's subtree is the executions its explored
 * branches took, plus the estimate of the branch being explored, plus one
 * average branch for each branch still in its wakeup tree. This is Knuth's
 * estimator ("Estimating the efficiency of backtrack programs", Math. Comp.
 * 29, 1975) with the sizes of the explored siblings in place of a uniform
 * guess. Races found later add branches it cannot see yet, so early figures
 * run low; world-building choices still pending count as one more search each.
 */
function estimateSearchSize(
  nodes: readonly PrefixNode[],
  depth: number,
  ended: number,
  initPending: number,
): number {
  let below = 1;
  for (let k = Math.min(depth, nodes.length) - 1; k >= 0; k--) {
    const node = nodes[k]!;
    const explored = node.doneBelow + below;
    const mean = explored / (node.explored.length + 1);
    below = explored + Math.max(0, node.wut.children.length - 1) * mean;
  }
  const root = nodes[0];
  const before = root === undefined ? 0 : root.branchStart - root.doneBelow;
  return Math.max(ended, Math.round(before + below * (1 + initPending)));
}
