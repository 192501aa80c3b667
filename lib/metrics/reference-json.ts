/**
 * metrics.json text as the reference's eval script writes it (Python `json.dumps(indent=2, ensure_ascii=False)`), so a
 * textual diff against a published metrics.json shows only real differences. JSON has one number type, but Python
 * writes a float 0 as `0.0` and an int 0 as `0`: in the reference's layout the counts are ints (REFERENCE_INT_KEYS)
 * and every other number is a float, written with Python's `repr` (shortest round-trip digits, `.0` on integral
 * values, exponent form below 1e-4 and from 1e16 as `1e-05` / `1e+16`). Our extra blocks named in `plainKeys` (e.g.
 * `scoring`, `run`) are written as JSON.stringify would.
 */

/** Number-valued keys the reference writes as Python ints (plus our `reasoning_count`, a count beside them). */
export const REFERENCE_INT_KEYS: ReadonlySet<string> = new Set([
  'num_items', 'TP', 'FP', 'FN', 'TN', 'total', 'count', 'sbert_count', 'correct', 'incorrect', 'reasoning_count',
]);

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

/** The JSON text of a metrics object: reference-typed numbers at every key except under the top-level `plainKeys`. */
export function referenceMetricsJson(metrics: object, plainKeys: readonly string[] = []): string {
  const plain = new Set(plainKeys);
  return `${write(metrics, '', null, 'reference', plain)}\n`;
}

type Mode = 'reference' | 'plain';

function write(value: unknown, indent: string, key: string | null, mode: Mode, plain: ReadonlySet<string>): string {
  if (typeof value === 'number') {
    if (mode === 'plain' || (key !== null && REFERENCE_INT_KEYS.has(key) && Number.isInteger(value))) return JSON.stringify(value);
    return pythonFloatRepr(value);
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + write(v, inner, null, mode, plain)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  const top = indent === '';
  const body = entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${write(v, inner, k, top && plain.has(k) ? 'plain' : mode, plain)}`);
  return `{\n${body.join(',\n')}\n${indent}}`;
}
