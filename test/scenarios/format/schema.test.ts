import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { eraOfVersion } from '../../../model/core/era.js';
import { GOAL_IDS } from '../../../properties/reachability.js';
import { KNOWN_INVARIANT_IDS } from '../../../scenarios/compile/invariants.js';
import { catalogueSources } from '../../../scenarios/engine/load.js';
import { scenarioJsonSchemaText } from '../../../scenarios/format/jsonSchema.js';
import { KERNEL_VERSIONS, KNOWN_BUGS, STRATEGY_NAMES } from '../../../scenarios/format/vocabulary.js';

const SCHEMA_FILE = new URL('../../../scenarios/scenario.schema.json', import.meta.url);
const EXAMPLES = new URL('../../../examples/', import.meta.url);
const committed = readFileSync(SCHEMA_FILE, 'utf8');
// biome-ignore lint/suspicious/noExplicitAny: walking an arbitrary JSON document
const schema: any = JSON.parse(committed);
const defs = schema.$defs;
const ajv = new Ajv2020({ allErrors: true, strict: true });
const validate = ajv.compile(schema);

/** ajv's verdict on a value: 'valid' or its first error as `path message`. */
function ajvVerdict(value: unknown): string {
  if (validate(value)) return 'valid';
  const e = validate.errors?.[0];
  return `${e?.instancePath} ${e?.message}`;
}

describe('scenario.schema.json', () => {
  it('is exactly what `npm run schema` generates from the zod schema', () => {
    expect(committed).toBe(scenarioJsonSchemaText());
  });

  it('is draft 2020-12, compiles under ajv strict mode and describes the scenario object', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$ref).toBe('#/$defs/scenario');
    expect(defs.scenario.additionalProperties).toBe(false);
  });

  it.each(catalogueSources().map((s) => [s.info.name, s.def] as const))(
    'accepts catalogue entry %s',
    (_name, def) => {
      expect(ajvVerdict(def)).toBe('valid');
    },
  );

  const examples = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
  it.each(examples)('accepts examples/%s', (file) => {
    expect(ajvVerdict(JSON.parse(readFileSync(new URL(file, EXAMPLES), 'utf8')))).toBe('valid');
  });

  it('lists the tool’s own invariant ids, bugs, strategies, kernel versions and reachability goals', () => {
    const props = defs.scenario.properties;
    expect(props.expect.enum).toStrictEqual(['pass', ...KNOWN_INVARIANT_IDS]);
    expect(props.check.items.enum).toStrictEqual(KNOWN_INVARIANT_IDS);
    expect(props.reachability.items.enum).toStrictEqual(GOAL_IDS);
    expect(defs.options.properties.bugs.items.enum).toStrictEqual(KNOWN_BUGS);
    expect(defs.budget.properties.strategy.enum).toStrictEqual(STRATEGY_NAMES);
    expect(props.kernel.enum).toStrictEqual(KERNEL_VERSIONS);
    expect(props.kernel.enum.map((v: string) => eraOfVersion(v))).toStrictEqual(['E1', 'E2', 'E3']);
  });

  it('rejects what the format rejects for its shape', () => {
    const base = JSON.parse(readFileSync(new URL('doc-counter.json', EXAMPLES), 'utf8'));
    const mutated = (f: (d: typeof base) => void) => {
      const d = structuredClone(base);
      f(d);
      return ajvVerdict(d);
    };
    expect(
      mutated((d) => {
        d.maps[0].key = 'shared';
      }),
    ).toBe('/maps/0 must NOT have additional properties');
    expect(
      mutated((d) => {
        d.actors[1].ops[0].op = 'lookp';
      }),
    ).not.toBe('valid');
    expect(
      mutated((d) => {
        d.kernel = '6.9';
      }),
    ).toBe('/kernel must be equal to one of the allowed values');
    expect(
      mutated((d) => {
        d.actors[1].ops[0].expect = '-ENOSUCH';
      }),
    ).not.toBe('valid');
    expect(
      mutated((d) => {
        d.actors[1].ops[0].expect = { anyOf: [0, '-ENOENT'] };
      }),
    ).toBe('valid');
  });
});
