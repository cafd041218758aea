import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../scenarios/format/canonical.js';
import { parseJsonText } from '../../../scenarios/format/jsonText.js';
import { parseScenarioJson, validateScenario } from '../../../scenarios/format/validate.js';
import { fc, test } from '../../seededProp.js';
import { scenarioDefArb } from './arbitraries.js';

/** Rebuilds every object with its keys in reverse order. */
function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(
    Object.entries(v)
      .reverse()
      .map(([k, x]) => [k, reverseKeys(x)]),
  );
}

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined fields', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined, b: 'x' }] })).toBe(
      '{"a":[{"b":"x","d":2}],"b":1}',
    );
  });

  test.prop([scenarioDefArb])(
    'every generated def is valid and the validator returns it unchanged',
    (def) => {
      expect(validateScenario(def, 'gen.json')).toStrictEqual({ ok: true, value: def });
    },
  );

  test.prop([scenarioDefArb])('canonicalJson -> parse -> canonicalJson is the identity', (def) => {
    const text = canonicalJson(def);
    const parsed = parseScenarioJson(text, 'gen.json');
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(canonicalJson(parsed.value)).toBe(text);
  });

  test.prop([scenarioDefArb])('key order and formatting do not change the canonical form', (def) => {
    const parsed = parseScenarioJson(JSON.stringify(reverseKeys(def), null, 2), 'gen.json');
    expect(parsed.ok && canonicalJson(parsed.value)).toBe(canonicalJson(def));
  });
});

describe('parseJsonText', () => {
  test.prop([fc.json()])('agrees with JSON.parse on valid JSON', (text) => {
    expect(parseJsonText(text)).toStrictEqual({ ok: true, value: JSON.parse(text) });
  });

  test.prop([fc.jsonValue()])('agrees with JSON.parse on pretty-printed JSON', (v) => {
    const text = JSON.stringify(v, null, '\t');
    expect(parseJsonText(text)).toStrictEqual({ ok: true, value: JSON.parse(text) });
  });
});
