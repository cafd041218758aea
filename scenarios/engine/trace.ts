/**
 * Counterexample traces as report rows: replays a choice stream with an
 * observer that records each step's task, label, accesses and what it changed.
 */
import { ChoiceLog, runExecution, type StepObserver } from '../../scheduler/execute.js';
import { createReplayStrategy, type Divergence } from '../../scheduler/replay.js';
import type { ExecutionOutcome } from '../../scheduler/strategy.js';
import type { Execution, ExecutionFactory, TaskId } from '../../scheduler/task.js';
import { lastAccessesOf } from '../compile/world.js';
import type { TraceRow } from './result.js';

class RowRecorder implements StepObserver {
  readonly rows: TraceRow[] = [];

  onChoice(): void {}

  onStep(task: TaskId, label: string, now: number, execution: Execution): void {
    const t = execution.tasks[task]!;
    this.rows.push({
      index: this.rows.length,
      task,
      taskName: t.name,
      label,
      note: execution.describeLastStep?.() ?? '',
      accesses: lastAccessesOf(t).map((a) => {
        const name = execution.describeObject?.(a.obj);
        return name === undefined ? { kind: a.kind, obj: a.obj } : { kind: a.kind, obj: a.obj, name };
      }),
      clock: now,
    });
  }
}

/** A replay with rows: the outcome, and the divergence when the stream does not fit. */
export interface RowReplay {
  readonly outcome: ExecutionOutcome;
  readonly rows: readonly TraceRow[];
  readonly divergence: Divergence | undefined;
}

/** Replays `choices` exactly, recording a row per step. */
export function replayRows(
  factory: ExecutionFactory,
  choices: readonly number[],
  maxSteps: number,
): RowReplay {
  const strategy = createReplayStrategy(choices);
  const recorder = new RowRecorder();
  strategy.beginExecution(0);
  const outcome = runExecution(factory, strategy, { log: new ChoiceLog(), maxSteps, observer: recorder });
  strategy.endExecution(outcome);
  return { outcome, rows: recorder.rows, divergence: strategy.divergence() };
}
