/**
 * Seeded mutations for the fuzz suite: byte-level (bit flips, interesting integers, splices, truncation), JSON-level
 * (a random node replaced by a value of another type, an extreme number, a long string or a deep nest; keys dropped
 * or duplicated) and line-level for text formats. Every choice comes from the case's own PRNG, so a case is
 * reproduced from (seed, target, index) alone.
 */
import { hashKey, mulberry32 } from '../../lib/data/prng.js';

export type Rng = () => number;

/** The PRNG of one case. */
export function caseRng(seed: number, target: string, index: number): Rng {
  let h = 0;
  for (const ch of target) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return mulberry32(hashKey(seed, h >>> 0, index));
}

export const int = (rng: Rng, n: number) => Math.floor(rng() * n);
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)]!;
export const chance = (rng: Rng, p: number) => rng() < p;

const INTERESTING_U32 = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff, 16, 8, 7];
const INTERESTING_NUMBERS = [0, -0, -1, 1, 0.5, 2 ** 31, 2 ** 32, 2 ** 53 + 2, 2 ** 63, -(2 ** 63), 1e308, -1e308, 1e-320, 3.5e38, 123456789012];

/** 1–4 byte-level mutations of `buf`; `focus` biases positions into [start, end) (a header region). */
export function mutateBytes(rng: Rng, input: Buffer, focus?: [number, number]): Buffer {
  let buf = Buffer.from(input);
  const rounds = 1 + int(rng, 4);
  for (let r = 0; r < rounds; r++) {
    const [lo, hi] = focus && chance(rng, 0.8) ? [Math.min(focus[0], buf.length), Math.min(focus[1], buf.length)] : [0, buf.length];
    const at = () => (hi > lo ? lo + int(rng, hi - lo) : 0);
    switch (int(rng, 8)) {
      case 0: // bit flip
        if (buf.length) {
          const p = at();
          buf[p] = buf[p]! ^ (1 << int(rng, 8));
        }
        break;
      case 1: // interesting byte
        if (buf.length) buf[at()] = pick(rng, [0, 0xff, 0x7f, 0x80, 0x01, 0x20, 0x22, 0x5b, 0x7b]);
        break;
      case 2: {
        // interesting 32-bit integer, either endianness (box sizes, element sizes, lengths)
        const p = at();
        if (p + 4 <= buf.length) {
          const v = pick(rng, INTERESTING_U32);
          if (chance(rng, 0.5)) buf.writeUInt32BE(v >>> 0, p);
          else buf.writeUInt32LE(v >>> 0, p);
        }
        break;
      }
      case 3: {
        // interesting 64-bit integer (safetensors' header length, EBML sizes, 64-bit box sizes)
        const p = at();
        if (p + 8 <= buf.length) buf.writeBigUInt64LE(pick(rng, [0n, 1n, 0xffffffffffffffffn, 0x7fffffffffffffffn, 1n << 40n, BigInt(buf.length)]), p);
        break;
      }
      case 4: {
        // delete a range
        const p = at();
        buf = Buffer.concat([buf.subarray(0, p), buf.subarray(p + 1 + int(rng, 64))]);
        break;
      }
      case 5: {
        // insert random or repeated bytes
        const p = at();
        const n = 1 + int(rng, 64);
        const fill = chance(rng, 0.5) ? Buffer.alloc(n, int(rng, 256)) : Buffer.from(Array.from({ length: n }, () => int(rng, 256)));
        buf = Buffer.concat([buf.subarray(0, p), fill, buf.subarray(p)]);
        break;
      }
      case 6: {
        // duplicate a range elsewhere
        const a = at();
        const b = Math.min(buf.length, a + 1 + int(rng, 128));
        const p = at();
        buf = Buffer.concat([buf.subarray(0, p), buf.subarray(a, b), buf.subarray(p)]);
        break;
      }
      default: // truncate
        buf = buf.subarray(0, at());
    }
  }
  return buf;
}

/** A deeply nested array or object (`depth` levels), valid JSON. */
export function deepNest(depth: number, kind: 'array' | 'object' = 'array'): string {
  return kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A random JSON value (small), of a random type. */
function randomValue(rng: Rng, depth = 0): unknown {
  switch (int(rng, depth > 2 ? 5 : 7)) {
    case 0:
      return null;
    case 1:
      return chance(rng, 0.5);
    case 2:
      return pick(rng, INTERESTING_NUMBERS);
    case 3:
      return pick(rng, ['', 'x', 'NaN', '-1', '1e309', '\u0000', '\ud800', 'a'.repeat(1 + int(rng, 5000)), '../../etc/passwd', '<answer>1 to 2</answer>']);
    case 4:
      return int(rng, 1000) - 10;
    case 5:
      return Array.from({ length: int(rng, 4) }, () => randomValue(rng, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: int(rng, 3) }, (_, i) => [`k${i}`, randomValue(rng, depth + 1)]));
  }
}

