/**
 * Happens-before of one execution with vector clocks, and its races, for DPOR.
 *
 * Dependence: two steps of one task, or two accesses of one object unless both
 * are reads or both are atomics (acquire and release count as writes of the
 * lock object). Atomics (task.ts) commute with each other: a run of them on one
 * object is ordered only against the reads and writes around it.
 *
 * Locks (as Nidhugg does): a release → acquire edge orders the lock's critical
 * sections, so an acquire also races with the previous acquire of the same
 * object, judged without that release edge. The same pair of access kinds
 * serves a queue or semaphore (release = post, acquire = take): a take races
 * with the take before it (it could have consumed that item) and, when another
 * task posted, with the post before it (a post it may not have needed).
 *
 * Virtual clock: an advance to time t happens after every earlier step (it
 * fires only when nothing can run, so no earlier step can be moved past it),
 * and a step happens after the advance that made it ready (the first advance
 * reaching its readyAt). Steps that became ready earlier but were disabled
 * follow the advance through their enabler, so trace equivalence equals the
 * conservative "an advance is dependent with every step".
 */
import type { Access } from './task.js';

/** One executed step as DPOR sees it. */
export interface HbEvent {
  readonly task: number;
  readonly accesses: readonly Access[];
  /** Data choices made inside the step (part of its identity). */
  readonly choices: readonly number[];
  /** Its readyAt() when it ran. */
  readonly readyAt: number;
}

/** A clock advance to `time`, after the first `afterEvents` steps. */
export interface ClockMark {
  readonly time: number;
  readonly afterEvents: number;
}

/** A reversible race: `first` happens directly before `second` and the two may be reordered. */
export interface Race {
  readonly first: number;
  readonly second: number;
}

/** True when two accesses of one object do not commute: not both reads, not both atomics. */
export function isConflictingAccess(x: Access, y: Access): boolean {
  return x.obj === y.obj && (x.kind !== y.kind || (x.kind !== 'read' && x.kind !== 'atomic'));
}

/** True when two footprints touch one object and not both only read it (or both only update it atomically). */
export function isConflicting(a: readonly Access[], b: readonly Access[]): boolean {
  for (const x of a) {
    for (const y of b) if (isConflictingAccess(x, y)) return true;
  }
  return false;
}

interface ObjState {
  lastWrite: number;
  lastWriteKind: Access['kind'];
  lastWriteTask: number;
  lastAcquire: number;
  lastAcquireTask: number;
  // invariant: reads and atomics hold the steps since lastWrite, each in execution order
  reads: number[];
  atomics: number[];
}

/** Happens-before of an execution: `vcs[i][t]` = steps of task t that happen before or at step i. */
export interface HappensBefore {
  readonly vcs: readonly Int32Array[];
  /** Index of each step within its task (0-based). */
  readonly taskIndex: Int32Array;
  readonly races: readonly Race[];
}

/** Candidate race: `c` reaches the current step through the direct edge from `edge`. */
interface Candidate {
  readonly c: number;
  readonly edge: number;
  /**
   * For an acquire judged against the previous acquire `c` whose own unlock is
   * `edge`: paths that know c's task only up to that unlock run through c's
   * critical section, which the current step waited for; they do not order it.
   */
  readonly isSection?: true;
}

function collect(st: ObjState, kind: Access['kind'], preds: number[], cands: Candidate[]): void {
  if (st.lastWrite >= 0) {
    preds.push(st.lastWrite);
    const isAfterRelease = kind === 'acquire' && st.lastWriteKind === 'release';
    const hasAcquire = isAfterRelease && st.lastAcquire >= 0;
    // An acquire after a release races with the acquire before it, judged
    // without the release edge. When the release is the previous acquirer's
    // own (a lock's unlock) the acquire could not have run before it; a post
    // by another task (a queue) may be one this acquire did not need, so it
    // stays a candidate (when it was needed, the reversal is disabled and DPOR
    // drops it).
    if (hasAcquire)
      cands.push(
        st.lastWriteTask === st.lastAcquireTask
          ? { c: st.lastAcquire, edge: st.lastWrite, isSection: true }
          : { c: st.lastAcquire, edge: st.lastWrite },
      );
    if (!hasAcquire || st.lastWriteTask !== st.lastAcquireTask)
      cands.push({ c: st.lastWrite, edge: st.lastWrite });
  }
  if (kind !== 'atomic') {
    for (const a of st.atomics) {
      preds.push(a);
      cands.push({ c: a, edge: a });
    }
  }
  if (kind === 'read') return;
  for (const r of st.reads) {
    preds.push(r);
    cands.push({ c: r, edge: r });
  }
}

