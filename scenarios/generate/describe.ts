/**
 * Compact, human-readable text for scenarios and schedules: what a failing
 * property prints after shrinking. One line per actor; programs are printed
 * with their instructions joined by `; `.
 */

import type { TraceRow } from '../engine/result.js';
import type {
  ActorDef,
  CgroupDef,
  MapDef,
  Num,
  ProgramDef,
  RunStepDef,
  ScenarioDef,
  UserOpDef,
} from '../format/types.js';

function cgroupTree(cgroups: readonly CgroupDef[]): string {
  const children = (parent: string | undefined): string => {
    const kids = cgroups.filter((c) => c.parent === parent);
    return kids
      .map((c) => {
        const below = children(c.name);
        return below === '' ? c.name : `${c.name} > ${below.includes(',') ? `(${below})` : below}`;
      })
      .join(', ');
  };
  return children(undefined);
}

function mapLine(m: MapDef): string {
  const key = m.type === 'cgrp_storage' || m.key === undefined ? '' : `, key ${m.key}`;
  return `${m.name} (${m.type}, ${m.valueSize} bytes${m.spinLock ? ', bpf_spin_lock' : ''}${key})`;
}

function programLine(p: ProgramDef): string {
  return `${p.name} (${p.type}/${p.attach}${p.sleepable ? ', sleepable' : ''}): ${p.insns.join('; ')}`;
}

const times = (t: Num | undefined): string => (t === undefined || t === 1 ? '' : ` ×${t}`);

function runLine(s: RunStepDef): string {
  return 'program' in s ? `${s.program}${times(s.times)}` : `hook ${s.hook}${times(s.times)}`;
}

/** One userspace operation, e.g. `update counters app [3] BPF_ANY`. */
export function describeOp(op: UserOpDef): string {
  const parts: string[] = [op.op];
  if ('program' in op) parts.push(op.program);
  if ('map' in op) parts.push(op.map);
  if ('cgroup' in op && op.cgroup !== undefined) parts.push(op.cgroup);
  if ('attachType' in op && op.attachType !== undefined) parts.push(`(${op.attachType})`);
  if (op.op === 'update') parts.push(`[${op.value.join(', ')}]`);
  if ('flags' in op && op.flags !== undefined) parts.push(op.flags.join('|'));
  return parts.join(' ');
}

function actorLine(a: ActorDef): string {
  if (a.kind === 'trace') return `trace ${a.program}${times(a.times)}`;
  const cpu = a.cpu === undefined ? '' : ` on cpu ${a.cpu}`;
  if (a.kind === 'user') return `${a.name}${cpu}: ${a.ops.map(describeOp).join('; ')}`;
  const count = a.count === undefined ? '' : ` ×${a.count}`;
  return `${a.name}${count}${cpu} in ${a.cgroup}: ${a.run.map(runLine).join(', ')}`;
}

function optionsLine(def: ScenarioDef): string | undefined {
  const o = def.options;
  if (o === undefined) return undefined;
  const parts = [
    ...(o.lockTimeouts ? ['lock timeouts'] : []),
    ...(o.allocFailures ? ['allocation failures'] : []),
    ...(o.bugs ?? []).map((b) => `bug ${b}`),
  ];
  return parts.length === 0 ? undefined : `options: ${parts.join(', ')}`;
}

/**
 * A scenario in a few lines: kernel, cgroups, maps, programs, attachments,
 * then one line per actor and the extra invariants checked.
 */
export function describeScenario(def: ScenarioDef): string {
  const lines = [`${def.name} (kernel ${def.kernel})`];
  const opts = optionsLine(def);
  if (opts !== undefined) lines.push(opts);
  if ((def.cgroups ?? []).length > 0) lines.push(`cgroups: ${cgroupTree(def.cgroups ?? [])}`);
  for (const m of def.maps ?? []) lines.push(`map ${mapLine(m)}`);
  for (const p of def.programs ?? []) lines.push(`program ${programLine(p)}`);
  for (const a of def.attach ?? []) lines.push(`attach ${a.program} to ${a.cgroup}`);
  for (const a of def.actors) lines.push(actorLine(a));
  if ((def.check ?? []).length > 0) lines.push(`check: ${(def.check ?? []).join(', ')}`);
  return lines.join('\n');
}

/** Run lengths of a trace by task: `cpu0 ×6, cpu1 ×9, cpu0 ×3`. */
export function describeRuns(rows: readonly TraceRow[]): string {
  const runs: { name: string; n: number }[] = [];
  for (const r of rows) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last.name === r.taskName) last.n++;
    else runs.push({ name: r.taskName, n: 1 });
  }
  return runs.map((r) => `${r.name} ×${r.n}`).join(', ');
}

/** A trace as aligned lines: step, task, label and what it changed. */
export function describeTrace(rows: readonly TraceRow[]): string {
  const width = Math.max(0, ...rows.map((r) => r.taskName.length));
  const digits = String(Math.max(0, rows.length - 1)).length;
  return rows
    .map((r) => {
      const note = r.note === '' ? '' : `  → ${r.note}`;
      return `${String(r.index).padStart(digits)}  ${r.taskName.padEnd(width)}  ${r.label}${note}`;
    })
    .join('\n');
}
