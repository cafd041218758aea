/**
 * A counterexample trace as text columns: one column per task in the trace,
 * one row per step, the step's label in its task's column and what it
 * changed (the note) on the lines below. Long cells wrap inside their column
 * at identifier boundaries (a column is never narrower than its longest name,
 * up to MAX_NAME_COLUMN), so nothing of a label or a note is lost or split.
 */
import type { TraceRow } from '../../scenarios/engine/result.js';

/** Width used when stdout is not a terminal. */
export const DEFAULT_TABLE_WIDTH = 160;
const MIN_COLUMN = 16;
/** A column widens to its longest identifier up to this, so names stay whole. */
const MAX_NAME_COLUMN = 40;
const GAP = '  ';
const NOTE_PREFIX = '→ ';

interface Column {
  readonly task: number;
  readonly name: string;
  width: number;
  /** The longest identifier in the column (capped): the column's least width. */
  minWidth: number;
}

const IDENT = /[A-Za-z0-9_$#.]/;
/** Identifiers: C names, kernel symbols with dots (`.bss`), ids and program labels (`count#2`). */
const IDENTIFIERS = /[A-Za-z0-9_$#.]+/g;

/** The length of the longest identifier in `text`. */
function longestIdentifier(text: string): number {
  let n = 0;
  for (const m of text.matchAll(IDENTIFIERS)) n = Math.max(n, Array.from(m[0]).length);
  return n;
}

/** True when a line may end before `chars[i]`: not inside an identifier, nor inside `->`. */
function isBoundary(chars: readonly string[], i: number): boolean {
  const a = chars[i - 1]!;
  const b = chars[i]!;
  if (IDENT.test(a) && IDENT.test(b)) return false;
  return !(a === '-' && b === '>');
}

/** Cuts `text` to `width` characters, ending with `…` when cut. */
export function fitCell(text: string, width: number): string {
  const chars = Array.from(text);
  if (chars.length <= width) return text.padEnd(width + text.length - chars.length);
  return `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/**
 * Splits `text` into lines of at most `width` characters: after a space or
 * separator in the second half of the line when there is one, else at the last
 * identifier boundary; a single identifier longer than `width` is cut.
 */
export function wrapCell(text: string, width: number): string[] {
  const out: string[] = [];
  let rest = Array.from(text);
  while (rest.length > width) {
    let cut = 0;
    for (let i = width; i > width / 2 && cut === 0; i--) if (' ,;('.includes(rest[i - 1]!)) cut = i;
    for (let i = width; i > 0 && cut === 0; i--) if (isBoundary(rest, i)) cut = i;
    if (cut === 0) cut = width;
    out.push(rest.slice(0, cut).join('').trimEnd());
    rest = rest.slice(cut);
    while (rest[0] === ' ') rest = rest.slice(1);
  }
  if (rest.length > 0 || out.length === 0) out.push(rest.join(''));
  return out;
}

/** Renders the trace as lines (no trailing newlines), at most `width` wide when it can. */
export function renderTraceTable(trace: readonly TraceRow[], width: number): string[] {
  const columns = taskColumns(trace);
  const stepWidth = Math.max(4, String(trace.length === 0 ? 0 : trace[trace.length - 1]!.index).length);
  fitColumns(columns, width - stepWidth - GAP.length * columns.length);
  const byTask = new Map(columns.map((c, i) => [c.task, i]));
  const line = (step: string, cells: readonly string[]): string =>
    [step.padStart(stepWidth), ...columns.map((c, i) => fitCell(cells[i] ?? '', c.width))]
      .join(GAP)
      .trimEnd();
  const lines = [
    line(
      'step',
      columns.map((c) => c.name),
    ),
    line(
      '-'.repeat(stepWidth),
      columns.map((c) => '-'.repeat(c.width)),
    ),
  ];
  for (const row of trace) {
    const at = byTask.get(row.task)!;
    const w = columns[at]!.width;
    const texts = [
      ...wrapCell(row.label, w),
      ...(row.note === '' ? [] : wrapCell(NOTE_PREFIX + row.note, w)),
    ];
    texts.forEach((text, i) => {
      const cells: string[] = [];
      cells[at] = text;
      lines.push(line(i === 0 ? String(row.index) : '', cells));
    });
  }
  return lines;
}

/** One column per task that appears in the trace, by task index, at its natural width. */
function taskColumns(trace: readonly TraceRow[]): Column[] {
  const columns = new Map<number, Column>();
  for (const row of trace) {
    let c = columns.get(row.task);
    if (!c) {
      const width = Array.from(row.taskName).length;
      c = { task: row.task, name: row.taskName, width, minWidth: 0 };
      columns.set(row.task, c);
    }
    const noteWidth = row.note === '' ? 0 : Array.from(NOTE_PREFIX + row.note).length;
    c.width = Math.max(c.width, Array.from(row.label).length, noteWidth);
    const longest = Math.max(longestIdentifier(row.label), longestIdentifier(row.note) + NOTE_PREFIX.length);
    c.minWidth = Math.max(c.minWidth, Math.min(MAX_NAME_COLUMN, longest));
  }
  return [...columns.values()].sort((a, b) => a.task - b.task);
}

/** Shrinks the widest columns first until they fit `available` (never below MIN_COLUMN nor its longest name). */
function fitColumns(columns: Column[], available: number): void {
  let remaining = available;
  let left = columns.length;
  const narrowestFirst = [...columns].sort((a, b) => a.width - b.width || a.task - b.task);
  for (const c of narrowestFirst) {
    const share = Math.max(MIN_COLUMN, c.minWidth, Math.floor(remaining / left));
    c.width = Math.min(c.width, share);
    remaining -= c.width;
    left--;
  }
}
