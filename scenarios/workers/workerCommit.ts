/**
 * Runs a plan's units on a pool of executors (worker threads, or the main
 * thread) and commits their results strictly in unit order, exactly as one
 * executor running them one after another would: the run ends at the first
 * committed violation, at the execution cap, or at a stop. Units may finish in
 * any order; a unit that crosses the cap is run again with the exact remainder,
 * so the committed counts never depend on the number of executors.
 */
import type { RunHooks } from '../engine/engine.js';
import type { PreparedRun } from '../engine/prepare.js';
import {
  type RunPlan,
  runUnit,
  type UnitContext,
  type UnitResult,
  unitAt,
  type WorkUnit,
} from './workerUnits.js';

/** A unit running somewhere; `cancel` stops it at its next execution boundary. */
export interface RunningUnit {
  readonly result: Promise<UnitResult>;
  cancel(): void;
}

/** Where units run: `slots` at a time. */
export interface UnitExecutor {
  readonly slots: number;
  start(
    unit: WorkUnit,
    ctx: UnitContext,
    onProgress: (executions: number, steps: number) => void,
  ): RunningUnit;
  close(): Promise<void>;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs units on the main thread, `runs.length` at a time (each slot has its
 * own prepared run, as a worker thread would). Each unit yields to the event
 * loop between explore calls, so slots interleave and the front end stays live.
 */
export function createInProcessExecutor(
  runs: readonly PreparedRun[],
  shouldStop: () => boolean,
): UnitExecutor {
  const free = [...runs];
  return {
    slots: runs.length,
    start(unit, ctx, onProgress) {
      const run = free.shift();
      if (run === undefined) throw new Error('checker bug: more units started than executor slots');
      let isCancelled = false;
      const result = nextTurn()
        .then(() =>
          runUnit(run, unit, ctx, {
            shouldStop: () => isCancelled || shouldStop(),
            onChunk: async (executions, steps) => {
              onProgress(executions, steps);
              await nextTurn();
            },
          }),
        )
        .finally(() => free.push(run));
      return {
        result,
        cancel: () => {
          isCancelled = true;
        },
      };
    },
    close: async () => {},
  };
}

/** Committed totals of a run. */
export interface CommittedRun {
  /** Committed unit results, in order; the last may hold the violation or be cut by a stop. */
  readonly results: readonly UnitResult[];
  /** Executions committed before each result. */
  readonly offsets: readonly number[];
  /** True when every unit of the plan was committed in full. */
  readonly isAllCommitted: boolean;
}

interface Flight {
  readonly unit: WorkUnit;
  readonly running: RunningUnit;
  /** Progress of the unit so far. */
  readonly seen: { executions: number; steps: number };
}

/** Runs `plan` on `executor`, committing in order; see the file comment. */
export async function commitUnits(
  plan: RunPlan,
  executor: UnitExecutor,
  hooks: RunHooks,
): Promise<CommittedRun> {
  const shouldStop = hooks.shouldStop ?? (() => false);
  const ctx = plan.context;
  const flights = new Map<number, Flight>();
  const finished = new Map<number, UnitResult>();
  const results: UnitResult[] = [];
  const offsets: number[] = [];
  let committedExecutions = 0;
  let committedSteps = 0;
  let nextOrder = 0;
  let firstViolationOrder = Number.POSITIVE_INFINITY;
  let isDone = false;
  let isStopped = false;
  const progress = (): void => {
    let executions = committedExecutions;
    let steps = committedSteps;
    for (const f of flights.values()) {
      executions += f.seen.executions;
      steps += f.seen.steps;
    }
    const violations = firstViolationOrder === Number.POSITIVE_INFINITY ? 0 : 1;
    hooks.onProgress?.({ executions, steps, violations });
  };
  const launch = (unit: WorkUnit): void => {
    const seen = { executions: 0, steps: 0 };
    const running = executor.start(unit, ctx, (executions, steps) => {
      seen.executions = executions;
      seen.steps = steps;
      progress();
      if (!isStopped && shouldStop()) stopAll();
    });
    flights.set(unit.order, { unit, running, seen });
  };
  const stopAll = (): void => {
    isStopped = true;
    for (const f of flights.values()) f.running.cancel();
  };
  const commit = async (): Promise<void> => {
    for (let r = finished.get(results.length); r !== undefined && !isDone; r = finished.get(results.length)) {
      finished.delete(r.order);
      const remaining = plan.cap - committedExecutions;
      const isOverCap =
        r.executions > remaining && (r.violation === undefined || r.violation.position >= remaining);
      if (isOverCap && !plan.isIndexed) {
        // Ran with a looser cap while earlier units were in flight: redo with the exact one.
        const again = unitAt(plan, r.order, remaining)!;
        r = await executor.start(again, ctx, () => {}).result;
      }
      offsets.push(committedExecutions);
      results.push(r);
      committedExecutions += r.executions;
      committedSteps += r.steps;
      if (r.violation !== undefined || r.stoppedBy === 'shouldStop' || committedExecutions >= plan.cap) {
        isDone = true;
      }
    }
  };
  if (!shouldStop()) {
    for (;;) {
      while (!isDone && !isStopped && flights.size < executor.slots && nextOrder <= firstViolationOrder) {
        const unit = unitAt(plan, nextOrder, plan.cap - committedExecutions);
        if (unit === undefined) break;
        nextOrder++;
        launch(unit);
      }
      if (flights.size === 0) break;
      const done = await Promise.race(
        [...flights.values()].map((f) => f.running.result.then((r) => ({ f, r }))),
      );
      flights.delete(done.f.unit.order);
      if (isDone) continue;
      finished.set(done.r.order, done.r);
      if (done.r.violation !== undefined) firstViolationOrder = Math.min(firstViolationOrder, done.r.order);
      await commit();
      progress();
      if (isDone) for (const f of flights.values()) f.running.cancel();
      else if (!isStopped && shouldStop()) stopAll();
    }
  }
  const isAllCommitted =
    unitAt(plan, results.length, 1) === undefined && results.every((r) => r.stoppedBy !== 'shouldStop');
  return { results, offsets, isAllCommitted };
}
