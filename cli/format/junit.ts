/**
 * JUnit XML for CI test reports: one <testsuite>, one <testcase> per checked
 * scenario; a violation is a <failure> holding the message, trace and replay command.
 */
import type { Outcome } from '../outcome.js';
import { replayCommand } from '../shell.js';
import { renderText } from './text.js';
import { renderTraceTable } from './traceTable.js';
import { escapeXmlAttr as attr, escapeXmlText as text } from './xml.js';

const JUNIT_TRACE_WIDTH = 160;

/** Renders `outcome` as a JUnit XML document. */
export function renderJunit(outcome: Outcome): string {
  const r = outcome.report;
  const time = (r.stats.elapsedMs / 1000).toFixed(3);
  const failures = r.violation ? 1 : 0;
  const props: [string, string][] = [
    ['seed', r.seed],
    ['kernel', r.kernel],
    ['strategy', r.strategy],
    ['executions', String(r.stats.executions)],
    ['steps', String(r.stats.steps)],
    ['complete', String(r.complete)],
  ];
  if (outcome.stoppedBy) props.push(['stoppedBy', outcome.stoppedBy]);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuite name="cgrpcheck" tests="1" failures="${failures}" errors="0" skipped="0" time="${time}">`,
    '  <properties>',
    ...props.map(([k, v]) => `    <property name="${attr(k)}" value="${attr(v)}"/>`),
    '  </properties>',
    `  <testcase name="${attr(r.scenario)}" classname="cgrpcheck" time="${time}">`,
  ];
  if (r.violation) {
    const v = r.violation;
    const body = [
      v.message,
      '',
      ...renderTraceTable(v.trace, JUNIT_TRACE_WIDTH),
      '',
      `replay: ${replayCommand(v.replay)}`,
    ].join('\n');
    lines.push(
      `    <failure message="${attr(v.invariant)}" type="${attr(v.invariant)}">${text(body)}</failure>`,
    );
  } else lines.push(`    <system-out>${text(renderText(outcome, JUNIT_TRACE_WIDTH))}</system-out>`);
  lines.push('  </testcase>', '</testsuite>');
  return `${lines.join('\n')}\n`;
}
