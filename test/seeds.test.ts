import { describe, expect, it } from 'vitest';
import { DEFAULT_TEST_SEED, deriveTestSeeds, resolveTestSeeds } from './seeds.js';

describe('test seeds', () => {
  it('no variable: the fixed seed, then two derived from it and the commit', () => {
    expect(resolveTestSeeds({}, 'c3a9da12d168')).toEqual([DEFAULT_TEST_SEED, 104052206, 87274587]);
    expect(resolveTestSeeds({ CI: 'true' }, undefined)).toEqual(
      deriveTestSeeds(DEFAULT_TEST_SEED, undefined),
    );
  });

  it('another commit derives other seeds; the fixed one stays first', () => {
    const a = resolveTestSeeds({}, 'aaaa');
    const b = resolveTestSeeds({}, 'bbbb');
    expect([a[0], b[0]]).toEqual([DEFAULT_TEST_SEED, DEFAULT_TEST_SEED]);
    expect(a.slice(1)).not.toEqual(b.slice(1));
  });

  it('CGRPCHECK_TEST_SEED moves the fixed seed; CGRPCHECK_TEST_SEEDS runs exactly the seeds listed', () => {
    expect(resolveTestSeeds({ CGRPCHECK_TEST_SEED: '7' }, undefined)[0]).toBe(7);
    expect(resolveTestSeeds({ CGRPCHECK_TEST_SEEDS: '104052206' }, 'any')).toEqual([104052206]);
    expect(resolveTestSeeds({ CGRPCHECK_TEST_SEEDS: '5, 3,5', CGRPCHECK_TEST_SEED: '7' }, undefined)).toEqual(
      [5, 3],
    );
  });

  it('a malformed seed is refused with the variable and its value named', () => {
    expect(() => resolveTestSeeds({ CGRPCHECK_TEST_SEED: 'x1' }, undefined)).toThrow(
      "CGRPCHECK_TEST_SEED: 'x1' is not a seed (an integer 0..2147483647)",
    );
    expect(() => resolveTestSeeds({ CGRPCHECK_TEST_SEEDS: '1,-2' }, undefined)).toThrow(
      "CGRPCHECK_TEST_SEEDS: '-2' is not a seed (an integer 0..2147483647)",
    );
  });
});
