/**
 * Chrome Trace Event Format (opens in Perfetto and chrome://tracing): one
 * thread per task, one complete ("X") event per step, named by its label.
 */
import type { Outcome } from '../outcome.js';
import { replayCommand } from '../shell.js';

/** Simulated duration of one step, in microseconds. */
export const STEP_US = 1000;
const PID = 1;

/** One event of the Trace Event Format. */
export interface TraceEvent {
  readonly name: string;
  readonly ph: 'X' | 'M' | 'i';
  readonly pid: number;
  readonly tid: number;
  readonly ts?: number;
  readonly dur?: number;
  readonly cat?: string;
  readonly s?: 'g' | 'p' | 't';
  readonly args: Readonly<Record<string, unknown>>;
}

/** Renders the counterexample (none on a pass) as trace-event JSON. */
export function renderChrome(outcome: Outcome): string {
  const r = outcome.report;
  const trace = r.violation?.trace ?? [];
  const events: TraceEvent[] = [
    { name: 'process_name', ph: 'M', pid: PID, tid: 0, args: { name: `${r.scenario} (kernel ${r.kernel})` } },
  ];
  const seen = new Set<number>();
  for (const row of trace) {
    if (seen.has(row.task)) continue;
    seen.add(row.task);
    events.push({ name: 'thread_name', ph: 'M', pid: PID, tid: row.task + 1, args: { name: row.taskName } });
    events.push({
      name: 'thread_sort_index',
      ph: 'M',
      pid: PID,
      tid: row.task + 1,
      args: { sort_index: row.task },
    });
  }
  for (const row of trace) {
    const accesses = row.accesses.map((a) => `${a.kind} ${a.obj}`).join(', ');
    events.push({
      name: row.label,
      cat: 'step',
      ph: 'X',
      pid: PID,
      tid: row.task + 1,
      ts: row.index * STEP_US,
      dur: STEP_US,
      args: { step: row.index, note: row.note, accesses, clock: row.clock },
    });
  }
  const v = r.violation;
  if (v) {
    const last = trace.length === 0 ? 0 : trace[trace.length - 1]!.index + 1;
    const args = { message: v.message, replay: replayCommand(v.replay) };
    events.push({
      name: `violation: ${v.invariant}`,
      ph: 'i',
      s: 'g',
      pid: PID,
      tid: 0,
      ts: last * STEP_US,
      args,
    });
  }
  const otherData = {
    scenario: r.scenario,
    kernel: r.kernel,
    strategy: r.strategy,
    seed: r.seed,
    verdict: r.verdict,
  };
  return `${JSON.stringify({ traceEvents: events, displayTimeUnit: 'ms', otherData }, null, 1)}\n`;
}
