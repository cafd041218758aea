/** The suite runner's terminal lines: one per scenario and the summary. */
import { seconds } from '../format/text.js';
import { plural, replayCommand } from '../shell.js';
import { reasonOf, type SuiteResult, type SuiteTotals } from './results.js';

const LABELS: Readonly<Record<SuiteResult['status'], string>> = {
  passed: 'PASS ',
  failed: 'FAIL ',
  error: 'ERROR',
  'not-run': 'SKIP ',
};

/** `PASS  name (random, 300 executions, 0.4 s)`, the reason after a colon, and a replay line for a failure. */
export function resultLine(r: SuiteResult): string {
  const reason = reasonOf(r);
  let facts = '';
  if (r.status === 'passed' || r.status === 'failed') {
    const report = r.outcome.report;
    facts = ` (${report.strategy}, ${plural(report.stats.executions, 'execution')}, ${seconds(report.stats.elapsedMs)})`;
  }
  const line = `${LABELS[r.status]} ${r.name}${reason === '' ? '' : `: ${reason}`}${facts}`;
  const token = r.status === 'failed' ? r.outcome.report.violation?.replay : undefined;
  return token === undefined ? line : `${line}\n       replay: ${replayCommand(token)}`;
}

/** `35 scenarios: 34 passed, 1 failed`, with errors and skipped ones when there are any. */
export function summaryLine(t: SuiteTotals): string {
  const parts = [`${t.passed} passed`, `${t.failed} failed`];
  if (t.errors > 0) parts.push(`${t.errors} could not run`);
  if (t.notRun > 0) parts.push(`${t.notRun} not run (interrupted)`);
  const verdict = t.passed === t.scenarios ? 'every scenario met its expectation' : 'FAILED';
  return `${plural(t.scenarios, 'scenario')}: ${parts.join(', ')}; ${verdict}`;
}
