/**
 * The step loop: runs one execution under a strategy, recording every decision
 * (picked task ids and data-choice values, in order) in one choice stream.
 * Seed replay, schedule replay, exhaustive search and shrinking all go through it.
 */
import type { ExecutionOutcome, SchedulerView, Strategy } from './strategy.js';
import type { Execution, ExecutionFactory, Task, TaskId, Violation, VirtualClock } from './task.js';

/** Default step budget per execution; exceeding it is a `no-livelock` violation. */
export const DEFAULT_MAX_STEPS = 10_000;

/** Violation id reported when no task can run but some have not finished. */
export const DEADLOCK_INVARIANT = 'no-deadlock';
/** Violation id reported when an execution exceeds its step budget. */
export const LIVELOCK_INVARIANT = 'no-livelock';

/**
 * The recorded choice stream of the current execution: one entry per step (the
 * picked task id) and one per data choice (the value), in the order they were made.
 */
export class ChoiceLog {
  // invariant: values[0..size) is the stream; entries past size are stale and
  // kept so that the backing store is reused by the next execution (no trim, no regrowth).
  private readonly values: number[] = [];
  private size = 0;

  /** Forgets everything; called at the start of each execution. */
  reset(): void {
    this.size = 0;
  }

  /** Appends one decision. */
  push(value: number): void {
    if (this.size < this.values.length) this.values[this.size] = value;
    else this.values.push(value);
    this.size++;
  }

  /** Number of decisions so far. */
  get length(): number {
    return this.size;
  }

  /** A copy of the stream (taken only for counterexamples and callbacks). */
  snapshot(): number[] {
    return this.values.slice(0, this.size);
  }
}

/**
 * Runnable-set arrays reused across steps: `of(n)` is an array of length n, so
 * the loop never resizes an array (V8 trims and regrows on `length = 0`).
 * Strategies read the array during nextTask only and never keep it.
 */
class RunnableArrays {
  private readonly bySize: TaskId[][] = [];
  private readonly scratch: TaskId[] = [];
  count = 0;

  clear(): void {
    this.count = 0;
  }

  add(t: TaskId): void {
    if (this.count < this.scratch.length) this.scratch[this.count] = t;
    else this.scratch.push(t);
    this.count++;
  }

  /** The runnable ids as an array of exactly `count` entries. */
  view(): TaskId[] {
    const n = this.count;
    let a = this.bySize[n];
    if (a === undefined) {
      a = new Array<TaskId>(n).fill(0 as TaskId);
      this.bySize[n] = a;
    }
    for (let i = 0; i < n; i++) a[i] = this.scratch[i]!;
    return a;
  }
}

/** Sees every step; used only when building traces, never in a search. */
export interface StepObserver {
  /** A data choice; `isInStep` is false while the factory builds the world. */
  onChoice(n: number, value: number, isInStep: boolean): void;
  /** Called after `task` ran the step labelled `label`, before invariant checks. */
  onStep(task: TaskId, label: string, now: number, execution: Execution): void;
}

/** Everything {@link runExecution} needs besides the factory and the strategy. */
export interface RunContext {
  readonly log: ChoiceLog;
  readonly maxSteps: number;
  readonly observer?: StepObserver;
}

class LoopState implements SchedulerView, VirtualClock {
  tasks: readonly Task[] = [];
  time = 0;
  stepCount = 0;
  now(): number {
    return this.time;
  }
  steps(): number {
    return this.stepCount;
  }
}

function describeDeadlock(tasks: readonly Task[], now: number): Violation {
  const blocked: string[] = [];
  for (const t of tasks) {
    const next = t.peek();
    if (next !== undefined) blocked.push(`${t.name} (${next.label})`);
  }
  return {
    invariant: DEADLOCK_INVARIANT,
    message: `deadlock at t=${now}: no task can run and no timed wake-up is pending; blocked: ${blocked.join(', ')}`,
  };
}

