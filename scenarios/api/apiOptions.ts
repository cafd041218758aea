/**
 * Validation of the TypeScript API's options, as strict as the cli's flags: a
 * bad value is an {@link OptionError} naming the function, the field and the
 * value — never a pass after zero executions, never an endless run.
 */
import type { StrategyName } from '../engine/engine.js';
import { KERNEL_VERSIONS } from '../format/vocabulary.js';

/** A bad option passed to an API function; `field` is its path, e.g. `options.runs`. */
export class OptionError extends Error {
  override readonly name = 'OptionError';
  constructor(
    /** The function that refused it, e.g. `check`. */
    readonly fn: string,
    readonly field: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`${fn}: ${field}: expected ${expected}, got ${describeValue(value)}`);
  }
}

/** A value as an error message shows it: strings quoted, NaN and Infinity by name. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === undefined || v === null) return String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  try {
    return JSON.stringify(v) ?? typeof v;
  } catch {
    return typeof v;
  }
}

/** Strategies the API accepts, as the cli spells them. */
export const API_STRATEGIES: readonly StrategyName[] = ['random', 'pct', 'dpor', 'dfs', 'bounded'];

/** Checks that `options` is undefined or a plain object with only `known` keys; returns it as a record. */
export function checkOptionKeys(
  fn: string,
  options: unknown,
  known: readonly string[],
): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new OptionError(fn, 'options', options, 'an object');
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new OptionError(
        fn,
        `options.${key}`,
        (options as Record<string, unknown>)[key],
        `one of the known options (${known.join(', ')}); this one is unknown`,
      );
    }
  }
  return options as Record<string, unknown>;
}

/** An optional integer in [min, max]; safe integers only, so NaN and Infinity are refused. */
export function optionalInt(
  fn: string,
  field: string,
  v: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER
        ? min === 1
          ? 'a positive integer'
          : `an integer ≥ ${min}`
        : `an integer in [${min}, ${max}]`;
    throw new OptionError(fn, field, v, range);
  }
  return v;
}

/** An optional member of `choices`. */
export function optionalChoice<T extends string>(
  fn: string,
  field: string,
  v: unknown,
  choices: readonly T[],
): T | undefined {
  if (v === undefined) return undefined;
  const found = choices.find((c) => c === v);
  if (found === undefined) throw new OptionError(fn, field, v, `one of ${choices.join(', ')}`);
  return found;
}

/** An optional kernel version naming an era (`6.2`, `6.15`, `7.0`). */
export function optionalKernel(fn: string, field: string, v: unknown): string | undefined {
  return optionalChoice(fn, field, v, KERNEL_VERSIONS);
}

/** An optional seed: 1 to 64 letters, digits, `.`, `_` or `-`, as `--seed` takes. */
export function optionalSeed(fn: string, field: string, v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(v)) {
    throw new OptionError(fn, field, v, "1 to 64 letters, digits, '.', '_' or '-'");
  }
  return v;
}

/** An optional boolean. */
export function optionalBoolean(fn: string, field: string, v: unknown): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new OptionError(fn, field, v, 'true or false');
  return v;
}

/** Optional parameter overrides: an object of finite numbers. */
export function optionalParams(
  fn: string,
  field: string,
  v: unknown,
): Readonly<Record<string, number>> | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new OptionError(fn, field, v, 'an object of numbers');
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'number' || !Number.isFinite(x))
      throw new OptionError(fn, `${field}.${k}`, x, 'a finite number');
  }
  return v as Record<string, number>;
}
