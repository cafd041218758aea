/** The progress line: only on a terminal, at most every 100 ms, cleared at the end. */
import { describe, expect, test } from 'vitest';
import { formatProgress } from '../../cli/progress.js';
import { createFakeEngine } from './fakeEngine.js';
import { createFakeIo } from './fakeIo.js';
import { cli } from './harness.js';

const CLEAR = '\r\x1b[K';

describe('progress line', () => {
  test('nothing of it when stderr is not a terminal', async () => {
    const io = createFakeIo({ isTty: false });
    io.tickMs = 1000;
    const { err } = await cli(['check', 'busy-get', '--seed', '1', '--runs', '20'], io);
    expect(err).toBe('');
  });

  test('on a terminal: redrawn at most every 100 ms, then cleared before the report', async () => {
    const io = createFakeIo({ isTty: true, columns: 200 });
    const engine = createFakeEngine({
      onExecution: () => {
        io.time += 40;
      },
    });
    const { err, out } = await cli(['check', 'busy-get', '--seed', '1', '--runs', '10'], io, engine);
    const draws = err.split(CLEAR).filter((s) => s !== '');
    // executions end at 40, 80, …, 400 ms; a draw needs 100 ms since the last: at 1, 4, 7 and 10 executions
    expect(draws).toEqual([
      '[##..................] 10%  1 executions  25/s  0 violations  0.4 s left',
      '[########............] 40%  4 executions  25/s  0 violations  0.2 s left',
      '[##############......] 70%  7 executions  25/s  0 violations  0.1 s left',
      '[####################] 100%  10 executions  25/s  0 violations  0.0 s left',
    ]);
    expect(err.endsWith(CLEAR)).toBe(true);
    expect(out).toContain('PASS');
  });

  test('is cut to one less than the terminal width', async () => {
    const io = createFakeIo({ isTty: true, columns: 20 });
    const { err } = await cli(['check', 'busy-get', '--seed', '1', '--runs', '2'], io);
    expect(err.split(CLEAR).filter((s) => s !== '')).toEqual(['[##########........']);
  });

  test('time left follows the budget when there is one', () => {
    const text = formatProgress(
      { executions: 300, steps: 0, violations: 1 },
      { startMs: 0, budgetMs: 10_000 },
      2500,
    );
    expect(text).toBe('[#####...............] 25%  300 executions  120/s  1 violations  7.5 s left');
  });

  test('an unbounded exhaustive run shows counts only', () => {
    const text = formatProgress({ executions: 50, steps: 0, violations: 0 }, { startMs: 0 }, 1000);
    expect(text).toBe('50 executions  50/s  0 violations');
  });
});
