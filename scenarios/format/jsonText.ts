/**
 * A strict JSON (RFC 8259) reader that reports errors at line:column and
 * rejects duplicate keys, which JSON.parse would resolve silently to the last.
 * Node's own messages vary between versions; these do not.
 */

/** Parsed JSON, or where and why it is not JSON. Lines and columns start at 1. */
export type JsonText =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly line: number; readonly column: number; readonly message: string };

type Failure = Extract<JsonText, { ok: false }>;

/** Parses `text` as one JSON value; a leading byte-order mark is skipped. */
export function parseJsonText(text: string): JsonText {
  const p = new JsonReader(text.startsWith('\uFEFF') ? text.slice(1) : text);
  const value = p.value();
  if (p.failure === undefined) {
    p.skipSpace();
    if (p.pos < p.text.length) p.fail(`unexpected ${p.describe()} after the JSON value`);
  }
  return p.failure ?? { ok: true, value };
}

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

const MAX_DEPTH = 256;
const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

class JsonReader {
  pos = 0;
  /** Open objects and arrays around `pos`; bounded so that deep input cannot overflow the stack. */
  private depth = 0;
  failure: Failure | undefined;

  constructor(readonly text: string) {}

  /** Records the first failure at the current position; later ones are dropped. */
  fail(message: string): undefined {
    if (this.failure !== undefined) return undefined;
    const before = this.text.slice(0, this.pos);
    const line = before.split('\n').length;
    const column = this.pos - before.lastIndexOf('\n');
    this.failure = { ok: false, line, column, message: `invalid JSON: ${message}` };
    return undefined;
  }

  describe(): string {
    const c = this.text[this.pos];
    return c === undefined ? 'end of input' : `'${JSON.stringify(c).slice(1, -1)}'`;
  }

  skipSpace(): void {
    while (/[ \t\n\r]/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  value(): unknown {
    this.skipSpace();
    const c = this.text[this.pos];
    if ((c === '{' || c === '[') && this.depth >= MAX_DEPTH)
      return this.fail(`nested deeper than ${MAX_DEPTH} levels`);
    if (c === '{' || c === '[') {
      this.depth++;
      const v = c === '{' ? this.object() : this.array();
      this.depth--;
      return v;
    }
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    return this.fail(`expected a JSON value, got ${this.describe()}`);
  }

  object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    while (this.failure === undefined) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') {
        this.fail(`expected a property name, got ${this.describe()}`);
        return out;
      }
      const keyAt = this.pos;
      const key = this.string();
      if (Object.hasOwn(out, key)) {
        this.pos = keyAt;
        this.fail(`duplicate key '${key}'`);
        return out;
      }
      this.skipSpace();
      if (this.text[this.pos] !== ':') {
        this.fail(`expected ':' after a property name, got ${this.describe()}`);
        return out;
      }
      this.pos++;
      // defineProperty: a key named __proto__ stays an own property, for the validator to reject.
      Object.defineProperty(out, key, {
        value: this.value(),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      if (this.endOf('}', 'a property')) return out;
    }
    return out;
  }

  array(): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    while (this.failure === undefined) {
      out.push(this.value());
      if (this.endOf(']', 'an element')) return out;
    }
    return out;
  }

  /** After a member: true at the closing bracket, false after a comma; records a failure otherwise. */
  private endOf(close: string, what: string): boolean {
    if (this.failure !== undefined) return true;
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === ',' || c === close) this.pos++;
    else this.fail(`expected ',' or '${close}' after ${what}, got ${this.describe()}`);
    return c !== ',';
  }

  string(): string {
    let out = '';
    this.pos++;
    for (;;) {
      const c = this.text[this.pos];
      if (c === undefined) return this.fail('unterminated string') ?? out;
      if (c === '"') break;
      if (c < ' ') return this.fail('control character in a string (escape it)') ?? out;
      if (c === '\\') {
        const e = this.text[this.pos + 1] ?? '';
        const hex = this.text.slice(this.pos + 2, this.pos + 6);
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(hex)) {
          out += String.fromCharCode(Number.parseInt(hex, 16));
          this.pos += 6;
        } else if (ESCAPES[e] !== undefined) {
          out += ESCAPES[e];
          this.pos += 2;
        } else return this.fail(`invalid escape '\\${e}'`) ?? out;
      } else {
        out += c;
        this.pos++;
      }
    }
    this.pos++;
    return out;
  }

  number(): number | undefined {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (m === null) return this.fail(`invalid number, got ${this.describe()}`);
    this.pos += m[0].length;
    return Number(m[0]);
  }
}
