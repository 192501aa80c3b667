/**
 * A small word-level tokenizer for the demo's tiny Qwen2.5-VL: a real Qwen vocabulary (151k rows) would make the
 * embedding and LM head of a 64-wide model ~20M parameters and the vocabulary's softmax the whole cost of a step,
 * while the demo's text uses a few hundred distinct words.
 *
 * Layout (tokenizer.json, loadable by HF `tokenizers` and by @huggingface/tokenizers, which lib/text uses):
 *  - model WordLevel (JS reads it as its word->id "Legacy" model), unknown words -> [UNK];
 *  - pre-tokenizer Split, every character covered: one whitespace char | a run of letters | a number (`2.5`) | one
 *    other char. Whitespace is a token of its own and the decoder is Fuse (concatenate), so decode(encode(x)) == x for
 *    any text made of known words: the rewards' regexes see exactly the spacing the model produced;
 *  - the completion tags (<think>, <answer>, …) are single, non-special added tokens (kept by skip_special_tokens);
 *  - the Qwen special tokens (<|im_start|>, <|video_pad|>, …) are special added tokens at the ids of TINY_SPECIAL_IDS,
 *    which the tiny config.json names (vision_start_token_id, video_token_id, …).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { DEFAULT_SYSTEM, RARFT_INFERENCE_PROMPT, RARFT_INFERENCE_SYSTEM, RARFT_TRAIN_PROMPT } from '../text/prompts.js';

/** One char of whitespace | letters | a number with an optional decimal part | any other single char. */
export const TINY_SPLIT_PATTERN = String.raw`\s|[A-Za-z]+|[0-9]+(?:\.[0-9]+)?|[^\sA-Za-z0-9]`;

export const TINY_UNK = '[UNK]';

/** Completion-format tags: one token each, not special (they must survive skip_special_tokens). */
export const TINY_TAGS = ['<think>', '</think>', '<answer>', '</answer>', '<correction>', '</correction>', '<timestep>', '</timestep>'] as const;

/** The Qwen2.5-VL special tokens the chat template and the processor use. */
export const QWEN_SPECIAL_TOKENS = [
  '<|endoftext|>',
  '<|im_start|>',
  '<|im_end|>',
  '<|vision_start|>',
  '<|vision_end|>',
  '<|vision_pad|>',
  '<|image_pad|>',
  '<|video_pad|>',
] as const;

export type QwenSpecialToken = (typeof QWEN_SPECIAL_TOKENS)[number];

export interface TinyVocab {
  /** word -> id for the WordLevel model (regular tokens, then tags, then specials). */
  vocab: Record<string, number>;
  specialIds: Record<QwenSpecialToken, number>;
  tagIds: Record<(typeof TINY_TAGS)[number], number>;
  /** Rows of the embedding / LM head: every id < vocabSize (rounded up to a multiple of 8). */
  vocabSize: number;
}

/** Every piece the split pattern makes of `text`. */
export function splitPieces(text: string): string[] {
  return text.match(new RegExp(TINY_SPLIT_PATTERN, 'g')) ?? [];
}

/** Numbers the synthetic data and the model's answers use: 0.0 … maxSeconds on a 0.5 s grid, plus the integers. */
function numberTokens(maxSeconds: number): string[] {
  const out: string[] = [];
  for (let i = 0; i <= maxSeconds; i++) out.push(String(i));
  for (let h = 0; h <= maxSeconds * 2; h++) out.push((h / 2).toFixed(1));
  return out;
}

/**
 * Builds the vocabulary from the texts it must cover exactly (prompt templates, system messages, chat-template words,
 * the domain's queries and answers). Words are ordered by first appearance so the ids are stable for given inputs.
 */
