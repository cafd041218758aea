/** fieldLine: the line of a key or array element, the deepest found, nothing for non-JSON. */
import { describe, expect, test } from 'vitest';
import { fieldLine } from '../../../cli/suite/fieldLine.js';

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
