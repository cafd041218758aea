/**
 * A check of what DPOR and sleep sets take on trust: a task's enabledness
 * changes only through a step that conflicts with the task's next step. The
 * audit wraps any strategy, notes every task's enabledness before each step
 * and reports each task whose enabledness the step changed although their
 * footprints do not conflict (a step that enabled or disabled a waiter without
 * declaring what the waiter's readiness reads).
 */
import { isConflicting } from './happensBefore.js';
import type { SchedulerView, Strategy } from './strategy.js';
import type { Access, TaskId } from './task.js';

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
