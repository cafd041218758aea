/**
 * The progress line on stderr: executions, rate, violations and time left,
 * redrawn at most every REDRAW_MS, only when stderr is a terminal, and
 * cleared before anything else is printed.
 */
import type { CliIo } from './io.js';

/** Minimum time between two redraws. */
export const REDRAW_MS = 100;
const BAR_WIDTH = 20;
const CLEAR_LINE = '\r\x1b[K';

/** Counts the engine reports between executions. */
export interface ProgressCounts {
  readonly executions: number;
  readonly steps: number;
  readonly violations: number;
}

/** What bounds the run, for the bar and the time left. */
export interface ProgressBounds {
  readonly startMs: number;
  /** Executions the run will do at most, when that bounds it. */
  readonly maxExecutions?: number;
  readonly budgetMs?: number;
}

/** A progress line that can be updated and cleared. */
export interface ProgressLine {
  update(counts: ProgressCounts): void;
  /** Erases the line if it was drawn; safe to call twice. */
  clear(): void;
}

/** A progress line on `io.stderr`, or one that draws nothing when stderr is not a terminal. */
export function createProgressLine(io: CliIo, bounds: ProgressBounds): ProgressLine {
  if (!io.isStderrTty) return { update() {}, clear() {} };
  let lastDraw = Number.NEGATIVE_INFINITY;
  let isDrawn = false;
  return {
    update(counts) {
      const now = io.now();
      if (now - lastDraw < REDRAW_MS) return;
      lastDraw = now;
      const text = formatProgress(counts, bounds, now);
      const max = (io.stderrColumns ?? 80) - 1;
      io.stderr(CLEAR_LINE + (text.length > max ? text.slice(0, max) : text));
      isDrawn = true;
    },
    clear() {
      if (isDrawn) io.stderr(CLEAR_LINE);
      isDrawn = false;
    },
  };
}

/** The progress text at time `now`, e.g. `[#####...] 25%  250 executions  500/s  0 violations  1.5 s left`. */
export function formatProgress(counts: ProgressCounts, bounds: ProgressBounds, now: number): string {
  const elapsedMs = Math.max(0, now - bounds.startMs);
  const rate = elapsedMs > 0 ? (counts.executions * 1000) / elapsedMs : 0;
  const fractions: number[] = [];
  if (bounds.budgetMs !== undefined) fractions.push(elapsedMs / bounds.budgetMs);
  if (bounds.maxExecutions !== undefined) fractions.push(counts.executions / bounds.maxExecutions);
  const parts: string[] = [];
  if (fractions.length > 0) {
    const f = Math.min(1, Math.max(...fractions));
    const filled = Math.round(f * BAR_WIDTH);
    parts.push(`[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${Math.floor(f * 100)}%`);
  }
  parts.push(`${counts.executions} executions`, `${Math.round(rate)}/s`, `${counts.violations} violations`);
  const left = timeLeftMs(counts, bounds, elapsedMs, rate);
  if (left !== undefined) parts.push(`${(left / 1000).toFixed(1)} s left`);
  return parts.join('  ');
}

function timeLeftMs(
  c: ProgressCounts,
  b: ProgressBounds,
  elapsedMs: number,
  rate: number,
): number | undefined {
  const lefts: number[] = [];
  if (b.budgetMs !== undefined) lefts.push(Math.max(0, b.budgetMs - elapsedMs));
  if (b.maxExecutions !== undefined && rate > 0)
    lefts.push((Math.max(0, b.maxExecutions - c.executions) * 1000) / rate);
  return lefts.length === 0 ? undefined : Math.min(...lefts);
}
