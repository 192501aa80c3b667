import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTextTokenizer } from '../../lib/text/tokenizer.js';
import { QWEN25VL_CHAT_TEMPLATE } from '../../lib/text/qwen25vl-chat-template.js';
import { QWEN3_TOKENIZER_DIR } from './qwen25vl-tokenizer.js';

const qwen3Config = JSON.parse(readFileSync(path.join(QWEN3_TOKENIZER_DIR, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;

/** A checkpoint directory holding the Qwen3 tokenizer.json (symlinked, never copied) and the given extra files. */
function checkpoint(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rarft-ckpt-'));
  symlinkSync(path.join(QWEN3_TOKENIZER_DIR, 'tokenizer.json'), path.join(dir, 'tokenizer.json'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

const withoutTemplate = JSON.stringify({ ...qwen3Config, chat_template: undefined });
const user = [{ role: 'user' as const, content: 'hi' }];

describe('loadTextTokenizer: chat template lookup order', () => {
  it('falls back to the built-in Qwen2.5-VL template when the checkpoint has none', () => {
    const tok = loadTextTokenizer(checkpoint({ 'tokenizer_config.json': withoutTemplate }));
    expect(tok.chatTemplateSource).toBe('builtin');
    expect(tok.chatTemplate.source).toBe(QWEN25VL_CHAT_TEMPLATE);
    expect(tok.chatTemplate.render(user, { addGenerationPrompt: true })).toBe(
      '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n',
    );
  });

  it("uses tokenizer_config.json's chat_template field", () => {
    const tok = loadTextTokenizer(checkpoint({ 'tokenizer_config.json': JSON.stringify(qwen3Config) }));
    expect(tok.chatTemplateSource).toBe('tokenizer_config.json');
    expect(tok.chatTemplate.source).toBe(qwen3Config['chat_template']);
  });

  it('prefers chat_template.json over the config field, and chat_template.jinja over both', () => {
    const json = JSON.stringify({ chat_template: 'JSON{{ messages[0].content }}' });
    const a = loadTextTokenizer(checkpoint({ 'tokenizer_config.json': JSON.stringify(qwen3Config), 'chat_template.json': json }));
    expect(a.chatTemplateSource).toBe('chat_template.json');
    expect(a.chatTemplate.render(user)).toBe('JSONhi');
    const b = loadTextTokenizer(checkpoint({ 'chat_template.json': json, 'chat_template.jinja': 'JINJA{{ messages[0].content }}' }));
    expect(b.chatTemplateSource).toBe('chat_template.jinja');
    expect(b.chatTemplate.render(user)).toBe('JINJAhi');
  });

  it('a missing tokenizer.json names the file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rarft-ckpt-'));
    expect(() => loadTextTokenizer(dir)).toThrow(new RegExp(`${path.join(dir, 'tokenizer.json')}: cannot read file`));
  });

  it('Qwen3 ids agree with qwen25vl-spec §1.3 for the shared special tokens', () => {
    const tok = loadTextTokenizer(checkpoint({ 'tokenizer_config.json': withoutTemplate }));
    const ids = Object.fromEntries(
      ['<|endoftext|>', '<|im_start|>', '<|im_end|>', '<|vision_start|>', '<|vision_end|>', '<|image_pad|>', '<|video_pad|>'].map((t) => [t, tok.tokenId(t)]),
    );
    expect(ids).toEqual({
      '<|endoftext|>': 151643,
      '<|im_start|>': 151644,
      '<|im_end|>': 151645,
      '<|vision_start|>': 151652,
      '<|vision_end|>': 151653,
      '<|image_pad|>': 151655,
      '<|video_pad|>': 151656,
    });
    expect(tok.encode('You are a helpful assistant.')).toEqual([2610, 525, 264, 10950, 17847, 13]);
    expect(tok.decode([151644, 8948, 198])).toBe('<|im_start|>system\n');
  });
});
