/**
 * A strict little XML 1.0 parser for the tests (no dependency): it throws on
 * anything not well-formed (unclosed or mismatched tags, a bare `&` or `<`,
 * unquoted or duplicate attributes, two roots) and returns the element tree.
 */

/** An element with its attributes, children and decoded text. */
export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*/;
const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes entity and character references; throws on a bare `&`. */
export function decodeXml(text: string, at: number): string {
  return text.replace(/&([^;&<\s]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new Error(`bare '&' near offset ${at}`);
    if (ref in ENTITIES) return ENTITIES[ref]!;
    const m = /^#(x[0-9A-Fa-f]+|[0-9]+)$/.exec(ref);
    if (!m) throw new Error(`unknown entity '&${ref};' near offset ${at}`);
    const code = m[1]!.startsWith('x') ? Number.parseInt(m[1]!.slice(1), 16) : Number(m[1]);
    return String.fromCodePoint(code);
  });
}

/** Parses `xml` and returns its root element. */
export function parseXml(xml: string): XmlElement {
  let i = 0;
  let root: XmlElement | undefined;
  const stack: XmlElement[] = [];
  if (xml.startsWith('<?xml')) {
    i = xml.indexOf('?>');
    if (i < 0) throw new Error('unterminated XML declaration');
    i += 2;
  }
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    if (text.includes(']]>')) throw new Error(`']]>' in text at ${i}`);
    const top = stack[stack.length - 1];
    if (top) top.text += decodeXml(text, i);
    else if (text.trim() !== '') throw new Error(`text outside the root at ${i}`);
    if (lt < 0) break;
    i = lt;
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i);
      if (end < 0) throw new Error('unterminated comment');
      i = end + 3;
    } else if (xml.startsWith('</', i)) {
      const m = NAME.exec(xml.slice(i + 2));
      const close = xml.indexOf('>', i);
      if (!m || close < 0 || xml.slice(i + 2 + m[0].length, close).trim() !== '')
        throw new Error(`bad end tag at ${i}`);
      const open = stack.pop();
      if (open?.name !== m[0]) throw new Error(`</${m[0]}> closes <${open?.name ?? 'nothing'}> at ${i}`);
      i = close + 1;
    } else {
      i = openTag(xml, i, stack, (e) => {
        if (root) throw new Error(`second root <${e.name}>`);
        root = e;
      });
    }
  }
  if (stack.length > 0) throw new Error(`<${stack[stack.length - 1]!.name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

function openTag(xml: string, start: number, stack: XmlElement[], setRoot: (e: XmlElement) => void): number {
  let i = start + 1;
  const m = NAME.exec(xml.slice(i));
  if (!m) throw new Error(`bad tag name at ${start}`);
  i += m[0].length;
  const attrs: Record<string, string> = {};
  for (;;) {
    const ws = /^\s*/.exec(xml.slice(i))![0].length;
    i += ws;
    if (xml.startsWith('/>', i) || xml.startsWith('>', i)) break;
    if (ws === 0) throw new Error(`missing space before attribute at ${i}`);
    const a = /^([A-Za-z_:][A-Za-z0-9_.:-]*)\s*=\s*("([^"<]*)"|'([^'<]*)')/.exec(xml.slice(i));
    if (!a) throw new Error(`bad attribute at ${i}`);
    if (a[1]! in attrs) throw new Error(`duplicate attribute '${a[1]}' at ${i}`);
    attrs[a[1]!] = decodeXml(a[3] ?? a[4]!, i);
    i += a[0].length;
  }
  const element: XmlElement = { name: m[0], attrs, children: [], text: '' };
  const parent = stack[stack.length - 1];
  if (parent) parent.children.push(element);
  else setRoot(element);
  if (xml.startsWith('/>', i)) return i + 2;
  stack.push(element);
  return i + 1;
}
