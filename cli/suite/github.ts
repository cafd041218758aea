/**
 * GitHub Actions output: workflow-command annotations (`::error file=…,line=…::`)
 * that point into the scenario files, and a Markdown summary for
 * `$GITHUB_STEP_SUMMARY`. Formats only; the command decides when to emit them.
 */
import { replayCommand } from '../shell.js';
import { reasonOf, type SuiteResult, type SuiteTotals } from './results.js';

/** Escapes a workflow command's message (GitHub's `escapeData`). */
export function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** Escapes a workflow command's property value (GitHub's `escapeProperty`). */
export function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

/** One annotation line per failed or erroring scenario, and a warning per weak pass. */
export function annotationLines(results: readonly SuiteResult[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    if (r.status === 'not-run') continue;
    const isWarning = r.status === 'passed';
    if (isWarning && r.outcome.judgement.warnings.length === 0) continue;
    const props: string[] = [];
    if (r.location) {
      props.push(`file=${escapeProperty(r.location.file)}`);
      if (r.location.line !== undefined) props.push(`line=${r.location.line}`);
    }
    props.push(`title=${escapeProperty(`cgrpcheck: ${r.name}`)}`);
    let message = reasonOf(r);
    const token = r.status === 'failed' ? r.outcome.report.violation?.replay : undefined;
    if (token !== undefined) message += `\nreplay: ${replayCommand(token)}`;
    out.push(`::${isWarning ? 'warning' : 'error'} ${props.join(',')}::${escapeData(message)}`);
  }
  return out;
}

/** A Markdown cell: no pipes or newlines. */
const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

const ICONS: Readonly<Record<SuiteResult['status'], string>> = {
  passed: '✅',
  failed: '❌',
  error: '⚠️',
  'not-run': '⏭️',
};

/** The step summary: totals, the run's settings, a row per scenario, the replay commands of failures. */
export function summaryMarkdown(
  results: readonly SuiteResult[],
  totals: SuiteTotals,
  settings: string,
): string {
  const head = `### cgrpcheck test: ${totals.passed} of ${totals.scenarios} scenarios met their expectation`;
  const rows = results.map((r) => {
    const report = r.status === 'passed' || r.status === 'failed' ? r.outcome.report : undefined;
    const expected = report?.expect ?? (r.status === 'passed' || r.status === 'failed' ? 'pass' : '');
    const got = report === undefined ? '' : (report.violation?.invariant ?? 'pass');
    const runs = report === undefined ? '' : `${report.strategy}, ${report.stats.executions}`;
    return `| ${ICONS[r.status]} | ${cell(r.entry.suite)} | \`${cell(r.name)}\` | ${cell(expected)} | ${cell(got)} | ${cell(runs)} | ${cell(reasonOf(r))} |`;
  });
  const replays = results.flatMap((r) =>
    r.status === 'failed' && r.outcome.report.violation
      ? [`- \`${cell(r.name)}\`: \`${replayCommand(r.outcome.report.violation.replay)}\``]
      : [],
  );
  return [
    head,
    '',
    settings,
    '',
    '| | suite | scenario | expected | found | strategy, executions | note |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    ...(replays.length > 0 ? ['', '**Replay the failures:**', '', ...replays] : []),
    '',
  ].join('\n');
}
