import { describe, expect, it } from 'vitest';
import { decodeToken, encodeToken, type ReplayToken } from '../../scheduler/scheduleCodec.js';

/** The token format's 16-bit checksum (FNV-1a 32 folded), written out here so bodies can be forged. */
function checksum16(bytes: readonly number[]): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return (h ^ (h >>> 16)) & 0xffff;
}
/** A token whose payload is `body`, with a valid checksum. */
const forge = (body: readonly number[]): string => {
  const sum = checksum16(body);
  return `cgrp1:${Buffer.from([...body, sum >> 8, sum & 0xff]).toString('base64url')}`;
};
/** The payload bytes of a token (without the checksum). */
const bodyOf = (token: string): number[] => [...Buffer.from(token.slice(6), 'base64url')].slice(0, -2);

const base: ReplayToken = {
  scenarioId: 's',
  scenarioHash: 'h',
  modelOptions: {},
  strategy: 'dfs',
  seed: '',
  executionIndex: 0,
  choices: [],
};
// s, h, 0 options, dfs, '', index 0
const HEAD = [1, 115, 1, 104, 0, 3, 100, 102, 115, 0, 0];

describe('scheduleCodec: the payload, byte by byte', () => {
  it('fields in order, then the choices run-length encoded: (value << 4) | (run − 1) per short run', () => {
    expect(bodyOf(encodeToken({ ...base, choices: [1, 1, 0, 2] }))).toEqual([...HEAD, 3, 0x11, 0x00, 0x20]);
  });

  it('a value ≥ 15 or a run longer than 16 takes the long form 0xf0, value, run − 1', () => {
    expect(bodyOf(encodeToken({ ...base, choices: [15, 15] }))).toEqual([...HEAD, 1, 0xf0, 15, 1]);
    expect(bodyOf(encodeToken({ ...base, choices: Array(17).fill(2) }))).toEqual([...HEAD, 1, 0xf0, 2, 16]);
    expect(bodyOf(encodeToken({ ...base, choices: Array(16).fill(14) }))).toEqual([...HEAD, 1, 0xef]);
    expect(bodyOf(encodeToken({ ...base, choices: [200] }))).toEqual([...HEAD, 1, 0xf0, 0xc8, 0x01, 0]);
  });

  it('model options: sorted by name; tag 0 string, 1 non-negative integer, 2 any other finite number', () => {
    const body = bodyOf(encodeToken({ ...base, modelOptions: { b: 'x', a: 300, c: -1.5 } }));
    expect(body.slice(4, 4 + 19)).toEqual([
      3,
      ...[1, 97, 1, 0xac, 0x02],
      ...[1, 98, 0, 1, 120],
      ...[1, 99, 2, 4, 45, 49, 46, 53],
    ]);
    expect(decodeToken(encodeToken({ ...base, modelOptions: { c: -1.5, n: 0 } }))).toMatchObject({
      value: { modelOptions: { c: -1.5, n: 0 } },
    });
  });
});

describe('scheduleCodec: what cannot be encoded throws', () => {
  it('negative, fractional or unsafe integers (a choice only in the long form, ≥ 15); non-finite model options', () => {
    expect(() => encodeToken({ ...base, executionIndex: -1 })).toThrow(
      'token fields must be non-negative safe integers, got -1',
    );
    expect(() => encodeToken({ ...base, executionIndex: 0.5 })).toThrow(
      'token fields must be non-negative safe integers, got 0.5',
    );
    expect(() => encodeToken({ ...base, choices: [15.5] })).toThrow(
      'token fields must be non-negative safe integers, got 15.5',
    );
    expect(() => encodeToken({ ...base, executionIndex: 2 ** 53 })).toThrow(
      `token fields must be non-negative safe integers, got ${2 ** 53}`,
    );
    expect(() => encodeToken({ ...base, modelOptions: { x: Number.POSITIVE_INFINITY } })).toThrow(
      'model option x must be a finite number or a string, got Infinity',
    );
    expect(() => encodeToken({ ...base, modelOptions: { x: Number.NaN } })).toThrow(
      'model option x must be a finite number or a string, got NaN',
    );
  });
});

describe('scheduleCodec: malformed payloads with a valid checksum', () => {
  it('the forged head decodes (the helper is right)', () => {
    expect(decodeToken(forge([...HEAD, 0]))).toEqual({ ok: true, value: base });
  });

  it('names each malformation', () => {
    const error = (body: number[]) => {
      const r = decodeToken(forge(body));
      return r.ok ? 'ok' : r.error;
    };
    expect(error([...HEAD, 0, 7])).toBe('token has trailing bytes');
    expect(error([...HEAD])).toBe('token is malformed: token ends early');
    expect(error([...HEAD, 1])).toBe('token is malformed: token ends early');
    expect(error([5, 115])).toBe('token is malformed: token ends early');
    expect(error([1, 115, 1, 104, 1, 1, 97, 3])).toBe('token is malformed: unknown model option tag 3');
    expect(error([...Array(9).fill(0x80), 1])).toBe('token is malformed: varint too long');
    expect(error([...Array(7).fill(0xff), 0x7f])).toBe('token is malformed: varint out of range');
    expect(error([1, 0xff])).toMatch(/^token is malformed: /);
  });

  it('a varint of 8 bytes below 2^53 still decodes', () => {
    const r = decodeToken(forge([1, 115, 1, 104, 0, 3, 100, 102, 115, 0, ...Array(7).fill(0xff), 0x0f, 0]));
    expect(r).toEqual({ ok: true, value: { ...base, executionIndex: 2 ** 53 - 1 } });
  });
});