/** True when some task has a next step that is not an idle wait (asked only when nothing can run). */
function hasUnfinished(tasks: readonly Task[]): boolean {
  for (const t of tasks) if (t.peek() !== undefined && t.isIdle?.() !== true) return true;
  return false;
}

function checkPick(pick: TaskId, runnable: readonly TaskId[], steps: number): void {
  if (!runnable.includes(pick)) {
    throw new Error(`checker bug: picked task ${pick} at step ${steps}; runnable = [${runnable.join(', ')}]`);
  }
}

/**
 * Runs one execution to its end: every task finished or waiting idle (then
 * `checkEnd`), a
 * violation (including deadlock and exceeding `maxSteps`), or abandonment by the
 * strategy. Never throws for model behaviour; throws only on checker bugs.
 */
export function runExecution(
  factory: ExecutionFactory,
  strategy: Strategy,
  ctx: RunContext,
): ExecutionOutcome {
  const { log, maxSteps, observer } = ctx;
  log.reset();
  const state = new LoopState();
  let isWorldBuilt = false;
  const choose = (n: number): number => {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`choose(n) needs a positive integer n, got ${n}`);
    const v = strategy.choose(n);
    if (!Number.isInteger(v) || v < 0 || v >= n) throw new Error(`checker bug: choose(${n}) returned ${v}`);
    log.push(v);
    observer?.onChoice(n, v, isWorldBuilt);
    return v;
  };
  const execution = factory(choose, state);
  isWorldBuilt = true;
  const tasks = execution.tasks;
  state.tasks = tasks;
  const runnableSet = new RunnableArrays();
  let current: TaskId | undefined;
  let preemptions = 0;
  let clockAdvances = 0;
  const end = (status: ExecutionOutcome['status'], violation?: Violation): ExecutionOutcome => ({
    status,
    violation,
    steps: state.stepCount,
    preemptions,
    clockAdvances,
  });
  for (;;) {
    runnableSet.clear();
    let isCurrentRunnable = false;
    let nextWake = Number.POSITIVE_INFINITY;
    for (let i = 0; i < tasks.length; i++) {
      const t = tasks[i]!;
      if (t.peek() === undefined || !t.isEnabled()) continue;
      const ready = t.readyAt();
      if (ready <= state.time) {
        runnableSet.add(i as TaskId);
        if (i === current) isCurrentRunnable = true;
      } else if (ready < nextWake) nextWake = ready;
    }
    if (runnableSet.count === 0) {
      // Every task finished, or waits idle for work that nothing will queue.
      if (nextWake === Number.POSITIVE_INFINITY && !hasUnfinished(tasks)) {
        const v = execution.checkEnd();
        return v === undefined ? end('finished') : end('violated', v);
      }
      if (nextWake === Number.POSITIVE_INFINITY) return end('violated', describeDeadlock(tasks, state.time));
      state.time = nextWake;
      clockAdvances++;
      strategy.onClockAdvance?.(nextWake);
      continue;
    }
    if (state.stepCount >= maxSteps) {
      return end('violated', {
        invariant: LIVELOCK_INVARIANT,
        message: `execution exceeded maxSteps = ${maxSteps} (livelock or unbounded loop)`,
      });
    }
    const runnable = runnableSet.view();
    const pick = strategy.nextTask(runnable, current, state);
    if (pick === undefined) return end('abandoned');
    checkPick(pick, runnable, state.stepCount);
    log.push(pick);
    if (isCurrentRunnable && pick !== current) preemptions++;
    const task = tasks[pick]!;
    const label = observer === undefined ? '' : task.peek()!.label;
    task.step();
    state.stepCount++;
    current = pick;
    strategy.afterStep?.(pick, state);
    if (observer !== undefined) observer.onStep(pick, task.lastLabel?.() ?? label, state.time, execution);
    const v = execution.checkStep();
    if (v !== undefined) return end('violated', v);
  }
}
