/** cgrpcheck.config.json: what it accepts, and one line naming file, field and value for what it does not. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, test } from 'vitest';
import { configJsonSchema, parseSuiteConfig } from '../../../cli/suite/config.js';

const parse = (text: string) => () => parseSuiteConfig(text, 'cgrpcheck.config.json');

describe('parseSuiteConfig', () => {
  test('a whole config is accepted as written', () => {
    const text = JSON.stringify({
      seed: 'ci',
      strict: true,
      timeBudget: 30,
      workers: 2,
      junit: 'out/junit.xml',
      budget: { strategy: 'pct', runs: 500 },
      suites: [
        { name: 'catalogue', catalogue: true },
        { name: 'examples', paths: ['examples/'], budget: { runs: 1000 }, strict: false, timeBudget: 5 },
      ],
    });
    expect(parse(text)()).toEqual(JSON.parse(text));
  });

  test.each([
    ['{"seed": 3}', 'cgrpcheck.config.json: seed: expected string, received number (got 3)'],
    [
      '{"suites": [{"name": "a", "paths": ["x"], "budget": {"runs": -1}}]}',
      'cgrpcheck.config.json: suites[0].budget.runs: Too small: expected number to be >0 (got -1)',
    ],
    ['{"workers": 1.5}', 'cgrpcheck.config.json: workers: expected int, received number (got 1.5)'],
    [
      '{"budget": {"strategy": "bogus"}}',
      'cgrpcheck.config.json: budget.strategy: expected one of "random"|"pct"|"dpor"|"dfs"|"bounded" (got "bogus")',
    ],
    ['{"x": 1}', "cgrpcheck.config.json: unknown field 'x'"],
    ['{"suites": [{"name": "a", "pathz": []}]}', "cgrpcheck.config.json: suites[0]: unknown field 'pathz'"],
    [
      '{"suites": [{"name": "a"}]}',
      "cgrpcheck.config.json: suites[0] ('a'): names no paths and not the catalogue",
    ],
    [
      '{"suites": [{"name": "a", "catalogue": true}, {"name": "a", "paths": ["x"]}]}',
      "cgrpcheck.config.json: suites: the name 'a' is used twice",
    ],
    ['[1]', 'cgrpcheck.config.json: (top level): expected object, received array (got [1])'],
    ['{"seed": "a",\n "x": }', "cgrpcheck.config.json:2:7: invalid JSON: expected a JSON value, got '}'"],
  ])('%s is refused: %s', (text, message) => {
    expect(parse(text)).toThrow(message);
  });

  test('the shipped cli/cgrpcheck.config.schema.json is the generated one, and ajv agrees with the loader', () => {
    const shipped = JSON.parse(
      readFileSync(join(import.meta.dirname, '../../../cli/cgrpcheck.config.schema.json'), 'utf8'),
    );
    expect(shipped).toEqual(configJsonSchema());
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(shipped);
    expect(validate({ seed: 'ci', suites: [{ name: 'cat', catalogue: true }] })).toBe(true);
    expect(validate({ workers: 0 })).toBe(false);
    expect(validate({ suites: [{ name: 'x', catalogue: true, extra: 1 }] })).toBe(false);
  });

  test('the JSON Schema comes from the same definition: strict objects, the strategies', () => {
    const schema = configJsonSchema() as {
      additionalProperties: boolean;
      properties: Record<string, { properties?: Record<string, { enum?: string[] }> }>;
    };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.budget?.properties?.strategy?.enum).toEqual([
      'random',
      'pct',
      'dpor',
      'dfs',
      'bounded',
    ]);
  });
});
