/**
 * A tiny, complete Qwen2.5-VL checkpoint folder for end-to-end tests of rarft-infer / rarft-eval run: the committed
 * random tiny model (test/fixtures/qwen/tiny: vocab 1024, 2 layers, video token 1014) plus a byte-level tokenizer
 * whose special tokens sit at the ids that model's config names (vision start/end 1010/1011, video pad 1014). The
 * model's outputs are garbage; what the tests check is the plumbing around it.
 *
 * The tokenizer files are built and written by lib/demo's tokenizerJson / writeTokenizerFiles. Only the vocabulary is
 * this file's own: the demo's word-level one covers just the demo's texts and its own model's ids, while these tests
 * feed benchmark queries of any wording to a model whose 1024 ids are fixed, so here every byte is a token.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { type AddedToken, tokenizerJson, writeTokenizerFiles } from '../../../lib/demo/tiny-tokenizer.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const TINY_MODEL_FIXTURE = path.join(repoRoot, 'test/fixtures/qwen/tiny');

const VOCAB = 1024;
/** Special tokens at the tiny config's ids (bos 1000 / eos 1001 / pad 1002 reused for the chat markers). */
export const FIXTURE_SPECIALS: Record<string, number> = {
  '<|im_start|>': 1000,
  '<|im_end|>': 1001,
  '<|endoftext|>': 1002,
  '<|vision_start|>': 1010,
  '<|vision_end|>': 1011,
  '<|vision_pad|>': 1012,
  '<|image_pad|>': 1013,
  '<|video_pad|>': 1014,
};

/** GPT-2's byte -> printable unicode map (what the ByteLevel pre-tokenizer/decoder use). */
function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  const out: string[] = new Array(256);
  bs.forEach((b, i) => (out[b] = String.fromCodePoint(cs[i]!)));
  return out;
}

/** tokenizer.json: ids 0-255 are the 256 bytes (no merges); every other id up to 1023 is an added token. */
export function fixtureTokenizerJson(): object {
  const vocab: Record<string, number> = {};
  bytesToUnicode().forEach((ch, b) => (vocab[ch] = b));
  const specialIds = new Set(Object.values(FIXTURE_SPECIALS));
  const added: AddedToken[] = [];
  for (let id = 256; id < VOCAB; id++) {
    // Every id the random model can emit must decode to something.
    if (!specialIds.has(id)) added.push({ id, content: `<|x${id}|>`, special: false });
  }
  for (const [content, id] of Object.entries(FIXTURE_SPECIALS)) added.push({ id, content, special: true });
  added.sort((a, b) => a.id - b.id);
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true };
  return tokenizerJson({
    added,
    preTokenizer: byteLevel,
    decoder: byteLevel,
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges: [] },
  });
}

/** Writes config.json + model.safetensors (copied from the fixture) + the tokenizer files into `dir`; returns `dir`. */
export function writeFixtureCheckpoint(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const f of ['config.json', 'model.safetensors', 'generation_config.json']) copyFileSync(path.join(TINY_MODEL_FIXTURE, f), path.join(dir, f));
  writeTokenizerFiles(dir, fixtureTokenizerJson(), { eos_token: '<|im_end|>', pad_token: '<|endoftext|>', model_max_length: 32768, tokenizer_class: 'Qwen2Tokenizer' });
  return dir;
}
