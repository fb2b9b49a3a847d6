/**
 * The Python-literal subset a .npy header is written in (numpy's `repr` of a dict): dicts with string
 * keys, tuples, lists, strings, integers, True, False and None. Parsed as a grammar rather than
 * matched with regular expressions, so that text inside a string can never be taken for a field.
 */
export type PyValue = string | number | boolean | null | PyValue[] | Map<string, PyValue>;

const MAX_DEPTH = 16;

/** Parses `text`; malformed text is handed to `reject` as a short reason (what, and where), for the caller to name the file. */
export function parsePyLiteral(text: string, reject: (reason: string) => never): PyValue {
  let i = 0;
  const fail = (what: string): never => reject(`${what} at character ${i}`);
  const skip = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const string = (): string => {
    const quote = text[i++];
    let out = '';
    while (i < text.length && text[i] !== quote) {
      if (text[i] === '\\') {
        const next = text[i + 1];
        if (next === undefined) fail('unterminated string');
        out += next === 'n' ? '\n' : next === 't' ? '\t' : next;
        i += 2;
      } else out += text[i++];
    }
    if (i >= text.length) fail('unterminated string');
    i++;
    return out;
  };
  const sequence = <T>(close: string, item: () => T): { items: T[]; trailingComma: boolean } => {
    const items: T[] = [];
    let trailingComma = false;
    skip();
    while (text[i] !== close) {
      items.push(item());
      skip();
      if (text[i] === ',') {
        i++;
        trailingComma = true;
        skip();
      } else if (text[i] !== close) fail(`expected ',' or '${close}'`);
      else trailingComma = false;
    }
    i++;
    return { items, trailingComma };
  };
  const value = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) fail('nested too deep');
    skip();
    const c = text[i];
    if (c === undefined) fail('unexpected end');
    if (c === "'" || c === '"') return string();
    if (c === '{') {
      i++;
      const map = new Map<string, PyValue>();
      sequence('}', () => {
        skip();
        if (text[i] !== "'" && text[i] !== '"') fail('expected a string key');
        const key = string();
        skip();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        if (map.has(key)) fail(`key ${JSON.stringify(key)} repeated`);
        map.set(key, value(depth + 1));
      });
      return map;
    }
    if (c === '(' || c === '[') {
      i++;
      const { items, trailingComma } = sequence(c === '(' ? ')' : ']', () => value(depth + 1));
      // (x) is x in Python; only (x,) is a one-element tuple.
      if (c === '(' && items.length === 1 && !trailingComma) return items[0];
      return items;
    }
    const word = /^(?:True|False|None|-?\d+L?)/.exec(text.slice(i, i + 32));
    if (!word) fail('unexpected character');
    i += word![0].length;
    if (word![0] === 'True' || word![0] === 'False') return word![0] === 'True';
    if (word![0] === 'None') return null;
    return Number(word![0].replace('L', ''));
  };
  const result = value(0);
  skip();
  if (i < text.length) fail('trailing text');
  return result;
}
