import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeToken, encodeToken, hashContent, type ReplayToken } from '../../scheduler/scheduleCodec.js';
import { TEST_SEEDS } from '../setup.js';

const tokenArb: fc.Arbitrary<ReplayToken> = fc.record({
  scenarioId: fc.string({ unit: 'grapheme' }),
  scenarioHash: fc.string(),
  modelOptions: fc.dictionary(
    fc.string(),
    fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.nat(),
      fc.integer({ min: -1000, max: -1 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => (Object.is(d, -0) ? 0 : d)),
    ),
  ),
  strategy: fc.constantFrom('random', 'pct', 'dfs', 'dpor', 'bounded', 'replay'),
  seed: fc.string(),
  executionIndex: fc.nat(),
  choices: fc.array(fc.oneof(fc.nat({ max: 3 }), fc.nat(), fc.constant(14), fc.constant(15)), {
    maxLength: 300,
  }),
});

describe('scheduleCodec', () => {
  it('hashContent is FNV-1a 64 (published test vectors)', () => {
    expect(hashContent('')).toBe('cbf29ce484222325');
    expect(hashContent('a')).toBe('af63dc4c8601ec8c');
    expect(hashContent('foobar')).toBe('85944171f73967e8');
  });

  it.each(TEST_SEEDS)('property: decodeToken(encodeToken(t)) equals t (seed %i)', (seed) => {
    fc.assert(
      fc.property(tokenArb, (t) => {
        expect(decodeToken(encodeToken(t))).toEqual({ ok: true, value: t });
      }),
      { seed, numRuns: 300 },
    );
  });

  /** Counterexamples the round-trip property found under seeds other than the fixed one. */
  it.each([
    // seed 1011715582: the decoder assigned options by key, so `__proto__` set the prototype and was lost.
    ['an option named __proto__', { ['__proto__']: 0 }],
  ] as const)('round-trips %s', (_name, modelOptions) => {
    const t = {
      scenarioId: '',
      scenarioHash: '',
      modelOptions: JSON.parse(JSON.stringify(modelOptions)),
      strategy: 'random',
      seed: '',
      executionIndex: 0,
      choices: [],
    } as const;
    expect(decodeToken(encodeToken(t))).toEqual({ ok: true, value: t });
  });

  it.each(TEST_SEEDS)('property: tokens are URL-safe single words (seed %i)', (seed) => {
    fc.assert(
      fc.property(tokenArb, (t) => {
        expect(encodeToken(t)).toMatch(/^cgrp1:[A-Za-z0-9_-]+$/);
      }),
      { seed, numRuns: 100 },
    );
  });

  it('a 60-step schedule fits in a short token: 170 characters', () => {
    const choices = Array.from({ length: 60 }, (_, i) => ((i * 7) % 11 < 5 ? 0 : 1));
    const t = encodeToken({
      scenarioId: 'cgrp-storage-delete-vs-free',
      scenarioHash: hashContent('x'),
      modelOptions: { kernel: '6.2' },
      strategy: 'random',
      seed: '20261125',
      executionIndex: 4711,
      choices,
    });
    expect(t.length).toBe(170);
    // a run of a repeated choice is one entry: 1000 picks of task 0 add 4 bytes (5 characters)
    const base = { ...decodeTokenOrThrow(t), choices: [] };
    const long = encodeToken({ ...base, choices: Array(1000).fill(0) });
    expect(long.length - encodeToken(base).length).toBe(5);
  });

  it('a choice that is not a non-negative safe integer is refused, short form or long', () => {
    const token = (choices: number[]): ReplayToken => ({
      scenarioId: 's',
      scenarioHash: 'h',
      modelOptions: {},
      strategy: 'random',
      seed: '1',
      executionIndex: 0,
      choices,
    });
    // Values below 15 are packed into 4 bits; 2.7 once came back as 2 and -1 as an undecodable token.
    for (const bad of [2.7, 0.5, -1, 15.5, -20])
      expect(() => encodeToken(token([0, bad]))).toThrow(
        `token fields must be non-negative safe integers, got ${bad}`,
      );
    expect(decodeToken(encodeToken(token([0, 14, 15, 2 ** 40]))).ok).toBe(true);
  });

  it('decoding errors are values that say what is wrong', () => {
    const good = encodeToken({
      scenarioId: 's',
      scenarioHash: 'h',
      modelOptions: {},
      strategy: 'dfs',
      seed: '',
      executionIndex: 0,
      choices: [1, 2],
    });
    expect(decodeToken('hello')).toEqual({
      ok: false,
      error: 'not a cgrpcheck replay token (expected cgrp1:<base64url>)',
    });
    expect(decodeToken(good.replace('cgrp1:', 'cgrp2:'))).toEqual({
      ok: false,
      error: 'token format version 2 is not supported (this build reads 1)',
    });
    expect(decodeToken(good.slice(0, -3))).toEqual({
      ok: false,
      error: 'token checksum mismatch (truncated or mistyped copy?)',
    });
    expect(decodeToken('cgrp1:')).toEqual({ ok: false, error: 'token is truncated' });
    expect(decodeToken(`  ${good}\n`).ok).toBe(true);
  });
});

function decodeTokenOrThrow(s: string): ReplayToken {
  const r = decodeToken(s);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}
