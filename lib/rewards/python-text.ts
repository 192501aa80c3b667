/**
 * Python 3 `str`/`re` semantics that the reference rewards depend on (spec rarft-reference.md §1.0).
 *
 * JavaScript's `\s`, `\d` and `String.prototype.trim` differ from Python's:
 * - Python `\s` and `str.isspace()`/`str.strip()` accept U+001C..U+001F and U+0085 (NEL), which JS does not, and
 *   reject U+FEFF (BOM), which JS accepts.
 * - Python `\d` (str patterns) matches every Unicode decimal digit (category Nd), e.g. "١٢" or "１２"; JS `\d` is ASCII
 *   only, so we use `\p{Nd}` with the `u` flag. Python's `float()` accepts those digits too.
 * The exact sets are checked against CPython in test/rewards/python-semantics.test.ts.
 */

/** Python's whitespace set (`str.isspace()`, identical to `re` `\s` for str patterns), as a regex class body. */
export const PY_WHITESPACE_CLASS =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/** Python `\s` for use inside a regex source (a character class). */
export const PY_S = `[${PY_WHITESPACE_CLASS}]`;

/** Python `\d` for str patterns: any Unicode decimal digit. Needs the `u` flag. */
export const PY_D = '\\p{Nd}';

const SPACE_CHAR = new RegExp(`^${PY_S}$`, 'u');
const DIGIT = new RegExp(`^${PY_D}$`, 'u');

// All Python whitespace is in the BMP, so one UTF-16 code unit decides; a loop keeps strip linear where a
// `\s+$` regex would rescan long interior whitespace runs.
export const SPACE_UNITS = new Set<number>();
for (let unit = 0; unit <= 0xffff; unit++) if (SPACE_CHAR.test(String.fromCharCode(unit))) SPACE_UNITS.add(unit);

/** `str.strip()` with no argument. */
export function pyStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && SPACE_UNITS.has(text.charCodeAt(start))) start++;
  while (end > start && SPACE_UNITS.has(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** `str.isspace()` for one code point. */
export function pyIsSpace(codePoint: number): boolean {
  return SPACE_CHAR.test(String.fromCodePoint(codePoint));
}

/**
 * The decimal value of a Unicode Nd digit. Unicode guarantees that Nd characters come in contiguous runs of
 * complete 0..9 sets, so the value is the distance from the start of the run, modulo 10.
 */
export function decimalDigitValue(codePoint: number): number {
  if (!DIGIT.test(String.fromCodePoint(codePoint))) throw new RangeError(`U+${codePoint.toString(16)} is not a decimal digit`);
  let start = codePoint;
  while (start > 0 && DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return (codePoint - start) % 10;
}

const ASCII_NUMBER = /^[0-9]+(\.[0-9]*)?$/;

/**
 * Python `float()` of a string matched by `\d+\.?\d*` (digits, optional point, digits). Non-ASCII digits are
 * transliterated first, as CPython does; the ASCII path is a plain `Number()` (the common case, kept fast).
 */
export function pyFloatOfDecimal(text: string): number {
  if (ASCII_NUMBER.test(text)) return Number(text);
  let ascii = '';
  for (const ch of text) ascii += ch === '.' ? '.' : String(decimalDigitValue(ch.codePointAt(0)!));
  if (!ASCII_NUMBER.test(ascii)) throw new RangeError(`not a decimal number: ${JSON.stringify(text)}`);
  return Number(ascii);
}

/** Python `max(a, b)` on floats: the first argument wins unless the second is strictly greater (NaN-sensitive). */
export function pyMax(a: number, b: number): number {
  return b > a ? b : a;
}

/** Python `min(a, b)` on floats: the first argument wins unless the second is strictly smaller. */
export function pyMin(a: number, b: number): number {
  return b < a ? b : a;
}
