/**
 * Checks a JSON text against one of the schemas in docs/schemas (the reference's file layouts). It implements the
 * subset of JSON Schema those files use, plus the two rules their descriptions state, which plain JSON Schema cannot:
 *  - key order: in every object, the keys declared under `properties` come first, in declared order (optional ones
 *    may be absent); keys not declared (our additions) only after them;
 *  - number types as written: "integer" is a literal without a decimal point or exponent (a Python int), "number" a
 *    literal with one (a Python float: 0.0, not 0). So the text is parsed here with every number's literal kept.
 * An unknown schema keyword is an error, so the schema can only say what this checker checks.
 * Returns "path: problem" lines; none = the text conforms.
 */
/** Objects are Maps: a plain object would put integer-like keys first, whatever the text's order. */
type Json = null | boolean | string | NumberLiteral | Json[] | JsonObject;
type JsonObject = Map<string, Json>;
class NumberLiteral {
  constructor(readonly raw: string) {}
}

export interface Schema {
  [keyword: string]: unknown;
}

const KEYWORDS = new Set([
  '$schema', '$id', '$comment', '$defs', 'title', 'description',
  'type', 'properties', 'required', 'additionalProperties', 'items', 'minItems', 'maxItems', 'enum', '$ref',
]);

export function checkKeyTree(schema: Schema, jsonText: string): string[] {
  const problems: string[] = [];
  const value = parseKeepingNumbers(jsonText);
  check(schema, value, '$', schema, problems);
  return problems;
}

function resolve(s: Schema, root: Schema): Schema {
  for (const k of Object.keys(s)) if (!KEYWORDS.has(k)) throw new Error(`schema keyword "${k}" is not supported by checkKeyTree`);
  if (typeof s.$ref !== 'string') return s;
  const m = /^#\/\$defs\/([^/]+)$/.exec(s.$ref);
  const target = m ? (root.$defs as Record<string, Schema> | undefined)?.[m[1]!] : undefined;
  if (!target) throw new Error(`schema $ref ${s.$ref} does not name an entry of $defs`);
  return resolve(target, root);
}

function typeOf(v: Json): string {
  if (v === null) return 'null';
  if (v instanceof NumberLiteral) return /^-?\d+$/.test(v.raw) ? 'integer' : 'number';
  if (Array.isArray(v)) return 'array';
  return v instanceof Map ? 'object' : typeof v;
}

function check(schemaIn: Schema, v: Json, path: string, root: Schema, out: string[]): void {
  const s = resolve(schemaIn, root);
  const actual = typeOf(v);
  if (s.type !== undefined) {
    const allowed = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!allowed.includes(actual)) {
      const shown = v instanceof NumberLiteral ? ` ${v.raw}` : '';
      out.push(`${path}: expected ${allowed.join(' or ')}, found ${actual}${shown}`);
      return;
    }
  }
  if (s.enum !== undefined && !(s.enum as unknown[]).includes(v)) out.push(`${path}: ${JSON.stringify(v)} is not one of ${JSON.stringify(s.enum)}`);
  if (actual === 'array') {
    const arr = v as Json[];
    if (typeof s.minItems === 'number' && arr.length < s.minItems) out.push(`${path}: ${arr.length} items, at least ${s.minItems} expected`);
    if (typeof s.maxItems === 'number' && arr.length > s.maxItems) out.push(`${path}: ${arr.length} items, at most ${s.maxItems} expected`);
    if (s.items !== undefined) arr.forEach((x, i) => check(s.items as Schema, x, `${path}[${i}]`, root, out));
    return;
  }
  if (actual !== 'object') return;
  const obj = v as JsonObject;
  const keys = [...obj.keys()];
  const declared = Object.keys((s.properties as Record<string, Schema> | undefined) ?? {});
  const numeric = declared.find((k) => /^(0|[1-9]\d*)$/.test(k));
  if (numeric !== undefined) throw new Error(`schema: integer-like property name "${numeric}" (a JS object would reorder it)`);
  for (const r of (s.required as string[] | undefined) ?? []) if (!obj.has(r)) out.push(`${path}: missing key "${r}"`);
  // Declared keys present must be the first keys, in declared order.
  const presentDeclared = declared.filter((k) => obj.has(k));
  const head = keys.slice(0, presentDeclared.length);
  if (head.join('\u0000') !== presentDeclared.join('\u0000')) {
    out.push(`${path}: key order [${keys.join(', ')}]; expected [${presentDeclared.join(', ')}] first, in that order`);
  }
  for (const k of keys) {
    const sub = (s.properties as Record<string, Schema> | undefined)?.[k];
    const where = `${path}.${k}`;
    if (sub) check(sub, obj.get(k)!, where, root, out);
    else if (s.additionalProperties === false) out.push(`${where}: key not allowed`);
    else if (s.additionalProperties && typeof s.additionalProperties === 'object') check(s.additionalProperties as Schema, obj.get(k)!, where, root, out);
  }
}

/** JSON.parse with each number kept as its literal text. Object key order is the text's. */
function parseKeepingNumbers(text: string): Json {
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`invalid JSON at offset ${i}: ${what}`);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const value = (): Json => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: JsonObject = new Map();
      ws();
      if (text[i] === '}') return i++, obj;
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const key = string();
        ws();
        if (text[i++] !== ':') fail('expected ":"');
        if (obj.has(key)) fail(`duplicate key "${key}"`);
        obj.set(key, value());
        ws();
        const sep = text[i++];
        if (sep === '}') return obj;
        if (sep !== ',') fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const arr: Json[] = [];
      ws();
      if (text[i] === ']') return i++, arr;
      for (;;) {
        arr.push(value());
        ws();
        const sep = text[i++];
        if (sep === ']') return arr;
        if (sep !== ',') fail('expected "," or "]"');
      }
    }
    if (c === '"') return string();
    const word = /^(true|false|null)/.exec(text.slice(i, i + 5));
    if (word) {
      i += word[1]!.length;
      return word[1] === 'null' ? null : word[1] === 'true';
    }
    const num = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 40));
    if (!num) return fail('expected a value');
    i += num[0].length;
    return new NumberLiteral(num[0]);
  };
  const string = (): string => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const v = value();
  ws();
  if (i !== text.length) fail('trailing text');
  return v;
}
