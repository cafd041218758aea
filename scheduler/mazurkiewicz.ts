/**
 * Mazurkiewicz traces, the ground truth for DPOR: canonicalise an execution by
 * its happens-before order (the lexicographically least linearisation, by task
 * id) and count distinct traces by naive enumeration of every interleaving.
 * Dependence is the one DPOR uses (happensBefore.ts); a clock advance is
 * dependent with every step.
 */
import { createDfsStrategy } from './dfs.js';
import { ChoiceLog, DEFAULT_MAX_STEPS, runExecution } from './execute.js';
import { explore } from './explore.js';
import { isConflicting } from './happensBefore.js';
import { createReplayStrategy } from './replay.js';
import type { ExecutionOutcome, Strategy } from './strategy.js';
import type { Access, ExecutionFactory, TaskId } from './task.js';

/** One event of a recorded execution: a step, or a clock advance (task -1). */
export interface TraceEvent {
  readonly task: number;
  readonly accesses: readonly Access[];
  readonly choices: number[];
  /** For a clock advance, the new time; for a step, its readyAt(). */
  readonly time: number;
  /** The step's label ('' for a clock advance). */
  readonly label: string;
}

/** A recorded execution: world-building choices, then its events in order. */
export interface RecordedExecution {
  readonly initialChoices: number[];
  readonly events: TraceEvent[];
}

const CLOCK = -1;

/**
 * Wraps a strategy so that each execution's steps (with their footprints and
 * data choices) and clock advances are recorded; `onEnd` receives the record
 * of every execution as it ends.
 */
export function recordingStrategy(
  inner: Strategy,
  onEnd: (rec: RecordedExecution, outcome: ExecutionOutcome) => void,
): Strategy {
  let rec: RecordedExecution = { initialChoices: [], events: [] };
  let current: TraceEvent | undefined;
  return {
    ...inner,
    get isExhaustive() {
      return inner.isExhaustive;
    },
    beginExecution(i) {
      rec = { initialChoices: [], events: [] };
      current = undefined;
      return inner.beginExecution(i);
    },
    nextTask(runnable, cur, view) {
      const p = inner.nextTask(runnable, cur, view);
      if (p === undefined) return undefined;
      const t = view.tasks[p]!;
      const next = t.peek()!;
      current = { task: p, accesses: next.accesses, choices: [], time: t.readyAt(), label: next.label };
      rec.events.push(current);
      return p;
    },
    choose(n) {
      const v = inner.choose(n);
      (current === undefined ? rec.initialChoices : current.choices).push(v);
      return v;
    },
    onClockAdvance(now) {
      rec.events.push({ task: CLOCK, accesses: [], choices: [], time: now, label: '' });
      inner.onClockAdvance?.(now);
    },
    endExecution(outcome) {
      onEnd(rec, outcome);
      inner.endExecution(outcome);
    },
  };
}

/**
 * The factory with its checks switched off, for counting: an execution that
 * ends at a violation is a prefix whose trace depends on where the check
 * fired, so trace counts compare whole interleavings (a deadlock still ends
 * one: nothing can run).
 */
export function withoutChecks(factory: ExecutionFactory): ExecutionFactory {
  return (choose, clock) => {
    const e = factory(choose, clock);
    return { ...e, checkStep: () => undefined, checkEnd: () => undefined };
  };
}

/** Replays `choices` exactly and records every step's footprint and every clock advance. */
export function recordExecution(
  factory: ExecutionFactory,
  choices: readonly number[],
  maxSteps = DEFAULT_MAX_STEPS,
): RecordedExecution {
  const inner = createReplayStrategy(choices);
  let recorded: RecordedExecution = { initialChoices: [], events: [] };
  const recorder = recordingStrategy(inner, (rec) => {
    recorded = rec;
  });
  recorder.beginExecution(0);
  const outcome = runExecution(factory, recorder, { log: new ChoiceLog(), maxSteps });
  recorder.endExecution(outcome);
  const d = inner.divergence();
  if (d !== undefined) throw new Error(`recordExecution: the stream does not replay: ${d.reason}`);
  return recorded;
}

