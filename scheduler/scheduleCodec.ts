/**
 * Replay tokens: one short, copy-pasteable string carrying everything needed
 * to reproduce an execution. Format `cgrp1:<base64url>`, where 1 is the format
 * version and the payload is: scenario id, scenario hash, model options,
 * strategy, seed, execution index, then the choice stream run-length encoded
 * (one byte per run of a value < 15 repeated up to 16 times), then a 16-bit
 * checksum that catches truncated copies.
 */

/** Format version written by {@link encodeToken}; the digit after `cgrp`. */
export const TOKEN_FORMAT_VERSION = 1;

/** Everything a token carries. */
export interface ReplayToken {
  readonly scenarioId: string;
  /** Hash of the scenario's content, computed by the caller (e.g. with {@link hashContent}). */
  readonly scenarioHash: string;
  /** Model options such as `{ kernel: '6.2' }`; numbers must be finite. */
  readonly modelOptions: Readonly<Record<string, string | number>>;
  readonly strategy: string;
  readonly seed: string;
  readonly executionIndex: number;
  /** The exact choice stream (non-negative safe integers). */
  readonly choices: readonly number[];
}

/** Errors as values: decoding a token never throws. */
export type CodecResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string };

const FNV64_OFFSET = 0xcbf29ce484222325n;
const FNV64_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;

/** FNV-1a 64 of the UTF-8 bytes of `text`, as 16 lowercase hex digits. Stable across runs and platforms. */
export function hashContent(text: string): string {
  let h = FNV64_OFFSET;
  for (const b of new TextEncoder().encode(text)) h = ((h ^ BigInt(b)) * FNV64_PRIME) & MASK64;
  return h.toString(16).padStart(16, '0');
}

function checksum16(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return (h ^ (h >>> 16)) & 0xffff;
}

/** Throws (an encoder's caller bug) unless `n` is a non-negative safe integer. */
function checkField(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new Error(`token fields must be non-negative safe integers, got ${n}`);
}

class Writer {
  readonly bytes: number[] = [];
  varint(n: number): void {
    checkField(n);
    while (n >= 0x80) {
      this.bytes.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.bytes.push(n);
  }
  string(s: string): void {
    const b = new TextEncoder().encode(s);
    this.varint(b.length);
    for (const x of b) this.bytes.push(x);
  }
}

class Reader {
  private pos = 0;
  constructor(private readonly bytes: Uint8Array) {}
  get isAtEnd(): boolean {
    return this.pos >= this.bytes.length;
  }
  byte(): number {
    // Stryker disable next-line EqualityOperator: reading one byte past the end yields undefined, on which every caller reads again and throws this same error
    if (this.pos >= this.bytes.length) throw new RangeError('token ends early');
    return this.bytes[this.pos++]!;
  }
  varint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      n += (b & 0x7f) * scale;
      if (b < 0x80) break;
      scale *= 0x80;
      if (scale > 2 ** 56) throw new RangeError('varint too long');
    }
    if (!Number.isSafeInteger(n)) throw new RangeError('varint out of range');
    return n;
  }
  string(): string {
    const len = this.varint();
    // Stryker disable next-line EqualityOperator: a string ending exactly at the end is followed by another field, whose read throws this same error
    if (this.pos + len > this.bytes.length) throw new RangeError('token ends early');
    const s = new TextDecoder('utf-8', { fatal: true }).decode(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return s;
  }
}

function writeOptions(w: Writer, options: Readonly<Record<string, string | number>>): void {
  // the default order compares UTF-16 code units, as < does on strings
  const keys = Object.keys(options).sort();
  w.varint(keys.length);
  for (const k of keys) {
    const v = options[k]!;
    w.string(k);
    if (typeof v === 'string') {
      w.varint(0);
      w.string(v);
    } else if (Number.isSafeInteger(v) && v >= 0) {
      w.varint(1);
      w.varint(v);
    } else if (Number.isFinite(v)) {
      w.varint(2);
      w.string(String(v));
    } else throw new Error(`model option ${k} must be a finite number or a string, got ${v}`);
  }
}