export function buildTinyVocab(domainTexts: readonly string[], maxSeconds = 20): TinyVocab {
  const chatWords = 'system user assistant'; // the chat template's role names
  const texts = [RARFT_TRAIN_PROMPT, RARFT_INFERENCE_PROMPT, RARFT_INFERENCE_SYSTEM, DEFAULT_SYSTEM, chatWords, ...domainTexts];
  const seen = new Set<string>();
  const order: string[] = [TINY_UNK, ' ', '\n'];
  for (const p of '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~') order.push(p);
  order.push(...numberTokens(maxSeconds));
  const tagRe = new RegExp(TINY_TAGS.map((t) => t.replace(/[|/]/g, '\\$&')).join('|'), 'g');
  for (const t of texts) for (const piece of splitPieces(t.replace(tagRe, ' '))) order.push(piece);
  const vocab: Record<string, number> = {};
  for (const w of order) {
    if (seen.has(w)) continue;
    seen.add(w);
    vocab[w] = Object.keys(vocab).length;
  }
  const tagIds = {} as TinyVocab['tagIds'];
  for (const t of TINY_TAGS) tagIds[t] = Object.keys(vocab).length + Object.keys(tagIds).length;
  const firstSpecial = Object.keys(vocab).length + TINY_TAGS.length;
  const specialIds = {} as TinyVocab['specialIds'];
  QWEN_SPECIAL_TOKENS.forEach((t, i) => (specialIds[t] = firstSpecial + i));
  const vocabSize = Math.ceil((firstSpecial + QWEN_SPECIAL_TOKENS.length) / 8) * 8;
  return { vocab, specialIds, tagIds, vocabSize };
}

/** One entry of tokenizer.json's added_tokens (matched whole, before the pre-tokenizer). */
export interface AddedToken {
  id: number;
  content: string;
  special: boolean;
}

/** What a tiny tokenizer.json chooses; the rest (no normalizer, post-processor, truncation or padding) is fixed. */
export interface TokenizerJsonParts {
  added: readonly AddedToken[];
  preTokenizer: object;
  decoder: object;
  model: object;
}

/** tokenizer.json (HF tokenizers format) from its parts: the demo's and the tests' tiny tokenizers are built here. */
export function tokenizerJson(p: TokenizerJsonParts): object {
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: p.added.map((a) => ({ ...a, single_word: false, lstrip: false, rstrip: false, normalized: false })),
    normalizer: null,
    pre_tokenizer: p.preTokenizer,
    post_processor: null,
    decoder: p.decoder,
    model: p.model,
  };
}

/** The demo's tokenizer.json: word level, whitespace kept as tokens, decoded by concatenation. */
export function tinyTokenizerJson(v: TinyVocab): object {
  return tokenizerJson({
    added: [
      ...TINY_TAGS.map((t) => ({ id: v.tagIds[t], content: t, special: false })),
      ...QWEN_SPECIAL_TOKENS.map((t) => ({ id: v.specialIds[t], content: t, special: true })),
    ],
    preTokenizer: { type: 'Split', pattern: { Regex: TINY_SPLIT_PATTERN }, behavior: 'Isolated', invert: false },
    decoder: { type: 'Fuse' },
    model: { type: 'WordLevel', vocab: v.vocab, unk_token: TINY_UNK },
  });
}

/** tokenizer_config.json: Qwen's special-token roles; no chat_template (the built-in Qwen2.5-VL one is used). */
export function tinyTokenizerConfig(): Record<string, unknown> {
  return {
    tokenizer_class: 'PreTrainedTokenizerFast',
    unk_token: TINY_UNK,
    eos_token: '<|im_end|>',
    pad_token: '<|endoftext|>',
    bos_token: null,
    // decode() must return what the model emitted: HF's clean-up would delete the space in "2.5 ." and similar
    clean_up_tokenization_spaces: false,
    model_max_length: 4096,
  };
}

/** Writes tokenizer.json and tokenizer_config.json into `dir` (which must exist). */
export function writeTokenizerFiles(dir: string, tokenizer: object, config: Record<string, unknown>): void {
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(config, null, 2));
}
