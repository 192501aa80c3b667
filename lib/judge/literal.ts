/**
 * A strict parser for the judge's replies: exactly one Python literal or JSON value, surrounded only by whitespace.
 * Accepts dicts, lists, tuples (as arrays), single/double-quoted strings with escapes, ints/floats, None/True/False and
 * null/true/false. Anything else — prose before or after, code fences, two values — is rejected with the position,
 * which is the behaviour of the reference's `ast.literal_eval` without its crash of the whole run.
 */
import { JudgeReplyError } from './errors.js';

export type Literal = null | boolean | number | string | Literal[] | { [key: string]: Literal };

export function parseLiteral(text: string): Literal {
  const p = new LiteralParser(text);
  p.skipWs();
  const value = p.value();
  p.skipWs();
  if (!p.atEnd()) p.fail('unexpected text after the literal');
  return value;
}

const KEYWORDS: Record<string, Literal> = { None: null, True: true, False: false, null: null, true: true, false: false };
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0', '\\': '\\', "'": "'", '"': '"', '\n': '' };

class LiteralParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  fail(what: string): never {
    throw new JudgeReplyError(`judge reply is not a single Python/JSON literal: ${what} at offset ${this.pos}`, this.text);
  }

  skipWs(): void {
    while (!this.atEnd() && /\s/.test(this.text[this.pos]!)) this.pos += 1;
  }

  value(): Literal {
    const ch = this.text[this.pos];
    if (ch === '{') return this.dict();
    if (ch === '[') return this.sequence('[', ']');
    if (ch === '(') return this.sequence('(', ')');
    if (ch === "'" || ch === '"') return this.string();
    if (ch !== undefined && /[-+\d.]/.test(ch)) return this.number();
    const word = /^[A-Za-z_]+/.exec(this.text.slice(this.pos))?.[0];
    if (word !== undefined && word in KEYWORDS) {
      this.pos += word.length;
      return KEYWORDS[word]!;
    }
    return this.fail(ch === undefined ? 'unexpected end of reply' : `unexpected ${JSON.stringify(ch)}`);
  }

  private expect(ch: string): void {
    if (this.text[this.pos] !== ch) this.fail(`expected ${JSON.stringify(ch)}`);
    this.pos += 1;
  }

  /** Comma-separated items up to `close`, a trailing comma allowed (Python and literal_eval allow it). */
  private items(close: string, item: () => void): void {
    this.skipWs();
    while (this.text[this.pos] !== close) {
      item();
      this.skipWs();
      if (this.text[this.pos] === ',') {
        this.pos += 1;
        this.skipWs();
      } else if (this.text[this.pos] !== close) {
        this.fail(`expected "," or ${JSON.stringify(close)}`);
      }
    }
    this.pos += 1;
  }

  private dict(): Literal {
    this.expect('{');
    const out: { [key: string]: Literal } = {};
    this.items('}', () => {
      const key = this.value();
      if (typeof key !== 'string' && typeof key !== 'number') this.fail('dict keys must be strings or numbers');
      this.skipWs();
      this.expect(':');
      this.skipWs();
      out[String(key)] = this.value();
    });
    return out;
  }

  private sequence(open: string, close: string): Literal[] {
    this.expect(open);
    const out: Literal[] = [];
    this.items(close, () => out.push(this.value()));
    return out;
  }

  private string(): string {
    const quote = this.text[this.pos]!;
    this.pos += 1;
    let out = '';
    for (;;) {
      const ch = this.text[this.pos];
      if (ch === undefined) this.fail('unterminated string');
      if (ch === quote) break;
      if (ch === '\n') this.fail('newline inside a string');
      if (ch === '\\') {
        const esc = this.text[this.pos + 1];
        if (esc === 'u' || esc === 'x') {
          const len = esc === 'u' ? 4 : 2;
          const hex = this.text.slice(this.pos + 2, this.pos + 2 + len);
          if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) this.fail('bad escape');
          out += String.fromCharCode(Number.parseInt(hex, 16));
          this.pos += 2 + len;
          continue;
        }
        if (esc === undefined || !(esc in ESCAPES)) this.fail('bad escape');
        out += ESCAPES[esc];
        this.pos += 2;
        continue;
      }
      out += ch;
      this.pos += 1;
    }
    this.pos += 1;
    return out;
  }

  private number(): number {
    const m = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/.exec(this.text.slice(this.pos));
    if (!m) this.fail('bad number');
    this.pos += m[0].length;
    return Number(m[0]);
  }
}
