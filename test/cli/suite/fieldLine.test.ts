/** fieldLine: the line of a key or array element, the deepest found, nothing for non-JSON. */
import { describe, expect, test } from 'vitest';
import { fieldLine } from '../../../cli/suite/fieldLine.js';
import { shortfallField } from '../../../cli/suite/locate.js';

const TEXT = `{
  "name": "x",
  "expect": "atomic-add",
  "check": [
    "atomic-add",
    "null-on-absent"
  ],
  "nested": { "a": [1, {"b": "}"}],
    "c": "\\"quoted\\"" },
  "reachability": ["lost-update"]
}`;

describe('fieldLine', () => {
  test.each([
    [[], 1],
    [['name'], 2],
    [['expect'], 3],
    [['check'], 4],
    [['check', 1], 6],
    [['nested', 'a', 1, 'b'], 8],
    [['nested', 'c'], 9],
    [['reachability', 0], 10],
    // The deepest step found: `check` has no element 5, `budget` nothing at all.
    [['check', 5], 4],
    [['budget'], undefined],
  ])('%j is on line %s', (path, line) => {
    expect(fieldLine(TEXT, path)).toBe(line);
  });

  test('text that is not JSON has no lines', () => {
    expect(fieldLine('{"a": ', ['a'])).toBeUndefined();
  });
});

describe('shortfallField', () => {
  const def = {
    name: 'x',
    expect: 'pass',
    setup: [{ op: 'lookup' }],
    actors: [{ name: 'cpu' }, { name: 'admin', ops: [{ op: 'rmdir' }] }],
    expectFinal: [{ map: 'counters' }],
    check: ['atomic-add'],
  };
  const report = (violation?: string) =>
    ({ unreached: ['lost-update'], ...(violation ? { violation: { invariant: violation } } : {}) }) as never;
  test.each([
    ['missing-violation', 'x', undefined, ['expect']],
    ['unexpected-violation', 'x', 'atomic-add', ['check', 0]],
    ['unexpected-violation', 'x', 'final-value', ['expectFinal']],
    ['unexpected-violation', 'x', 'no-double-free', ['expect']],
    [
      'unreached-expectation',
      'expected in some execution, never seen in 3 executions: admin ops[0] (rmdir job) returns -EBUSY',
      undefined,
      ['actors', 1, 'ops', 0, 'expect'],
    ],
    [
      'unreached-expectation',
      'expected …: setup[0] (lookup counters[app]) returns 0',
      undefined,
      ['setup', 0],
    ],
    ['unreached-expectation', 'expected …: counters[app] ends holding [2]', undefined, ['expectFinal']],
    ['incomplete', 'x', undefined, ['expect']],
  ])('%s (%s) points at %j', (kind, message, violation, path) => {
    expect(shortfallField({ kind, message } as never, report(violation), def)).toEqual(path);
  });
});
