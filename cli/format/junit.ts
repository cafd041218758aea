/**
 * JUnit XML for CI test reports: one <testcase> per checked scenario, passing
 * when the scenario met its expectation; an unmet one is a <failure> holding
 * why, the trace and the replay command. `check` writes one <testsuite>, the
 * suite runner one <testsuites> around a <testsuite> of every scenario.
 */
import type { Outcome } from '../outcome.js';
import { replayCommand } from '../shell.js';
import { renderText } from './text.js';
import { renderTraceTable } from './traceTable.js';
import { escapeXmlAttr as attr, escapeXmlText as text } from './xml.js';

const JUNIT_TRACE_WIDTH = 160;

/** Renders `outcome` as a JUnit XML document with one testsuite and one testcase. */
export function renderJunit(outcome: Outcome): string {
  const r = outcome.report;
  const time = (r.stats.elapsedMs / 1000).toFixed(3);
  const failures = outcome.judgement.isMet ? 0 : 1;
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
    ...junitTestcase(outcome, 'cgrpcheck', '  '),
    '</testsuite>',
  ];
  return `${lines.join('\n')}\n`;
}

/** One <testcase> of `outcome`, indented by `indent`: a failure unless its expectation was met. */
export function junitTestcase(outcome: Outcome, classname: string, indent: string): string[] {
  const r = outcome.report;
  const j = outcome.judgement;
  const time = (r.stats.elapsedMs / 1000).toFixed(3);
  const lines = [
    `${indent}<testcase name="${attr(r.scenario)}" classname="${attr(classname)}" time="${time}">`,
  ];
  if (!j.isMet) {
    const why = j.shortfalls.map((s) => s.message).join('; ');
    const v = r.violation;
    const body = v
      ? [
          v.message,
          '',
          ...renderTraceTable(v.trace, JUNIT_TRACE_WIDTH),
          '',
          `replay: ${replayCommand(v.replay)}`,
          '',
          why,
        ]
      : [why];
    const type = v?.invariant ?? j.shortfalls[0]?.kind ?? 'failure';
    lines.push(
      `${indent}  <failure message="${attr(why)}" type="${attr(type)}">${text(body.join('\n'))}</failure>`,
    );
  } else lines.push(`${indent}  <system-out>${text(renderText(outcome, JUNIT_TRACE_WIDTH))}</system-out>`);
  lines.push(`${indent}</testcase>`);
  return lines;
}