function isDependent(a: TraceEvent, b: TraceEvent): boolean {
  return a.task === b.task || a.task === CLOCK || b.task === CLOCK || isConflicting(a.accesses, b.accesses);
}

const KIND_LETTER: Readonly<Record<Access['kind'], string>> = {
  read: 'r',
  write: 'w',
  acquire: 'a',
  release: 'l',
  atomic: 'u',
};

function labelOf(e: TraceEvent): string {
  if (e.task === CLOCK) return `@${e.time}`;
  const acc = e.accesses.map((a) => `${KIND_LETTER[a.kind]}${a.obj}`).join('.');
  return `${e.task}[${acc}]${e.choices.length === 0 ? '' : `(${e.choices.join(',')})`}`;
}

/**
 * The canonical form of a recorded execution's trace: its lexicographically
 * least linearisation (smallest task id first; the clock counts as -1). Two
 * executions are Mazurkiewicz-equivalent iff their canonical forms are equal.
 */
export function canonicalTrace(rec: RecordedExecution): string {
  const ev = rec.events;
  const preds = ev.map((e, j) => {
    let n = 0;
    for (let i = 0; i < j; i++) if (isDependent(ev[i]!, e)) n++;
    return n;
  });
  const isDone = ev.map(() => false);
  const out: string[] = [];
  for (let placed = 0; placed < ev.length; placed++) {
    let best = -1;
    for (let j = 0; j < ev.length; j++) {
      if (!isDone[j] && preds[j] === 0 && (best < 0 || ev[j]!.task < ev[best]!.task)) best = j;
    }
    isDone[best] = true;
    out.push(labelOf(ev[best]!));
    for (let j = best + 1; j < ev.length; j++) if (isDependent(ev[best]!, ev[j]!)) preds[j]!--;
  }
  return `${rec.initialChoices.join(',')}|${out.join(' ')}`;
}

/** The canonical trace of the execution that `choices` replays. */
export function canonicalTraceOf(factory: ExecutionFactory, choices: readonly number[]): string {
  return canonicalTrace(recordExecution(factory, choices));
}

/** Result of {@link countMazurkiewiczTraces}. */
export interface TraceCount {
  /** Every interleaving (naive enumeration). */
  readonly executions: number;
  /** Distinct Mazurkiewicz traces among them. */
  readonly traces: number;
  /** Canonical forms, in first-seen order. */
  readonly canonical: readonly string[];
}

// An invariant id no execution reports, so that every violation is ignored.
const NO_INVARIANT = '\u0000none';

/**
 * Counts the Mazurkiewicz traces of `factory` by enumerating every
 * interleaving (naive DFS) and canonicalising each; executions that end in a
 * violation (e.g. a deadlock) count too. Small programs only; throws if the
 * enumeration hits `maxExecutions`.
 */
export function countMazurkiewiczTraces(factory: ExecutionFactory, maxExecutions = 1_000_000): TraceCount {
  const seen = new Set<string>();
  const r = explore(factory, createDfsStrategy(), {
    maxExecutions,
    onlyInvariant: NO_INVARIANT,
    onExecutionEnd: (e) => seen.add(canonicalTraceOf(factory, e.choices)),
  });
  if (r.status !== 'passed' || !r.complete) {
    throw new Error(`countMazurkiewiczTraces: enumeration did not complete (${r.status}, ${r.stoppedBy})`);
  }
  return { executions: r.executions, traces: seen.size, canonical: [...seen] };
}

/** Task ids of a step sequence, for readable test listings: `[0, 1, 1]` → `'ABB'`. */
export function spellSchedule(tasks: readonly (TaskId | number)[]): string {
  return tasks.map((t) => String.fromCharCode(65 + t)).join('');
}
