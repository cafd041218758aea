/** The human report: header, verdict, the trace as columns, the replay line. */
import type { Judgement } from '../../scenarios/engine/expectation.js';
import type { CheckReport, FoundViolation } from '../../scenarios/engine/result.js';
import { EXHAUSTIVE_STRATEGIES, type Outcome } from '../outcome.js';
import { plural, replayCommand } from '../shell.js';
import { renderTraceTable } from './traceTable.js';

/** Renders `outcome` for a terminal `width` wide; `extra` lines (where files went) follow the replay line. */
export function renderText(outcome: Outcome, width: number, extra: readonly string[] = []): string {
  const r = outcome.report;
  const lines = headerLines(outcome);
  if (r.violation) lines.push('', ...violationLines(r.violation, width));
  else lines.push(passLine(r), ...estimateLines(r), ...vacuityLines(r));
  lines.push(...expectLines(outcome.judgement));
  if (r.violation) lines.push('', `replay: ${replayCommand(r.violation.replay)}`);
  lines.push(...extra);
  if (outcome.notes.length > 0) lines.push('', ...outcome.notes);
  return `${lines.join('\n')}\n`;
}

function headerLines(outcome: Outcome): string[] {
  const r = outcome.report;
  const seed = outcome.isSeedFromClock
    ? `seed: ${r.seed} (picked from the clock; add --seed ${r.seed} to repeat)`
    : `seed: ${r.seed}`;
  const params = Object.entries(r.params).map(([k, v]) => `${k}=${v}`);
  const lines = [
    seed,
    `scenario: ${r.scenario} (${[`kernel ${r.kernel}`, `strategy ${r.strategy}`, ...params].join(', ')})`,
  ];
  if (r.shard) lines.push(`shard: ${r.shard.index}/${r.shard.count}`);
  const s = r.stats;
  const blocked = s.abandoned > 0 ? `, ${s.abandoned} abandoned` : '';
  lines.push(
    `explored: ${plural(s.executions, 'execution')}, ${plural(s.steps, 'step')}${blocked} in ${seconds(s.elapsedMs)}`,
  );
  const info = Object.entries(r.strategyInfo ?? {}).map(([k, v]) => `${k}=${v}`);
  if (info.length > 0) lines.push(`strategy info: ${info.join(', ')}`);
  if (r.symmetry !== undefined && r.symmetry.length > 0) {
    lines.push(`symmetry: ${r.symmetry.join('; ')} (one representative of each renaming explored)`);
  }
  return lines;
}

function violationLines(v: FoundViolation, width: number): string[] {
  const b = v.shrink.before;
  const a = v.shrink.after;
  return [
    `VIOLATION of ${v.invariant}: ${v.message}`,
    `found in execution ${v.execution}; minimal trace:`,
    '',
    ...renderTraceTable(v.trace, width),
    '',
    `shrunk: ${plural(b.steps, 'step')}, ${plural(b.preemptions, 'preemption')} → ${plural(a.steps, 'step')}, ${plural(a.preemptions, 'preemption')}`,
  ];
}

function passLine(r: CheckReport): string {
  const runs = plural(r.stats.executions, 'execution');
  if (!EXHAUSTIVE_STRATEGIES.includes(r.strategy))
    return `PASS: no violation in ${runs} (sampled, not exhaustive)`;
  if (r.complete) return `PASS: no violation in ${runs} (complete: the whole space was covered)`;
  const k = r.completeWithinPreemptions;
  if (k !== undefined)
    return `PASS: no violation in ${runs} (complete within ${plural(k, 'preemption')}; executions with more were not explored)`;
  return `PASS (INCOMPLETE): no violation in the ${runs} explored; the search stopped before covering the space`;
}

/** For an exhaustive pass that stopped early: how large the whole search looks from what it saw. */
function estimateLines(r: CheckReport): string[] {
  const estimate = r.strategyInfo?.estimatedExecutions;
  if (r.complete || typeof estimate !== 'number' || r.stats.executions === 0) return [];
  const perExecutionMs = r.stats.elapsedMs / r.stats.executions;
  return [
    `estimate: about ${plural(estimate, 'execution')} in all, from the branching seen so far (Knuth's estimator); about ${seconds(estimate * perExecutionMs)} at this run's rate`,
  ];
}

function vacuityLines(r: CheckReport): string[] {
  if (r.unreached.length === 0) return [];
  return [`warning: goals never reached: ${r.unreached.join(', ')}; the pass is vacuous for them`];
}

/**
 * What the exit code follows: the expectation met or not. A non-strict run's
 * weak pass (stopped, not covered, vacuous) already has its own line.
 */
function expectLines(j: Judgement): string[] {
  const lines: string[] = [];
  if (j.isMet && j.expected !== 'pass') {
    lines.push(`EXPECTED: the scenario declares a violation of ${j.expected}; it was found`);
  }
  for (const s of j.shortfalls) lines.push(`FAIL: ${s.message}`);
  return lines;
}

/** `1234` ms as `1.2 s`. */
export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
