/**
 * Symmetry reduction for interchangeable tasks (Emerson & Sistla, "Symmetry
 * and model checking", FMSD 9, 1996; Ip & Dill, "Better verification through
 * symmetry", FMSD 9, 1996), in the form that composes with DPOR: the tasks
 * of one class start in index order.
 *
 * A class is a set of tasks such that renaming them among themselves maps the
 * world onto itself: same code, same parameters, same initial state, and
 * nothing else (other tasks, checks) tells them apart except by name. Then for
 * every execution E, renaming the class's tasks by the order of their first
 * steps in E gives an execution π(E) in which they start in index order, with
 * the same verdict and the same final state up to that renaming. So the search
 * may keep only executions where task c[j] runs its first step after c[j-1]
 * ran its own, and loses no verdict and no final state (up to renaming).
 *
 * That restriction is a condition wait, which DPOR already handles: c[j]'s
 * first step is disabled until c[j-1] has started, and both first steps
 * declare a write of a gate object g[j-1] ("a wait that stays ready once ready
 * writes what it waits on", as the model's waits do). Their order is therefore
 * part of every trace, every linearisation of a gated trace keeps the class in
 * index order, and DPOR's reversal of the pair is dropped as infeasible: one
 * trace per class of renamings is explored, never a trace twice. The gates add
 * only waits, so every gated execution is an execution of the original world,
 * and its choice stream replays there as it is.
 */
import type { Access, ExecutionFactory, StepInfo, Task } from './task.js';

/** Interchangeable tasks, by index in the execution's task list, ascending. */
export type SymmetryClass = readonly number[];

/** Checks that classes are disjoint, ascending and of at least two tasks; throws on a caller bug. */
export function checkSymmetryClasses(classes: readonly SymmetryClass[], taskCount: number): void {
  const seen = new Set<number>();
  for (const c of classes) {
    if (c.length < 2) throw new Error(`symmetry class [${c.join(', ')}] needs at least two tasks`);
    c.forEach((t, j) => {
      if (!Number.isInteger(t) || t < 0 || t >= taskCount || seen.has(t) || (j > 0 && t <= c[j - 1]!))
        throw new Error(
          `symmetry class [${c.join(', ')}]: task ${t} is out of range, repeated or out of order`,
        );
      seen.add(t);
    });
  }
}

/** A task of a class held until the one before it in the class has started. */
class GatedTask implements Task {
  readonly name: string;
  private isStarted = false;
  private firstSeen: StepInfo | undefined;
  private ranLabel = '';

  constructor(
    readonly inner: Task,
    /** The task before this one in its class, if any. */
    private readonly before: GatedTask | undefined,
    /** Gate objects this task's first step writes: the one it waits on, the one it opens. */
    private readonly gates: readonly number[],
  ) {
    this.name = inner.name;
  }

  peek(): StepInfo | undefined {
    const s = this.inner.peek();
    if (this.isStarted || s === undefined) return s;
    if (this.firstSeen === undefined) {
      const extra: Access[] = this.gates.map((obj) => ({ kind: 'write', obj }));
      this.firstSeen = { label: s.label, accesses: [...s.accesses, ...extra] };
    }
    return this.firstSeen;
  }

  isEnabled(): boolean {
    if (!this.isStarted && this.before !== undefined && !this.before.isStarted) return false;
    return this.inner.isEnabled();
  }

  readyAt(): number {
    return this.inner.readyAt();
  }

  step(): void {
    this.ranLabel = this.inner.peek()!.label;
    this.inner.step();
    this.isStarted = true;
  }

  lastLabel(): string {
    return this.inner.lastLabel?.() ?? this.ranLabel;
  }
}

/**
 * The tasks with each class gated to start in index order. `gateObj(i, j)`
 * names the gate between c[j-1] and c[j] of class i: an object id no task
 * touches, the same in every execution.
 */
export function gateSymmetricTasks(
  tasks: readonly Task[],
  classes: readonly SymmetryClass[],
  gateObj: (cls: number, j: number) => number,
): Task[] {
  checkSymmetryClasses(classes, tasks.length);
  const out = tasks.slice();
  classes.forEach((c, i) => {
    let before: GatedTask | undefined;
    c.forEach((t, j) => {
      const gates: number[] = [];
      if (j > 0) gates.push(gateObj(i, j));
      if (j + 1 < c.length) gates.push(gateObj(i, j + 1));
      before = new GatedTask(tasks[t]!, before, gates);
      out[t] = before;
    });
  });
  return out;
}

/** The task a gate wraps, or the task itself. */
export function ungated(task: Task): Task {
  return task instanceof GatedTask ? task.inner : task;
}

/**
 * Wraps `factory` so that every execution gates its `classes` (tasks by index);
 * `gateObj(i, j)` as for {@link gateSymmetricTasks}.
 */
export function withSymmetry(
  factory: ExecutionFactory,
  classes: readonly SymmetryClass[],
  gateObj: (cls: number, j: number) => number,
): ExecutionFactory {
  return (choose, clock) => {
    const e = factory(choose, clock);
    return { ...e, tasks: gateSymmetricTasks(e.tasks, classes, gateObj) };
  };
}
