/**
 * Finds every `$param` reference in a validated scenario, with the range its
 * field allows, by walking the schema beside the value: the ranges live in the
 * schema (zodFields.ts num()), nowhere else.
 */
import type { z } from 'zod';
import { type ParamUse, pathText } from './paths.js';
import type { ParamRef } from './types.js';
import { NUM_RANGES } from './zodFields.js';

type Def = {
  readonly type: string;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly element?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly in?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
};
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Every `$param` reference in `value` (valid for `schema`), in document order. */
export function findParamUses(schema: z.ZodType, value: unknown): ParamUse[] {
  const out: ParamUse[] = [];
  walk(schema, value, [], out);
  return out;
}

function walk(schema: z.ZodType, v: unknown, path: PropertyKey[], out: ParamUse[]): void {
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
    const fits = d.options!.find((o) => o.safeParse(v).success);
    if (fits !== undefined) walk(fits, v, path, out);
  }
}
