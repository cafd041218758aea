/**
 * No false pass from the API: every bad option of check, assertScenario,
 * replay and the generating functions is an OptionError naming the function,
 * the field and the value, thrown before anything runs — never a pass after
 * zero executions, never an endless run.
 */
import { describe, expect, test } from 'vitest';
import {
  assertScenario,
  caseArbitrary,
  check,
  checkGenerated,
  findCounterexample,
  OptionError,
  replay,
  runGeneratedCase,
  scenarioArbitrary,
  toGeneratedCase,
} from '../../../scenarios/index.js';

/** The rejection of `p`, which must be an OptionError. */
async function refusal(p: Promise<unknown>): Promise<OptionError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(OptionError);
  return e as OptionError;
}

const BAD_CHECK_OPTIONS: [string, Record<string, unknown>, string, string][] = [
  ['runs 0', { runs: 0 }, 'options.runs', 'expected a positive integer, got 0'],
  ['runs -1', { runs: -1 }, 'options.runs', 'expected a positive integer, got -1'],
  ['runs 1.5', { runs: 1.5 }, 'options.runs', 'expected a positive integer, got 1.5'],
  ['runs NaN', { runs: Number.NaN }, 'options.runs', 'expected a positive integer, got NaN'],
  [
    'runs Infinity',
    { runs: Number.POSITIVE_INFINITY },
    'options.runs',
    'expected a positive integer, got Infinity',
  ],
  ['runs as a string', { runs: '10' }, 'options.runs', "expected a positive integer, got '10'"],
  ['depth 0', { depth: 0 }, 'options.depth', 'expected a positive integer, got 0'],
  ['preemptions -1', { preemptions: -1 }, 'options.preemptions', 'expected an integer ≥ 0, got -1'],
  ['maxSteps NaN', { maxSteps: Number.NaN }, 'options.maxSteps', 'expected a positive integer, got NaN'],
  [
    'an unknown strategy',
    { strategy: 'bogus' },
    'options.strategy',
    "expected one of random, pct, dpor, dfs, bounded, got 'bogus'",
  ],
  ['a bad kernel', { kernel: '5.10' }, 'options.kernel', "expected one of 6.2, 6.15, 7.0, got '5.10'"],
  ['a kernel as a number', { kernel: 6.2 }, 'options.kernel', 'expected one of 6.2, 6.15, 7.0, got 6.2'],
  [
    'a bad seed',
    { seed: 'a b' },
    'options.seed',
    "expected 1 to 64 letters, digits, '.', '_' or '-', got 'a b'",
  ],
  [
    'a NaN parameter',
    { params: { cpus: Number.NaN } },
    'options.params.cpus',
    'expected a finite number, got NaN',
  ],
  [
    'an unknown key',
    { runz: 10 },
    'options.runz',
    'expected one of the known options (strategy, seed, runs, depth, preemptions, maxSteps, kernel, params); this one is unknown, got 10',
  ],
];

describe('check', () => {
  test.each(BAD_CHECK_OPTIONS)('%s is refused', async (_, options, field, why) => {
    const e = await refusal(check('doc-counter-racy', options));
    expect([e.fn, e.field]).toEqual(['check', field]);
    expect(e.message).toBe(`check: ${field}: ${why}`);
  });

  test('options that are not an object, and a scenario that is not one', async () => {
    expect((await refusal(check('doc-counter', 5 as never))).message).toBe(
      'check: options: expected an object, got 5',
    );
    expect((await refusal(check(42 as never))).message).toBe(
      'check: scenario: expected a builder, a scenario definition, a catalogue name or a file path, got 42',
    );
  });

  test('the message names the API field, never the cli flag', async () => {
    const e = await refusal(check('doc-counter', { kernel: '9.9' }));
    expect(e.message).not.toContain('--kernel');
  });
});

describe('assertScenario', () => {
  test.each(BAD_CHECK_OPTIONS.filter(([name]) => name !== 'an unknown key'))(
    '%s is refused',
    async (_, options, field) => {
      const e = await refusal(assertScenario('doc-counter-racy', options));
      expect([e.fn, e.field]).toEqual(['assertScenario', field]);
    },
  );

  test('strict must be a boolean; unknown keys are refused', async () => {
    expect((await refusal(assertScenario('doc-counter', { strict: 'yes' } as never))).message).toBe(
      "assertScenario: options.strict: expected true or false, got 'yes'",
    );
    expect((await refusal(assertScenario('doc-counter', { stric: true } as never))).field).toBe(
      'options.stric',
    );
  });

  test('the declared violation found passes; strict refuses a vacuous pass', async () => {
    const found = await assertScenario('doc-counter-racy', { runs: 300 });
    expect(found.violation?.invariant).toBe('atomic-add');
    await expect(assertScenario('doc-counter', { strategy: 'dpor', runs: 3, strict: true })).rejects.toThrow(
      /^doc-counter \(kernel 6\.2\): dpor did not cover the whole space in 3 executions.* \(strict\)$/,
    );
  });
});

describe('replay', () => {
  test('an empty or non-string token is refused', () => {
    expect(() => replay('doc-counter', '')).toThrow(OptionError);
    expect(() => replay('doc-counter', 7 as never)).toThrow(
      'replay: token: expected a replay token (cgrp1:…), got 7',
    );
  });
});

describe('the generating functions', () => {
  test.each([
    [{ eras: ['5.4'] }, "scenarioArbitrary: options.eras[0]: expected one of 6.2, 6.15, 7.0, got '5.4'"],
    [
      { userOps: ['lookup', 'mkdir'] },
      "scenarioArbitrary: options.userOps[1]: expected one of lookup, update, delete, rmdir, close-map, got 'mkdir'",
    ],
    [{ isSwarm: 1 }, 'scenarioArbitrary: options.isSwarm: expected true or false, got 1'],
    [{ maxCpu: 2 }, 'scenarioArbitrary: options.maxCpu: expected one of the known options'],
    [{ maxCpus: Number.NaN }, 'scenarioArbitrary: maxCpus must be an integer in [1, 64], got NaN'],
  ])('caseArbitrary(%j) throws', (options, message) => {
    expect(() => caseArbitrary(options as never)).toThrow(message);
    expect(() => scenarioArbitrary(options as never)).toThrow(message);
  });

  test.each([
    [{ maxSteps: 0 }, 'options.maxSteps: expected a positive integer, got 0'],
    [{ maxSteps: Number.NaN }, 'options.maxSteps: expected a positive integer, got NaN'],
    [{ params: { numRuns: 0 } }, 'options.params.numRuns: expected a positive integer, got 0'],
    [{ predicate: 'noViolation' }, "options.predicate: expected a function, got 'noViolation'"],
  ])('checkGenerated(%j) and findCounterexample throw before generating', (options, message) => {
    expect(() => checkGenerated(options as never)).toThrow(`checkGenerated: ${message}`);
    expect(() => findCounterexample(options as never)).toThrow(`findCounterexample: ${message}`);
  });

  test('runGeneratedCase refuses a step budget that is not a positive integer', () => {
    const def = {
      name: 'g',
      description: 'one cpu',
      kernel: '6.2' as const,
      cgroups: [{ name: 'root' }],
      actors: [{ kind: 'user' as const, name: 'u', ops: [] }],
    };
    expect(() => runGeneratedCase(toGeneratedCase(def, []), { maxSteps: -5 })).toThrow(
      'runGeneratedCase: options.maxSteps: expected a positive integer, got -5',
    );
  });
});
