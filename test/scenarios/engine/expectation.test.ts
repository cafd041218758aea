/**
 * judgeReport: a declared violation found is a pass, a missing or other one a
 * failure; --strict turns stopped, incomplete and vacuous passes into failures.
 */
import { describe, expect, test } from 'vitest';
import { judgeReport } from '../../../scenarios/engine/expectation.js';
import type { CheckReport, FoundViolation } from '../../../scenarios/engine/result.js';

const violation = (invariant: string): FoundViolation => ({
  invariant,
  message: 'm',
  replay: 't',
  trace: [],
  shrink: { before: { steps: 1, preemptions: 0 }, after: { steps: 1, preemptions: 0 } },
  execution: 0,
});

const report = (extra: Partial<CheckReport> = {}): CheckReport => ({
  scenario: 's',
  kernel: '6.2',
  strategy: 'random',
  seed: '1',
  params: {},
  verdict: extra.violation ? 'violation' : 'pass',
  complete: false,
  stats: { executions: 300, steps: 3000, elapsedMs: 0, abandoned: 0 },
  unreached: [],
  ...extra,
});

describe('judgeReport', () => {
  test.each([
    ['no expect, no violation', {}, true, []],
    ['expect pass, no violation', { expect: 'pass' }, true, []],
    [
      'no expect, a violation',
      { violation: violation('x') },
      false,
      ['expected pass, found a violation of x'],
    ],
    ['the declared violation', { expect: 'x', violation: violation('x') }, true, []],
    [
      'the declared violation missing',
      { expect: 'x' },
      false,
      ['expected a violation of x, none found in 300 executions'],
    ],
    [
      'another violation',
      { expect: 'x', violation: violation('y') },
      false,
      ['expected a violation of x, found a violation of y'],
    ],
  ])('%s', (_, extra, isMet, messages) => {
    const j = judgeReport(report(extra as Partial<CheckReport>));
    expect(j.isMet).toBe(isMet);
    expect(j.shortfalls.map((s) => s.message)).toEqual(messages);
  });

  test('a weak pass is a warning, and under strict every weakness is a failure', () => {
    const weak = report({ strategy: 'dpor', unreached: ['lost-update'] });
    const loose = judgeReport(weak, { stoppedBy: 'time-budget' });
    expect(loose.isMet).toBe(true);
    const messages = [
      'stopped by the time budget after 300 executions',
      'dpor did not cover the whole space in 300 executions',
      'reachability goals never reached: lost-update',
    ];
    expect(loose.warnings.map((w) => w.message)).toEqual(messages);
    const strict = judgeReport(weak, { stoppedBy: 'time-budget', isStrict: true });
    expect(strict.isMet).toBe(false);
    expect(strict.shortfalls.map((s) => s.kind)).toEqual(['stopped', 'incomplete', 'vacuous']);
    expect(strict.warnings).toEqual([]);
  });

  test('a result the scenario says some execution shows, never seen, fails without --strict', () => {
    const goal = 'admin ops[0] (rmdir job) returns -EBUSY';
    const j = judgeReport(report({ unreached: [goal, 'lost-update'] }));
    expect(j.isMet).toBe(false);
    expect(j.shortfalls).toEqual([
      {
        kind: 'unreached-expectation',
        message: `expected in some execution, never seen in 300 executions: ${goal}`,
      },
    ]);
    // The named goal stays a warning, and fails under --strict.
    expect(j.warnings.map((w) => w.message)).toEqual(['reachability goals never reached: lost-update']);
  });

  test('strict: a complete exhaustive pass and a sampled one are met; a found declared violation too', () => {
    expect(judgeReport(report({ strategy: 'dfs', complete: true }), { isStrict: true }).isMet).toBe(true);
    expect(judgeReport(report(), { isStrict: true }).isMet).toBe(true);
    const found = report({ strategy: 'dpor', expect: 'x', violation: violation('x') });
    expect(judgeReport(found, { isStrict: true, stoppedBy: 'interrupt' }).isMet).toBe(true);
  });
});