function update(st: ObjState, kind: Access['kind'], i: number, task: number): void {
  if (kind === 'read') {
    st.reads.push(i);
    return;
  }
  if (kind === 'atomic') {
    st.atomics.push(i);
    return;
  }
  st.lastWrite = i;
  st.lastWriteKind = kind;
  st.lastWriteTask = task;
  st.reads = [];
  st.atomics = [];
  if (kind === 'acquire') {
    st.lastAcquire = i;
    st.lastAcquireTask = task;
  }
}

/** Computes vector clocks and reversible races of `events` (tasks 0..taskCount-1). */
export function analyseHappensBefore(
  events: readonly HbEvent[],
  taskCount: number,
  marks: readonly ClockMark[],
): HappensBefore {
  const width = taskCount + 1; // last slot counts clock advances
  const vcs: Int32Array[] = [];
  const taskIndex = new Int32Array(events.length);
  const lastOfTask: (Int32Array | undefined)[] = [];
  const counts = new Int32Array(taskCount);
  const all = new Int32Array(width);
  const markVcs: { time: number; vc: Int32Array }[] = [];
  const objs = new Map<number, ObjState>();
  const races: Race[] = [];
  let nextMark = 0;
  for (let i = 0; i < events.length; i++) {
    while (nextMark < marks.length && marks[nextMark]!.afterEvents <= i) {
      const vc = all.slice();
      vc[taskCount] = markVcs.length + 1;
      markVcs.push({ time: marks[nextMark]!.time, vc });
      nextMark++;
    }
    const e = events[i]!;
    const p = e.task;
    const po = lastOfTask[p];
    const vc = po === undefined ? new Int32Array(width) : po.slice();
    const clock = e.readyAt > 0 ? markVcs.find((m) => m.time >= e.readyAt)?.vc : undefined;
    if (clock !== undefined) join(vc, clock);
    const preds: number[] = [];
    const cands: Candidate[] = [];
    for (const a of e.accesses) {
      let st = objs.get(a.obj);
      if (st === undefined) {
        st = {
          lastWrite: -1,
          lastWriteKind: 'write',
          lastWriteTask: -1,
          lastAcquire: -1,
          lastAcquireTask: -1,
          reads: [],
          atomics: [],
        };
        objs.set(a.obj, st);
      }
      collect(st, a.kind, preds, cands);
    }
    const firstRace = races.length;
    for (const { c, edge, isSection } of cands) {
      const q = events[c]!.task;
      if (q === p) continue;
      const k = taskIndex[c]!;
      // Ordered only through what happens after c (after c's unlock, for a section).
      const limit = isSection === true ? taskIndex[edge]! : k;
      const isOrdered =
        (po !== undefined && po[q]! > k) ||
        (clock !== undefined && clock[q]! > k) ||
        // A pred that is c itself is this very race through another object
        // (an acquire that also writes what the lock guards), not another path.
        preds.some((d) => d !== edge && d !== c && vcs[d]![q]! > limit);
      if (isOrdered) continue;
      let isNew = true;
      for (let r = firstRace; r < races.length; r++) if (races[r]!.first === c) isNew = false;
      if (isNew) races.push({ first: c, second: i });
    }
    for (const d of preds) join(vc, vcs[d]!);
    taskIndex[i] = counts[p]!;
    counts[p]!++;
    vc[p] = counts[p]!;
    for (const a of e.accesses) update(objs.get(a.obj)!, a.kind, i, p);
    vcs.push(vc);
    lastOfTask[p] = vc;
    join(all, vc);
  }
  return { vcs, taskIndex, races };
}

function join(into: Int32Array, from: Int32Array): void {
  for (let t = 0; t < into.length; t++) if (from[t]! > into[t]!) into[t] = from[t]!;
}

/**
 * The reversal of a race, notdep(first, E).second (Abdulla et al., JACM 2017):
 * the steps after `first` that do not happen after it, then `second`.
 */
export function reversalOf(hb: HappensBefore, events: readonly HbEvent[], race: Race): number[] {
  const q = events[race.first]!.task;
  const k = hb.taskIndex[race.first]!;
  const out: number[] = [];
  for (let j = race.first + 1; j < events.length; j++) {
    if (j !== race.second && hb.vcs[j]![q]! <= k) out.push(j);
  }
  out.push(race.second);
  return out;
}
