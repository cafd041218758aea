/**
 * Typed reads of untrusted JSON with paths. The first error wins and later
 * reads return placeholders, so a shape reader is straight-line code that
 * checks `reader.error` once at the end.
 */
import type { InputError } from '../engine/engine.js';
import type { FieldSpec } from './fields.js';
import type { Num, ParamRef } from './types.js';

/** A JSON object as the validator sees it. */
export type Obj = Readonly<Record<string, unknown>>;
/** Reads one value at a path; returns a placeholder after recording an error. */
export type Read<T> = (v: unknown, path: string) => T;

/** A `$param` reference found in a numeric field, with the range that field allows. */
export interface ParamUse {
  readonly path: string;
  readonly ref: ParamRef;
  readonly min: number;
  readonly max: number;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const PARAM_REF = /^\$[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** `path.key`, or `key` at the top. */
export const at = (path: string, key: string): string =>
  path === ''
    ? key
    : /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)
      ? `${path}.${key}`
      : `${path}[${JSON.stringify(key)}]`;
/** `path[i]`. */
export const idx = (path: string, i: number): string => `${path}[${i}]`;

/** A value as it appears in an error message: one line, strings quoted, long ones cut. */
export function show(v: unknown): string {
  if (typeof v === 'string') {
    const s = JSON.stringify(v).slice(1, -1);
    return `'${s.length > 60 ? `${s.slice(0, 57)}...` : s}'`;
  }
  if (Array.isArray(v)) return 'an array';
  if (v === undefined) return 'nothing';
  if (typeof v === 'object' && v !== null) return 'an object';
  return String(v);
}

/** True for a plain JSON object (not null, not an array). */
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One validation pass over one file: the first error, and the `$param` uses seen. */
export class FieldReader {
  error: InputError | undefined;
  readonly paramUses: ParamUse[] = [];

  constructor(readonly file: string) {}

  /** Records an error unless one is already recorded. */
  fail(path: string, message: string): void {
    this.error ??= { message: `${this.file}: ${path === '' ? '(root)' : path}: ${message}` };
  }

  /** An object with exactly the fields `spec` allows; a field set to undefined counts as absent. */
  object(v: unknown, path: string, spec: FieldSpec): Obj {
    if (!isObj(v)) {
      this.fail(path, `expected an object, got ${show(v)}`);
      return {};
    }
    const allowed = [...spec.required, ...spec.optional];
    for (const key of Object.keys(v)) {
      if (!allowed.includes(key)) this.fail(at(path, key), `unknown field (allowed: ${allowed.join(', ')})`);
    }
    for (const key of spec.required) {
      if (v[key] === undefined) this.fail(path, `missing required field '${key}'`);
    }
    return v;
  }

  /** A required field (object() has reported it if missing). */
  req<T>(o: Obj, key: string, path: string, read: Read<T>): T {
    return read(o[key], at(path, key));
  }

  /** An optional field: undefined when absent. */
  opt<T>(o: Obj, key: string, path: string, read: Read<T>): T | undefined {
    return o[key] === undefined ? undefined : read(o[key], at(path, key));
  }

  readonly text: Read<string> = (v, path) => {
    if (typeof v === 'string' && v.trim() !== '') return v;
    this.fail(path, `expected a non-empty string, got ${show(v)}`);
    return '';
  };

  readonly name: Read<string> = (v, path) => {
    if (typeof v === 'string' && NAME.test(v)) return v;
    if (typeof v !== 'string') this.fail(path, `expected a name, got ${show(v)}`);
    else
      this.fail(
        path,
        `invalid name ${show(v)} (letters, digits, '_', '-', '.', at most 64, not starting with a digit)`,
      );
    return '';
  };

  readonly paramName: Read<string> = (v, path) => {
    if (typeof v === 'string' && PARAM_NAME.test(v)) return v;
    this.fail(path, `invalid parameter name ${show(v)} (letters, digits and '_', not starting with a digit)`);
    return '';
  };

  readonly bool: Read<boolean> = (v, path) => {
    if (typeof v === 'boolean') return v;
    this.fail(path, `expected true or false, got ${show(v)}`);
    return false;
  };

  /** A safe integer in [min, max]. */
  int(min: number, max: number): Read<number> {
    return (v, path) => {
      if (typeof v !== 'number' || !Number.isSafeInteger(v))
        this.fail(path, `expected an integer, got ${show(v)}`);
      else if (v < min || v > max) this.fail(path, `${v} is outside [${min}, ${max}]`);
      else return v;
      return min;
    };
  }

  /** An integer in [min, max] or a `$param` reference, whose range is checked once params are known. */
  num(min: number, max: number): Read<Num> {
    const literal = this.int(min, max);
    return (v, path) => {
      if (typeof v === 'number') return literal(v, path);
      if (typeof v === 'string' && PARAM_REF.test(v)) {
        this.paramUses.push({ path, ref: v as ParamRef, min, max });
        return v as ParamRef;
      }
      this.fail(path, `expected an integer or a '$param' reference, got ${show(v)}`);
      return min;
    };
  }

  /** One of a closed list of strings. */
  oneOf<T extends string>(values: readonly T[], what: string): Read<T> {
    return (v, path) => {
      if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as T;
      this.fail(path, `unknown ${what} ${show(v)} (expected one of ${values.join(', ')})`);
      return values[0] as T;
    };
  }

  /** An array of at least `minItems` items. */
  list<T>(read: Read<T>, minItems = 0): Read<T[]> {
    return (v, path) => {
      if (!Array.isArray(v)) {
        this.fail(path, `expected an array, got ${show(v)}`);
        return [];
      }
      if (v.length < minItems)
        this.fail(path, `expected at least ${minItems} entr${minItems === 1 ? 'y' : 'ies'}`);
      return v.map((item, i) => read(item, idx(path, i)));
    };
  }

  /** A list of distinct strings from a closed list. */
  set<T extends string>(values: readonly T[], what: string): Read<T[]> {
    const list = this.list(this.oneOf(values, what));
    return (v, path) => {
      const out = list(v, path);
      out.forEach((s, i) => {
        if (out.indexOf(s) !== i) this.fail(idx(path, i), `duplicate ${what} ${show(s)}`);
      });
      return out;
    };
  }
}
