/**
 * Human-readable traces of one execution, built by replaying its choice stream
 * with an observer. Only counterexamples get traces; searches never do.
 */
import type { StepObserver } from './execute.js';
import type { Execution, TaskId } from './task.js';

/** One step of a trace. */
export interface TraceStep {
  /** 0-based step index within the execution. */
  readonly step: number;
  readonly task: TaskId;
  readonly taskName: string;
  readonly label: string;
  /** Virtual time at which the step ran. */
  readonly clock: number;
  /** Data choices made inside this step, in order (empty for most steps). */
  readonly choices: readonly number[];
  /** What the step changed, from `Execution.describeLastStep()` when offered. */
  readonly note?: string;
}

/** Collects {@link TraceStep}s; data choices made before the first step land in `initialChoices`. */
export class TraceRecorder implements StepObserver {
  readonly steps: TraceStep[] = [];
  readonly initialChoices: number[] = [];
  private pending: number[] = [];

  onChoice(_n: number, value: number, isInStep: boolean): void {
    if (isInStep) this.pending.push(value);
    else this.initialChoices.push(value);
  }

  onStep(task: TaskId, label: string, now: number, execution: Execution): void {
    const note = execution.describeLastStep?.();
    const base = {
      step: this.steps.length,
      task,
      taskName: execution.tasks[task]!.name,
      label,
      clock: now,
      choices: this.pending,
    };
    this.steps.push(note === undefined ? base : { ...base, note });
    this.pending = [];
  }
}

/** Formats a trace one step per line: `#3 t=0 A: write(x) [choices 1] — note`. */
export function formatTrace(trace: readonly TraceStep[]): string {
  return trace
    .map((s) => {
      const choices = s.choices.length === 0 ? '' : ` [choices ${s.choices.join(',')}]`;
      const note = s.note === undefined ? '' : ` — ${s.note}`;
      return `#${s.step} t=${s.clock} ${s.taskName}: ${s.label}${choices}${note}`;
    })
    .join('\n');
}
