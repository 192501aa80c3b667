/**
 * JSON text as Python's `json.dumps(value, indent=2)` writes it, for files exchanged with the reference's scripts so a
 * textual diff shows only real differences. JSON has one number type, but Python writes a float 0 as `0.0` and an int
 * 0 as `0`: numbers under a key in `intKeys` (and integral) are written as ints, every other number as a float with
 * Python's `repr` (shortest round-trip digits, `.0` on integral values, exponent form below 1e-4 and from 1e16 as
 * `1e-05` / `1e+16`). Top-level keys in `plainKeys` hold our own blocks and are written as JSON.stringify would.
 * `asciiOnly` = Python's default `ensure_ascii=True` (non-ASCII and DEL as \uXXXX). No newline at the end, as Python's
 * `json.dump` / `write_text(json.dumps(...))` write none.
 */
export interface PythonJsonOptions {
  intKeys?: ReadonlySet<string>;
  plainKeys?: readonly string[];
  asciiOnly?: boolean;
}

/** Python's repr() of a float. */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // toExponential() without an argument gives the shortest digits that round-trip, as Python's repr does.
  const [mantissa, expText] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exp = Number(expText);
  const sign = x < 0 ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const fraction = digits.slice(exp + 1);
  return `${sign}${whole}.${fraction || '0'}`;
}

export function pythonJson(value: unknown, options: PythonJsonOptions = {}): string {
  const o = { intKeys: options.intKeys ?? new Set<string>(), plain: new Set(options.plainKeys ?? []), ascii: options.asciiOnly ?? false };
  return write(value, '', null, false, o);
}

interface Resolved {
  intKeys: ReadonlySet<string>;
  plain: ReadonlySet<string>;
  ascii: boolean;
}

const NON_ASCII = /[\u007f-\uffff]/g;

function str(s: string, o: Resolved): string {
  const text = JSON.stringify(s);
  return o.ascii ? text.replace(NON_ASCII, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : text;
}

function write(value: unknown, indent: string, key: string | null, plain: boolean, o: Resolved): string {
  if (typeof value === 'number') {
    if (plain || (key !== null && o.intKeys.has(key) && Number.isInteger(value))) return JSON.stringify(value);
    return pythonFloatRepr(value);
  }
  if (typeof value === 'string') return str(value, o);
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + write(v, inner, null, plain, o)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  const top = indent === '';
  const body = entries.map(([k, v]) => `${inner}${str(k, o)}: ${write(v, inner, k, plain || (top && o.plain.has(k)), o)}`);
  return `{\n${body.join(',\n')}\n${indent}}`;
}
