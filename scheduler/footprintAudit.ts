/**
 * Checks of what DPOR and sleep sets take on trust, that footprints are
 * honest. auditFootprints: a task's enabledness changes only through a step
 * that conflicts with the task's next step — it wraps any strategy, notes every
 * task's enabledness before each step and reports each task whose enabledness
 * the step changed although their footprints do not conflict.
 * auditCommutation: two adjacent steps declared independent commute — swapped,
 * the rest of the execution and its outcome are the same.
 */
import { ChoiceLog, DEFAULT_MAX_STEPS, runExecution } from './execute.js';
import { isConflicting } from './happensBefore.js';
import { type RecordedExecution, recordingStrategy, type TraceEvent } from './mazurkiewicz.js';
import { createReplayStrategy } from './replay.js';
import type { SchedulerView, Strategy } from './strategy.js';
import type { Access, ExecutionFactory, TaskId } from './task.js';

/** A step that changed another task's enabledness without a conflicting footprint. */
export interface FootprintFinding {
  /** Label of the step that ran. */
  readonly step: string;
  /** The task whose enabledness changed, and its pending step's label. */
  readonly task: string;
  readonly pending: string;
  readonly change: 'enabled' | 'disabled';
}

/** Wraps `inner`; `onFinding` hears every dishonest pair as it happens. */
export function auditFootprints(inner: Strategy, onFinding: (f: FootprintFinding) => void): Strategy {
  // Stryker disable ArrayDeclaration,StringLiteral: nextTask sets these before the step whose afterStep reads them
  let before: boolean[] = [];
  let picked: TaskId | undefined;
  let label = '';
  let accesses: readonly Access[] = [];
  // Stryker restore ArrayDeclaration,StringLiteral
  return {
    ...inner,
    get isExhaustive() {
      return inner.isExhaustive;
    },
    nextTask(runnable, current, view: SchedulerView) {
      const p = inner.nextTask(runnable, current, view);
      if (p === undefined) return undefined;
      // Stryker disable next-line ConditionalExpression: a finished task stays finished, and afterStep skips finished tasks
      before = view.tasks.map((t) => t.peek() !== undefined && t.isEnabled());
      const s = view.tasks[p]!.peek()!;
      picked = p;
      label = s.label;
      accesses = s.accesses;
      return p;
    },
    afterStep(task, view) {
      inner.afterStep?.(task, view);
      view.tasks.forEach((t, q) => {
        const next = t.peek();
        if (q === picked || next === undefined) return;
        const isEnabled = t.isEnabled();
        if (isEnabled === before[q] || isConflicting(accesses, next.accesses)) return;
        onFinding({
          step: label,
          task: t.name,
          pending: next.label,
          change: isEnabled ? 'enabled' : 'disabled',
        });
      });
    },
  };
}

/** A pair of adjacent steps declared independent whose swap changed what followed. */
export interface CommutationFinding {
  /** Index of the first step of the pair among the execution's events (steps and clock advances). */
  readonly at: number;
  readonly first: string;
  readonly second: string;
  /** What differed after the swap. */
  readonly difference: string;
}

/** Replays `choices` strictly and records it; undefined if the stream does not fit. */
function record(factory: ExecutionFactory, choices: readonly number[], maxSteps: number) {
  const inner = createReplayStrategy(choices);
  let rec: RecordedExecution | undefined;
  // Stryker disable next-line StringLiteral: endExecution's onEnd sets it before it is read
  let outcome = '';
  const s = recordingStrategy(inner, (r, o) => {
    rec = r;
    outcome = `${o.status}${o.violation ? ` ${o.violation.invariant}` : ''}`;
  });
  s.beginExecution(0);
  const ran = runExecution(factory, s, { log: new ChoiceLog(), maxSteps });
  // A misfit while running; an execution that ends before its stream does (a
  // violation seen one step sooner) is no misfit here: what follows is compared.
  const misfit = inner.divergence();
  s.endExecution(ran);
  // endExecution ran onEnd, so rec is set
  return misfit !== undefined ? undefined : { ...rec!, outcome };
}

/** The events from `from` on, as task:label, then the outcome. */
const spell = (events: readonly TraceEvent[], from: number, outcome: string): string =>
  `${events
    .slice(from)
    .map((e) => (e.task < 0 ? `@${e.time}` : `${e.task}:${e.label}`))
    .join(' | ')} => ${outcome}`;

/**
 * Swaps each of up to `maxPairs` adjacent pairs of steps of different tasks
 * declared independent (no clock advance between them) in the execution
 * `choices` replays, and checks that the rest of the execution and its
 * outcome stay the same: independent steps must commute.
 */
export function auditCommutation(
  factory: ExecutionFactory,
  choices: readonly number[],
  maxPairs = Number.POSITIVE_INFINITY,
  maxSteps = DEFAULT_MAX_STEPS,
): CommutationFinding[] {
  const original = record(factory, choices, maxSteps);
  if (original === undefined) throw new Error('auditCommutation: the choice stream does not replay');
  const ev = original.events;
  // The choice stream cut per event: a step's task and data choices (a clock advance has none).
  const perEvent = ev.map((e) => (e.task < 0 ? [] : [e.task, ...e.choices]));
  const out: CommutationFinding[] = [];
  let pairs = 0;
  for (let i = 0; i + 1 < ev.length && pairs < maxPairs; i++) {
    const a = ev[i]!;
    const b = ev[i + 1]!;
    if (a.task < 0 || b.task < 0 || a.task === b.task || isConflicting(a.accesses, b.accesses)) continue;
    pairs++;
    const per = perEvent.slice();
    [per[i], per[i + 1]] = [per[i + 1]!, per[i]!];
    const swapped = record(factory, [...original.initialChoices, ...per.flat()], maxSteps);
    const want = spell(ev, i + 2, original.outcome);
    const got =
      swapped === undefined
        ? 'the swapped stream does not replay'
        : spell(swapped.events, i + 2, swapped.outcome);
    if (got !== want) out.push({ at: i, first: a.label, second: b.label, difference: got });
  }
  return out;
}
