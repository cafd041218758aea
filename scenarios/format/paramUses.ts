/**
 * Finds every `$param` reference in a validated scenario, with the range its
 * field allows, by walking the schema beside the value: the ranges live in the
 * schema (zodFields.ts num()), nowhere else.
 */
import type { z } from 'zod';
import type { ParamRef } from './paramRef.js';
import { type ParamUse, pathText } from './paths.js';
import { NUM_RANGES } from './zodFields.js';

type Def = {
  readonly type: string;
  readonly discriminator?: string;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly element?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
};
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Whether a schema has a numeric field anywhere below it; subtrees without one are not walked. */
const HAS_NUM = new WeakMap<z.ZodType, boolean>();

function hasNum(schema: z.ZodType): boolean {
  const known = HAS_NUM.get(schema);
  if (known !== undefined) return known;
  HAS_NUM.set(schema, false); // a cycle adds nothing
  const d = defOf(schema);
  const below = [
    d.innerType,
    d.in,
    d.element,
    d.valueType,
    ...Object.values(d.shape ?? {}),
    ...(d.options ?? []),
  ];
  const has = NUM_RANGES.has(schema) || below.some((x) => x !== undefined && hasNum(x));
  HAS_NUM.set(schema, has);
  return has;
}

/** The literal values each field of an object schema may take (zod's propValues), by field. */
const propValues = (o: z.ZodType): Readonly<Record<string, ReadonlySet<unknown>>> | undefined =>
  (o as unknown as { _zod: { propValues?: Record<string, Set<unknown>> } })._zod.propValues;

/** The option of a union that `v` took: by its discriminator when there is one. */
function optionOf(d: Def, v: unknown): z.ZodType | undefined {
  const options = d.options!.filter(hasNum);
  const key = d.discriminator;
  if (key !== undefined && typeof v === 'object' && v !== null) {
    const tag = (v as Record<string, unknown>)[key];
    return options.find((o) => propValues(o)?.[key]?.has(tag) === true);
  }
  return options.find((o) => o.safeParse(v).success);
}

/** Every `$param` reference in `value` (valid for `schema`), in document order. */
export function findParamUses(schema: z.ZodType, value: unknown): ParamUse[] {
  const out: ParamUse[] = [];
  walk(schema, value, [], out);
  return out;
}

function walk(schema: z.ZodType, v: unknown, path: PropertyKey[], out: ParamUse[]): void {
  if (!hasNum(schema)) return;
  const range = NUM_RANGES.get(schema);
  if (range !== undefined) {
    if (typeof v === 'string') out.push({ path: pathText(path), ref: v as ParamRef, ...range });
    return;
  }
  const d = defOf(schema);
  if (d.type === 'optional' && v !== undefined) walk(d.innerType!, v, path, out);
  else if (d.type === 'pipe') walk(d.in!, v, path, out);
  else if (d.type === 'array' && Array.isArray(v)) {
    for (const [i, x] of v.entries()) walk(d.element!, x, [...path, i], out);
  } else if (d.type === 'object' && typeof v === 'object' && v !== null)
    for (const [k, s] of Object.entries(d.shape!)) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) walk(s, x, [...path, k], out);
    }
  else if (d.type === 'record' && typeof v === 'object' && v !== null)
    for (const [k, x] of Object.entries(v)) walk(d.valueType!, x, [...path, k], out);
  else if (d.type === 'union') {
    const fits = optionOf(d, v);
    if (fits !== undefined) walk(fits, v, path, out);
  }
}
