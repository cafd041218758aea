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
  let before: boolean[] = [];
  let picked: TaskId | undefined;
  let label = '';
  let accesses: readonly Access[] = [];
  return {
    ...inner,
    get isExhaustive() {
      return inner.isExhaustive;
    },
    nextTask(runnable, current, view: SchedulerView) {
      const p = inner.nextTask(runnable, current, view);
      if (p === undefined) return undefined;
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
  /** Index of the first step of the pair in the execution. */
  readonly at: number;
  readonly first: string;
  readonly second: string;
  /** What differed after the swap. */
  readonly difference: string;
}

interface Ran {
  readonly steps: { readonly task: number; readonly label: string; readonly accesses: readonly Access[] }[];
  /** The choice stream, cut per step: world-building choices, then per step [task, ...data choices]. */
  readonly initial: number[];
  readonly perStep: number[][];
  readonly outcome: string;
}

/** Runs `choices` strictly, noting each step's label and footprint; undefined if the stream does not fit. */
function run(factory: ExecutionFactory, choices: readonly number[], maxSteps: number): Ran | undefined {
  const inner = createReplayStrategy(choices);
  const ran: Ran = { steps: [], initial: [], perStep: [], outcome: '' };
  let current: number[] | undefined;
  const s: Strategy = {
    ...inner,
    nextTask(runnable, cur, view) {
      const p = inner.nextTask(runnable, cur, view);
      if (p === undefined) return undefined;
      const next = view.tasks[p]!.peek()!;
      ran.steps.push({ task: p, label: next.label, accesses: next.accesses });
      current = [p];
      ran.perStep.push(current);
      return p;
    },
    choose(n) {
      const v = inner.choose(n);
      (current ?? ran.initial).push(v);
      return v;
    },
  };
  s.beginExecution(0);
  const outcome = runExecution(factory, s, { log: new ChoiceLog(), maxSteps });
  if (inner.divergence() !== undefined) return undefined;
  return {
    ...ran,
    outcome: `${outcome.status}${outcome.violation ? ` ${outcome.violation.invariant}` : ''}`,
  };
}

const spell = (r: Ran, from: number): string =>
  r.steps
    .slice(from)
    .map((e) => `${e.task}:${e.label}`)
    .join(' | ');

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
  const original = run(factory, choices, maxSteps);
  if (original === undefined) throw new Error('auditCommutation: the choice stream does not replay');
  const out: CommutationFinding[] = [];
  let pairs = 0;
  for (let i = 0; i + 1 < original.steps.length && pairs < maxPairs; i++) {
    const a = original.steps[i]!;
    const b = original.steps[i + 1]!;
    if (a.task === b.task || isConflicting(a.accesses, b.accesses)) continue;
    pairs++;
    const per = original.perStep.slice();
    [per[i], per[i + 1]] = [per[i + 1]!, per[i]!];
    const swapped = run(factory, [...original.initial, ...per.flat()], maxSteps);
    const want = `${spell(original, i + 2)} => ${original.outcome}`;
    const got =
      swapped === undefined
        ? 'the swapped stream does not replay'
        : `${spell(swapped, i + 2)} => ${swapped.outcome}`;
    if (got !== want) out.push({ at: i, first: a.label, second: b.label, difference: got });
  }
  return out;
}
