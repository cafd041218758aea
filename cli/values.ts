/**
 * Validators for flag values. Each returns the parsed value or throws a
 * UsageError whose message names the flag, what it expected and what it got.
 */

import { KERNEL_VERSIONS } from '../scenarios/format/vocabulary.js';
import { UsageError } from './usageError.js';

/** Kernel versions `--kernel` accepts, one per era, oldest first. */
export const KNOWN_KERNELS: readonly string[] = KERNEL_VERSIONS;

/** Output formats of check, replay and merge. */
export const FORMATS = ['text', 'json', 'junit', 'chrome', 'dot'] as const;
/** One of FORMATS. */
export type Format = (typeof FORMATS)[number];

/** Strategies the engine accepts, as `--strategy` spells them. */
export const STRATEGIES = ['random', 'pct', 'dpor', 'dfs', 'bounded'] as const;

/** Parses a positive safe integer, e.g. `--runs 1000`. */
export function parsePositiveInt(flag: string, raw: string): number {
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1)
    throw new UsageError(`${flag}: expected a positive integer, got '${raw}'`);
  return n;
}

/** Parses a non-negative safe integer, e.g. `--preemptions 0`. */
export function parseNonNegativeInt(flag: string, raw: string): number {
  const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n))
    throw new UsageError(`${flag}: expected a non-negative integer, got '${raw}'`);
  return n;
}

/** Parses a positive decimal number of seconds, e.g. `--time-budget 2.5`. */
export function parsePositiveSeconds(flag: string, raw: string): number {
  const n = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`${flag}: expected a positive number of seconds, got '${raw}'`);
  return n;
}

/** Parses one of `choices`, e.g. `--format junit`. */
export function parseChoice<T extends string>(flag: string, raw: string, choices: readonly T[]): T {
  const found = choices.find((c) => c === raw);
  if (found === undefined)
    throw new UsageError(`${flag}: unknown value '${raw}' (known: ${choices.join(', ')})`);
  return found;
}

/** Parses a seed: 1 to 64 letters, digits, `.`, `_` or `-`, so replay lines need no quoting. */
export function parseSeed(raw: string): string {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(raw)) {
    throw new UsageError(`--seed: expected 1 to 64 letters, digits, '.', '_' or '-', got '${raw}'`);
  }
  return raw;
}

/** Parses a kernel version that names an era. */
export function parseKernel(raw: string): string {
  if (!KNOWN_KERNELS.includes(raw)) {
    throw new UsageError(`--kernel: unknown kernel '${raw}' (known: ${KNOWN_KERNELS.join(', ')})`);
  }
  return raw;
}

/** Parses `I/N` with 0 ≤ I < N. */
export function parseShard(raw: string): { readonly index: number; readonly count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(raw);
  if (!m) throw new UsageError(`--shard: expected INDEX/COUNT such as 0/4, got '${raw}'`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count)) {
    throw new UsageError(`--shard: numbers too large in '${raw}'`);
  }
  if (index >= count) throw new UsageError(`--shard: index ${index} is not below count ${count} in '${raw}'`);
  return { index, count };
}

/** Parses repeated `--set key=value` into numbers; each key at most once. */
export function parseSets(raws: readonly string[]): Record<string, number> {
  const params: Record<string, number> = {};
  for (const raw of raws) {
    const m = /^([A-Za-z][A-Za-z0-9_-]*)=(.*)$/.exec(raw);
    if (!m) throw new UsageError(`--set: expected key=value, got '${raw}'`);
    const key = m[1]!;
    const text = m[2]!;
    if (!/^-?\d+(\.\d+)?$/.test(text))
      throw new UsageError(`--set: ${key}: expected a number, got '${text}'`);
    if (Object.hasOwn(params, key)) throw new UsageError(`--set: key '${key}' given twice`);
    params[key] = Number(text);
  }
  return params;
}
