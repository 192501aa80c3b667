// Broken tokenizer files are DataErrors naming the file (issue 16 point 7; several found by the fuzz suite):
// chat_template.json holding null was a TypeError; a template that renders no video placeholder was a plain Error
// from deep inside prompt building; a template syntax error and a tokenizer.json that cannot tokenize came out as
// the libraries' own errors, naming nothing.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { demoDomainTexts } from '../../lib/demo/synthetic-dataset.js';
import { writeTinyCheckpoint } from '../../lib/demo/tiny-checkpoint.js';
import { buildTinyVocab } from '../../lib/demo/tiny-tokenizer.js';
import { DataError } from '../../lib/errors.js';
import { buildPrompt } from '../../lib/text/build-prompt.js';
import { loadTextTokenizer } from '../../lib/text/tokenizer.js';

let model: string;
const root = mkdtempSync(join(tmpdir(), 'rarft-tok-errors-'));
beforeAll(async () => {
  model = await writeTinyCheckpoint(join(root, 'model'), buildTinyVocab(demoDomainTexts()), 7);
});
let n = 0;
const copy = (files: Record<string, string>) => {
  const dir = join(root, `case-${n++}`);
  cpSync(model, dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
};
const prompt = (dir: string) => buildPrompt({ tokenizer: loadTextTokenizer(dir), query: 'a person opens the door', template: 'train', videoGrid: [2, 4, 4] });
const errorOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
};

describe('tokenizer and chat template files', () => {
  it('chat_template.json holding null, or an object without the field', () => {
    const dir = copy({ 'chat_template.json': 'null' });
    const e = errorOf(() => loadTextTokenizer(dir));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toBe(`${dir}/chat_template.json, field "chat_template": expected a string "chat_template"`);
  });

  it('a template that parses but renders no <|vision_start|><|video_pad|> names the template file', () => {
    const dir = copy({ 'chat_template.jinja': '{% for m in messages %}{{ m.role }}{% endfor %}' });
    const e = errorOf(() => prompt(dir));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(new RegExp(`^${dir}/chat_template\\.jinja: .*\\(rendered by this chat template\\)$`));
  });

  it('a template syntax error names the template file', () => {
    const dir = copy({ 'chat_template.jinja': '{% for m in messages %}{{ m.role }' });
    const e = errorOf(() => loadTextTokenizer(dir));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(new RegExp(`^${dir}/chat_template\\.jinja: the chat template does not parse: `));
  });

  it('a tokenizer.json that loads but cannot tokenize names tokenizer.json', () => {
    const tok = JSON.parse(readFileSync(join(model, 'tokenizer.json'), 'utf8')) as Record<string, unknown>;
    const dir = copy({ 'tokenizer.json': JSON.stringify({ ...tok, model: { ...(tok.model as object), vocab: [] } }) });
    const e = errorOf(() => loadTextTokenizer(dir));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toMatch(new RegExp(`^${dir}/tokenizer\\.json: not a usable tokenizer: `));
  });
});
