import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FIELDS } from '../../../scenarios/format/fields.js';
import {
  ATTACH_TYPES,
  INSN_MNEMONICS,
  KERNEL_VERSIONS,
  KNOWN_BUGS,
  KNOWN_INVARIANTS,
  LOOKUP_FLAGS,
  MAP_TYPES,
  PROGRAM_TYPES,
  STORAGE_KEYS,
  UPDATE_FLAGS,
} from '../../../scenarios/format/vocabulary.js';

// biome-ignore lint/suspicious/noExplicitAny: walking an arbitrary JSON document
type Schema = any;
const schema: Schema = JSON.parse(
  readFileSync(new URL('../../../scenarios/scenario.schema.json', import.meta.url), 'utf8'),
);
const defs = schema.$defs;

/** Every `properties` entry anywhere in the schema, with its JSON pointer. */
function allProperties(node: Schema, pointer: string): [string, Schema][] {
  if (typeof node !== 'object' || node === null) return [];
  const own: [string, Schema][] = Object.entries(node.properties ?? {}).map(([k, v]) => [
    `${pointer}/properties/${k}`,
    v,
  ]);
  const nested = Object.entries(node).flatMap(([k, v]) => allProperties(v, `${pointer}/${k}`));
  return [...own, ...nested];
}

describe('scenario.schema.json', () => {
  it('is draft 2020-12 and describes the scenario object', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$ref).toBe('#/$defs/scenario');
  });

  it.each(Object.entries(FIELDS))('$defs.%s lists exactly the fields the validator knows', (kind, spec) => {
    const def = defs[kind];
    expect(def.additionalProperties).toBe(false);
    expect(Object.keys(def.properties).sort()).toStrictEqual([...spec.required, ...spec.optional].sort());
    expect([...def.required].sort()).toStrictEqual([...spec.required].sort());
  });

  it('has no object $defs the validator does not know', () => {
    const objects = Object.entries(defs)
      .filter(([, d]) => (d as Schema).type === 'object' && (d as Schema).properties !== undefined)
      .map(([k]) => k);
    expect(objects.sort()).toStrictEqual(Object.keys(FIELDS).sort());
  });

  it('documents every property, and every $defs entry', () => {
    const undocumented = allProperties(schema, '#')
      .filter(([ptr]) => !ptr.includes('/allOf/')) // conditions on fields, not fields
      .filter(([, p]) => typeof p.description !== 'string' || p.description.length < 3)
      .map(([ptr]) => ptr);
    expect(undocumented).toStrictEqual([]);
    const bare = Object.entries(defs).filter(([, d]) => typeof (d as Schema).description !== 'string');
    expect(bare).toStrictEqual([]);
  });

  it('uses the same word lists as the validator', () => {
    expect(defs.scenario.properties.kernel.enum).toStrictEqual(KERNEL_VERSIONS);
    expect(defs.invariant.enum).toStrictEqual(KNOWN_INVARIANTS);
    expect(defs.options.properties.bugs.items.enum).toStrictEqual(KNOWN_BUGS);
    expect(defs.map.properties.type.enum).toStrictEqual(MAP_TYPES);
    expect(defs.map.properties.key.enum).toStrictEqual(STORAGE_KEYS);
    expect(defs.program.properties.type.enum).toStrictEqual(PROGRAM_TYPES);
    expect(defs.lookupOp.properties.attachType.enum).toStrictEqual(ATTACH_TYPES);
    expect(defs.lookupOp.properties.flags.items.enum).toStrictEqual(LOOKUP_FLAGS);
    expect(defs.updateOp.properties.flags.items.enum).toStrictEqual(UPDATE_FLAGS);
    const ops = defs.userOp.oneOf.flatMap((r: Schema) => {
      const op = defs[r.$ref.replace('#/$defs/', '')].properties.op;
      return op.enum ?? [op.const];
    });
    expect(ops.sort()).toStrictEqual(
      ['lookup', 'update', 'delete', 'get-next-key', 'rmdir', 'close-map', 'attach', 'detach'].sort(),
    );
    expect(defs.program.properties.insns.items.pattern).toBe(
      `^\\s*(?:[A-Za-z_][A-Za-z0-9_]*:\\s*)?(?:(?:${INSN_MNEMONICS.join('|')})(?:\\s.*)?)?$`,
    );
  });

  it('points every $ref at an existing $defs entry', () => {
    const refs = JSON.stringify(schema).match(/"\$ref":"[^"]*"/g) ?? [];
    const missing = refs
      .map((r) => r.slice(8, -1).replace('#/$defs/', ''))
      .filter((name) => defs[name] === undefined);
    expect(missing).toStrictEqual([]);
  });
});
