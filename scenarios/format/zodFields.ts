/**
 * The building blocks of the scenario schema (schema.ts): zod types that carry
 * their JSON Schema description and the one-line message each failure gets, so
 * that the types, the shipped schema and the error messages have one source.
 */
import { z } from 'zod';
import type { ParamRef } from './paramRef.js';
import { isObj, show } from './paths.js';

/** What a zod error map receives: the failing value, and for some codes more. */
type RawIssue = z.core.$ZodRawIssue;
/** A message from the failing value and issue. */
type Message = (input: unknown, issue: RawIssue) => string;
const error = (m: Message) => ({ error: (iss: RawIssue) => m(iss.input, iss) });

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const PARAM_REF = /^\$[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const GOAL_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The range each numeric field allows, by its schema: `$param` references are checked against it once params are known. */
export const NUM_RANGES = new WeakMap<z.ZodType, { readonly min: number; readonly max: number }>();

/** A name: letters, digits, '_', '-', '.', at most 64, not starting with a digit. */
export const name = (description: string) =>
  z
    .string(
      error((v) =>
        typeof v !== 'string'
          ? `expected a name, got ${show(v)}`
          : `invalid name ${show(v)} (letters, digits, '_', '-', '.', at most 64, not starting with a digit)`,
      ),
    )
    .regex(NAME)
    .describe(description);

/** A parameter name (a `params` key). */
export const paramName = z
  .string(
    error((v) => `invalid parameter name ${show(v)} (letters, digits and '_', not starting with a digit)`),
  )
  .regex(PARAM_NAME);

/** A string with something besides white space. */
export const text = (description: string) =>
  z
    .string(error((v) => `expected a non-empty string, got ${show(v)}`))
    .regex(/\S/)
    .describe(description);

/** true or false. */
export const bool = (description: string) =>
  z.boolean(error((v) => `expected true or false, got ${show(v)}`)).describe(description);

/** A safe integer in [min, max]. */
export const int = (min: number, max: number, description?: string) => {
  const s = z
    .int(
      error((v) =>
        typeof v !== 'number' || !Number.isSafeInteger(v)
          ? `expected an integer, got ${show(v)}`
          : `${v} is outside [${min}, ${max}]`,
      ),
    )
    .min(min)
    .max(max);
  return description === undefined ? s : s.describe(description);
};

const paramRef = z
  .string(error((v) => `expected an integer or a '$param' reference, got ${show(v)}`))
  .regex(PARAM_REF)
  .describe('A reference to a declared parameter: "$" and its name, e.g. "$cpus".') as unknown as z.ZodType<
  ParamRef,
  string
>;

/** An integer in [min, max] or a `$param` reference, whose range is checked once params are known. */
export const num = (min: number, max: number, description: string) => {
  const s = z
    .union(
      [int(min, max), paramRef],
      error((v) => `expected an integer or a '$param' reference, got ${show(v)}`),
    )
    .describe(
      `${description} An integer or a "$param" reference whose range must lie inside [${min}, ${max}].`,
    );
  NUM_RANGES.set(s, { min, max });
  return s;
};

/** One of a closed list of strings; `what` names the list in messages. */
export const oneOf = <const T extends readonly [string, ...string[]]>(
  values: T,
  what: string,
  description: string,
) =>
  z
    .enum(
      values,
      error((v) => `unknown ${what} ${show(v)} (expected one of ${values.join(', ')})`),
    )
    .describe(description);

/** An array of at least `minItems` items. */
export const list = <T extends z.ZodType>(item: T, description: string, minItems = 0) =>
  z
    .array(
      item,
      error((v, iss) =>
        iss.code === 'too_small'
          ? `expected at least ${minItems} entr${minItems === 1 ? 'y' : 'ies'}`
          : `expected an array, got ${show(v)}`,
      ),
    )
    .min(minItems)
    .describe(description);

/** Adds a `duplicate <what>` issue at the second of two equal items (compared as JSON). */
export function distinct<T>(what: string) {
  return (items: readonly T[], ctx: z.RefinementCtx): void => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      const key = JSON.stringify(item);
      if (seen.has(key))
        ctx.addIssue({ code: 'custom', path: [i], message: `duplicate ${what} ${show(item)}` });
      seen.add(key);
    });
  };
}

/** Distinct strings from a closed list. */
export const set = <const T extends readonly [string, ...string[]]>(
  values: T,
  what: string,
  description: string,
) =>
  list(oneOf(values, what, `One ${what}.`), description)
    .superRefine(distinct(what))
    .meta({ uniqueItems: true });

/** Distinct kebab-case goal ids. */
export const goalIds = (description: string) =>
  list(z.string(error((v) => `expected a goal id in kebab-case, got ${show(v)}`)).regex(GOAL_ID), description)
    .superRefine(distinct('reachability goal'))
    .meta({ uniqueItems: true });

/**
 * An object with exactly these fields (absent optional fields stay absent).
 * `unknownField` may give a better message for a field that does not belong.
 */
export const obj = <S extends z.ZodRawShape>(
  shape: S,
  description: string,
  unknownField?: (key: string) => string | undefined,
) =>
  z
    .strictObject(
      shape,
      error((v, iss) => {
        if (iss.code !== 'unrecognized_keys') return `expected an object, got ${show(v)}`;
        const key = iss.keys[0] ?? '';
        return unknownField?.(key) ?? `unknown field (allowed: ${Object.keys(shape).join(', ')})`;
      }),
    )
    .describe(description);

/** Objects told apart by the string field `key`, named `what` in messages. */
export const tagged = <
  const K extends string,
  const O extends readonly [z.core.$ZodTypeDiscriminable, ...z.core.$ZodTypeDiscriminable[]],
>(
  key: K,
  what: string,
  values: readonly string[],
  options: O,
  description: string,
) =>
  z
    .discriminatedUnion(
      key,
      options,
      error((v) =>
        isObj(v)
          ? `unknown ${what} ${show(v[key])} (expected one of ${values.join(', ')})`
          : `expected an object, got ${show(v)}`,
      ),
    )
    .describe(description);
