/**
 * The suite runner's JUnit file: one <testsuites>, a <testsuite> per suite, a
 * <testcase> per scenario (a <failure> when its expectation was not met, an
 * <error> when it could not run, <skipped> when Ctrl-C came first).
 */
import type { SuiteResult } from '../suite/results.js';
import { junitTestcase } from './junit.js';
import { escapeXmlAttr as attr, escapeXmlText as text } from './xml.js';

/** Run-wide facts, as <property> elements of every <testsuite>. */
export type SuiteProperties = readonly (readonly [string, string])[];

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** Renders every result, grouped by suite in first-seen order. */
export function renderJunitSuites(results: readonly SuiteResult[], properties: SuiteProperties): string {
  const suites = new Map<string, SuiteResult[]>();
  for (const r of results) suites.set(r.entry.suite, [...(suites.get(r.entry.suite) ?? []), r]);
  const count = (rs: readonly SuiteResult[], s: SuiteResult['status']) =>
    rs.filter((r) => r.status === s).length;
  const time = (rs: readonly SuiteResult[]) =>
    rs.reduce(
      (n, r) => n + (r.status === 'passed' || r.status === 'failed' ? r.outcome.report.stats.elapsedMs : 0),
      0,
    );
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="cgrpcheck" tests="${results.length}" failures="${count(results, 'failed')}" errors="${count(results, 'error')}" skipped="${count(results, 'not-run')}" time="${seconds(time(results))}">`,
  ];
  for (const [name, rs] of suites) {
    lines.push(
      `  <testsuite name="${attr(name)}" tests="${rs.length}" failures="${count(rs, 'failed')}" errors="${count(rs, 'error')}" skipped="${count(rs, 'not-run')}" time="${seconds(time(rs))}">`,
      '    <properties>',
      ...properties.map(([k, v]) => `      <property name="${attr(k)}" value="${attr(v)}"/>`),
      '    </properties>',
    );
    for (const r of rs) lines.push(...testcase(r, `cgrpcheck.${name}`));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

function testcase(r: SuiteResult, classname: string): string[] {
  // A file entry names its file (relative to the working folder), as CI report viewers link it.
  const file = r.entry.file === undefined ? '' : ` file="${attr(r.entry.shown)}"`;
  if (r.status === 'passed' || r.status === 'failed') {
    const lines = junitTestcase(r.outcome, classname, '    ');
    // Name the case as the lines do: a file by its path, so two files may share a scenario name.
    lines[0] = lines[0]!.replace(/name="[^"]*"/, `name="${attr(r.name)}"`).replace(/>$/, `${file}>`);
    return lines;
  }
  const head = `    <testcase name="${attr(r.name)}" classname="${attr(classname)}" time="0.000"${file}>`;
  const body =
    r.status === 'error'
      ? `      <error message="${attr(r.message)}" type="bad-input">${text(r.message)}</error>`
      : '      <skipped message="not run: interrupted"/>';
  return [head, body, '    </testcase>'];
}
