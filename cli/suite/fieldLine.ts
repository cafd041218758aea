/**
 * Where a field sits in a JSON file, for annotations that point into a
 * scenario: the 1-based line of the key (object member) or of the value
 * (array element) at a path such as `['check', 2]`.
 */

/** One step of a path: an object key or an array index. */
export type PathStep = string | number;

/** The line of the deepest step of `path` found in `text` (1 for the empty path), or undefined when even the first is absent or the text is not JSON. */
export function fieldLine(text: string, path: readonly PathStep[]): number | undefined {
  const lines = new Map<string, number>();
  try {
    new Locator(text, lines).value('');
  } catch {
    return undefined;
  }
  for (let n = path.length; n > 0; n--) {
    const found = lines.get(keyOf(path.slice(0, n)));
    if (found !== undefined) return found;
  }
  return path.length === 0 ? 1 : undefined;
}

const keyOf = (path: readonly PathStep[]): string => path.map((s) => `/${String(s)}`).join('');

/** A tolerant walk over valid JSON recording the line of every path; throws on what it cannot read. */
class Locator {
  private pos = 0;
  private line = 1;

  constructor(
    private readonly text: string,
    private readonly lines: Map<string, number>,
  ) {}

  value(at: string): void {
    this.space();
    const c = this.text[this.pos];
    if (c === '{') this.object(at);
    else if (c === '[') this.array(at);
    else if (c === '"') this.string();
    else if (c !== undefined && /[-0-9tfn]/.test(c))
      this.pos += /^[-+0-9a-zA-Z.]+/.exec(this.text.slice(this.pos))![0].length;
    else throw new Error(`unexpected ${c ?? 'end'} at ${this.pos}`);
  }

  private object(at: string): void {
    this.pos++;
    for (;;) {
      this.space();
      if (this.text[this.pos] === '}') break;
      const line = this.line;
      const key = this.string();
      const path = `${at}/${key}`;
      if (!this.lines.has(path)) this.lines.set(path, line);
      this.space();
      this.expect(':');
      this.value(path);
      this.space();
      if (this.text[this.pos] === ',') this.pos++;
    }
    this.pos++;
  }

  private array(at: string): void {
    this.pos++;
    for (let i = 0; ; i++) {
      this.space();
      if (this.text[this.pos] === ']') break;
      this.lines.set(`${at}/${i}`, this.line);
      this.value(`${at}/${i}`);
      this.space();
      if (this.text[this.pos] === ',') this.pos++;
    }
    this.pos++;
  }

  private string(): string {
    this.expect('"');
    const start = this.pos;
    while (this.pos < this.text.length && this.text[this.pos] !== '"') {
      if (this.text[this.pos] === '\\') this.pos++;
      this.pos++;
    }
    if (this.pos >= this.text.length) throw new Error('unterminated string');
    const raw = this.text.slice(start, this.pos);
    this.pos++;
    return JSON.parse(`"${raw}"`) as string;
  }

  private expect(c: string): void {
    if (this.text[this.pos] !== c) throw new Error(`expected ${c} at ${this.pos}`);
    this.pos++;
  }

  private space(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) {
      if (this.text[this.pos] === '\n') this.line++;
      this.pos++;
    }
  }
}
