/**
 * JSON paths and values as error messages show them: `actors[1].ops[0].op`,
 * `'lookp'`. One line, whatever the input.
 */
import type { ParamRef } from './paramRef.js';

/** A JSON object as the validator sees it. */
export type Obj = Readonly<Record<string, unknown>>;

/** A `$param` reference found in a numeric field, with the range that field allows. */
export interface ParamUse {
  readonly path: string;
  readonly ref: ParamRef;
  readonly min: number;
  readonly max: number;
}

/** A problem at a JSON path. */
export interface Issue {
  readonly path: string;
  readonly message: string;
}

/** `path.key`, or `key` at the top. */
/** The first problem a check finds, or undefined. */
export type Found = Issue | undefined;

/** Runs `check` on each element in order; the first problem found, or undefined. */
export const first = <T>(xs: readonly T[], check: (x: T, i: number) => Found): Found => {
  for (const [i, x] of xs.entries()) {
    const found = check(x, i);
    if (found !== undefined) return found;
  }
  return undefined;
};

export const at = (path: string, key: string): string =>
  path === ''
    ? key
    : /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)
      ? `${path}.${key}`
      : `${path}[${JSON.stringify(key)}]`;
/** `path[i]`. */
export const idx = (path: string, i: number): string => `${path}[${i}]`;

/** A zod issue path (keys and indices) as text: `actors[1].ops[0]`, or '' at the top. */
export function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out = typeof p === 'number' ? idx(out, p) : at(out, String(p));
  return out;
}

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