function readOptions(r: Reader): Record<string, string | number> {
  const entries: [string, string | number][] = [];
  const count = r.varint();
  for (let i = 0; i < count; i++) {
    const k = r.string();
    const tag = r.varint();
    if (tag === 0) entries.push([k, r.string()]);
    else if (tag === 1) entries.push([k, r.varint()]);
    else if (tag === 2) entries.push([k, Number(r.string())]);
    else throw new RangeError(`unknown model option tag ${tag}`);
  }
  // fromEntries defines own properties: an option named `__proto__` stays an option.
  return Object.fromEntries(entries);
}

function writeChoices(w: Writer, choices: readonly number[]): void {
  let runs = 0;
  // choices[-1] is undefined, so the first entry starts a run
  // Stryker disable next-line ArithmeticOperator: comparing with the next entry counts each run's last entry instead of its first: the same count
  for (let i = 0; i < choices.length; i++) if (choices[i] !== choices[i - 1]) runs++;
  w.varint(runs);
  for (let i = 0; i < choices.length; ) {
    const v = choices[i]!;
    let j = i + 1;
    while (choices[j] === v) j++; // undefined past the end ends the run
    const run = j - i;
    checkField(v); // the short form packs v into 4 bits: 2.7 or -1 would not survive it
    if (v < 15 && run <= 16) w.bytes.push((v << 4) | (run - 1));
    else {
      w.bytes.push(0xf0);
      w.varint(v);
      w.varint(run - 1);
    }
    i = j;
  }
}

function readChoices(r: Reader): number[] {
  const out: number[] = [];
  const runs = r.varint();
  for (let i = 0; i < runs; i++) {
    const b = r.byte();
    const isShort = b < 0xf0;
    const v = isShort ? b >> 4 : r.varint();
    const run = isShort ? (b & 15) + 1 : r.varint() + 1;
    for (let j = 0; j < run; j++) out.push(v);
  }
  return out;
}

/** Encodes a token as `cgrp1:<base64url>`; throws on fields that cannot be encoded (caller bug). */
export function encodeToken(t: ReplayToken): string {
  const w = new Writer();
  w.string(t.scenarioId);
  w.string(t.scenarioHash);
  writeOptions(w, t.modelOptions);
  w.string(t.strategy);
  w.string(t.seed);
  w.varint(t.executionIndex);
  writeChoices(w, t.choices);
  const body = Uint8Array.from(w.bytes);
  const sum = checksum16(body);
  const all = Uint8Array.from([...w.bytes, sum >> 8, sum & 0xff]);
  return `cgrp${TOKEN_FORMAT_VERSION}:${Buffer.from(all).toString('base64url')}`;
}

/** Decodes a token; every malformed input gives an error value naming what is wrong. */
export function decodeToken(s: string): CodecResult<ReplayToken> {
  const m = /^cgrp(\d+):([A-Za-z0-9_-]*)$/.exec(s.trim());
  if (m === null) return { ok: false, error: 'not a cgrpcheck replay token (expected cgrp1:<base64url>)' };
  if (Number(m[1]) !== TOKEN_FORMAT_VERSION) {
    return {
      ok: false,
      error: `token format version ${m[1]} is not supported (this build reads ${TOKEN_FORMAT_VERSION})`,
    };
  }
  const all = new Uint8Array(Buffer.from(m[2]!, 'base64url'));
  if (all.length < 2) return { ok: false, error: 'token is truncated' };
  const body = all.subarray(0, all.length - 2);
  if (checksum16(body) !== ((all[all.length - 2]! << 8) | all[all.length - 1]!)) {
    return { ok: false, error: 'token checksum mismatch (truncated or mistyped copy?)' };
  }
  try {
    const r = new Reader(body);
    const token: ReplayToken = {
      scenarioId: r.string(),
      scenarioHash: r.string(),
      modelOptions: readOptions(r),
      strategy: r.string(),
      seed: r.string(),
      executionIndex: r.varint(),
      choices: readChoices(r),
    };
    if (!r.isAtEnd) return { ok: false, error: 'token has trailing bytes' };
    return { ok: true, value: token };
  } catch (e) {
    return { ok: false, error: `token is malformed: ${e instanceof Error ? e.message : String(e)}` };
  }
}
