/**
 * The seeds of a test run. Randomised tests run under the fixed seed and a few
 * seeds derived from it and the commit under test, so each commit explores new
 * ground while any failure reruns exactly from the seed it prints.
 */

/** The fixed seed every run starts with. */
export const DEFAULT_TEST_SEED = 20261125;
/** Seeds derived per run beside the fixed one. */
export const DERIVED_SEED_COUNT = 2;

/** FNV-1a over the text, folded to a positive 31-bit integer (fast-check seeds are int32). */
function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h & 0x7fffffff;
}

/** The fixed seed, then `count` seeds derived from it and `commit` (or from the seed alone). */
export function deriveTestSeeds(
  fixed: number,
  commit: string | undefined,
  count = DERIVED_SEED_COUNT,
): number[] {
  const seeds = [fixed];
  for (let i = 1; seeds.length <= count; i++) {
    const s = hashSeed(`${fixed}:${commit ?? ''}:${i}`);
    if (!seeds.includes(s)) seeds.push(s);
  }
  return seeds;
}

/** A seed as an environment variable gives it: a non-negative integer below 2^31. */
function parseSeed(raw: string, name: string): number {
  const t = raw.trim();
  const n = Number(t);
  if (!/^\d+$/.test(t) || n > 0x7fffffff)
    throw new Error(`${name}: '${raw}' is not a seed (an integer 0..2147483647)`);
  return n;
}

/**
 * The run's seeds from the environment: CGRPCHECK_TEST_SEEDS (a comma list) runs
 * exactly those, first one fixed; otherwise CGRPCHECK_TEST_SEED (default
 * DEFAULT_TEST_SEED) plus the seeds derived from it and the commit.
 */
export function resolveTestSeeds(
  env: Readonly<Record<string, string | undefined>>,
  commit: string | undefined,
): number[] {
  const list = env.CGRPCHECK_TEST_SEEDS;
  if (list !== undefined && list.trim() !== '')
    return [...new Set(list.split(',').map((s) => parseSeed(s, 'CGRPCHECK_TEST_SEEDS')))];
  const one = env.CGRPCHECK_TEST_SEED;
  const fixed =
    one === undefined || one.trim() === '' ? DEFAULT_TEST_SEED : parseSeed(one, 'CGRPCHECK_TEST_SEED');
  return deriveTestSeeds(fixed, commit);
}