/** Marks a spot where `deepNest` text is spliced in after serialisation (JSON.stringify cannot write it). */
const DEEP = '\u0000DEEP\u0000';

/** Every [container, key] in `v`, for picking a node to mutate. */
function slots(v: unknown, out: Array<[Record<string, unknown> | unknown[], string | number]> = []): typeof out {
  if (Array.isArray(v)) v.forEach((x, i) => (out.push([v, i]), slots(x, out)));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (out.push([v as Record<string, unknown>, k]), slots(x, out));
  return out;
}

/**
 * 1–3 mutations of a JSON document (a deep copy is changed); returns the text. Deep nests are spliced in as text of
 * 300–60,000 levels (past any recursion limit, and past the native parser's 256).
 */
export function mutateJsonText(rng: Rng, doc: unknown): string {
  const v = JSON.parse(JSON.stringify(doc)) as unknown;
  const root = { root: v } as Record<string, unknown>;
  const rounds = 1 + int(rng, 3);
  for (let r = 0; r < rounds; r++) {
    const all = slots(root);
    const [container, key] = pick(rng, all);
    const op = int(rng, 8);
    if (op === 0 && !Array.isArray(container) && key !== 'root') delete container[key as string];
    else if (op === 1) (container as Record<string, unknown>)[key as string] = DEEP;
    else if (op === 2) {
      const other = pick(rng, all);
      (container as Record<string, unknown>)[key as string] = JSON.parse(JSON.stringify((other[0] as Record<string, unknown>)[other[1] as string] ?? null));
    } else if (op === 3 && Array.isArray(container)) container.push(...container.slice(0, 1 + int(rng, 3)));
    else if (op === 4 && !Array.isArray(container)) container[`${String(key)}_${int(rng, 9)}`] = randomValue(rng);
    else (container as Record<string, unknown>)[key as string] = randomValue(rng);
  }
  let text = JSON.stringify(root.root, null, chance(rng, 0.3) ? 1 : undefined) ?? 'null';
  const depth = chance(rng, 0.15) ? 60_000 : 300 + int(rng, 3000);
  text = text.split(JSON.stringify(DEEP)).join(chance(rng, 0.5) ? deepNest(depth) : deepNest(Math.min(depth, 5000), 'object'));
  return text;
}

/** Line-level mutations of a text file (lines dropped, duplicated, swapped, cut, garbled). */
export function mutateLines(rng: Rng, text: string): string {
  const lines = text.split('\n');
  const rounds = 1 + int(rng, 3);
  for (let r = 0; r < rounds; r++) {
    const i = int(rng, lines.length);
    switch (int(rng, 6)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, lines[i] ?? '');
        break;
      case 2: {
        const j = int(rng, lines.length);
        [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
        break;
      }
      case 3:
        lines[i] = (lines[i] ?? '').slice(0, int(rng, (lines[i] ?? '').length + 1));
        break;
      case 4:
        lines.splice(i, 0, pick(rng, ['##', '# comment', '\t', 'x y z##q', 'v 1e309 2##s', 'v -5 NaN##s', 'a'.repeat(100_000), '\u0000', '"unterminated']));
        break;
      default:
        lines[i] = Buffer.from(mutateBytes(rng, Buffer.from(lines[i] ?? ''))).toString('utf8');
    }
  }
  return lines.join('\n');
}

/** A text mutation for free text (templates): characters and Jinja tokens inserted, dropped or repeated. */
export function mutateTemplate(rng: Rng, text: string): string {
  let t = text;
  const rounds = 1 + int(rng, 4);
  for (let r = 0; r < rounds; r++) {
    const p = int(rng, t.length + 1);
    switch (int(rng, 4)) {
      case 0:
        t = t.slice(0, p) + pick(rng, ['{%', '%}', '{{', '}}', '{#', 'endfor', 'endif', '{% for x in messages %}', '{{ messages[0]["content"] }}', '{% if %}', '|', '(', '"', "'", '{{ raise_exception("x") }}', '{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}']) + t.slice(p);
        break;
      case 1:
        t = t.slice(0, p) + t.slice(p + 1 + int(rng, 20));
        break;
      case 2:
        t = t.slice(0, p) + t.slice(p, p + 1 + int(rng, 40)).repeat(2 + int(rng, 3)) + t.slice(p);
        break;
      default:
        t = t.slice(0, p);
    }
  }
  return t;
}
