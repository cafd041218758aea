/**
 * Graphviz DOT of the counterexample's happens-before graph (graphlib has no
 * DOT writer, so this is one): a cluster per task, solid edges for program
 * order, dashed edges for conflicts labelled with the names of their objects
 * (map, cgroup, lock), and gray edges for the program order the reduction
 * dropped, so every cluster reads top to bottom in step order.
 */
import type { TraceRow } from '../../scenarios/engine/result.js';
import type { Outcome } from '../outcome.js';
import { replayCommand } from '../shell.js';
import { buildHappensBefore } from './happensBefore.js';

/** Quotes a DOT string: backslashes, quotes and newlines escaped. */
export function dotString(text: string): string {
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`;
}

/** The name of every object the trace names, by id (the first name seen wins). */
function objectNames(trace: readonly TraceRow[]): Map<number, string> {
  const names = new Map<number, string>();
  for (const row of trace) {
    for (const a of row.accesses) if (a.name !== undefined && !names.has(a.obj)) names.set(a.obj, a.name);
  }
  return names;
}

/** Renders the happens-before graph (empty on a pass) as DOT text. */
export function renderDot(outcome: Outcome): string {
  const r = outcome.report;
  const v = r.violation;
  const g = buildHappensBefore(v?.trace ?? []);
  const title = v
    ? `${r.scenario} (kernel ${r.kernel}, seed ${r.seed}): ${v.invariant}: ${v.message}`
    : `${r.scenario} (kernel ${r.kernel}, seed ${r.seed}): pass`;
  const lines = ['digraph cgrpcheck {', `  label=${dotString(title)};`, '  labelloc=t;'];
  if (v) lines.push(`  // replay: ${replayCommand(v.replay).replaceAll('\n', ' ')}`);
  lines.push('  node [shape=box, fontname="monospace"];');
  const tasks = new Map<number, { name: string; ids: string[] }>();
  for (const id of g.nodes()) {
    const row = g.node(id).row;
    const t = tasks.get(row.task) ?? { name: row.taskName, ids: [] };
    t.ids.push(id);
    tasks.set(row.task, t);
  }
  for (const [task, t] of [...tasks].sort((a, b) => a[0] - b[0])) {
    lines.push(`  subgraph cluster_${task} {`, `    label=${dotString(t.name)};`);
    for (const id of t.ids) {
      const row = g.node(id).row;
      const text = [`${row.index}: ${row.label}`, ...(row.note === '' ? [] : [row.note])].join('\n');
      lines.push(`    ${id} [label=${dotString(text)}];`);
    }
    lines.push('  }');
  }
  const names = objectNames(v?.trace ?? []);
  for (const e of g.edges()) {
    const label = g.edge(e);
    const objs = label.objs.map((o) => names.get(o) ?? `obj ${o}`).join(', ');
    const attrs = label.kind === 'program' ? '' : ` [style=dashed, label=${dotString(objs)}]`;
    lines.push(`  ${e.v} -> ${e.w}${attrs};`);
  }
  for (const [, t] of [...tasks].sort((a, b) => a[0] - b[0])) {
    for (let i = 1; i < t.ids.length; i++) {
      if (!g.hasEdge(t.ids[i - 1]!, t.ids[i]!)) lines.push(`  ${t.ids[i - 1]} -> ${t.ids[i]} [color=gray];`);
    }
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
