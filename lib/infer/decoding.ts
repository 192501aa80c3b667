/**
 * Decoding settings of rarft-infer / rarft-eval run. Defaults are the reference's inference (rarft-reference §2.2):
 * greedy, up to 512 new tokens, stop on <|im_end|> or <|endoftext|> with the stop token kept in the output.
 */
import type { TextTokenizer } from '../text/index.js';

export interface DecodingOptions {
  maxNewTokens: number;
  /** 0 = greedy. */
  temperature: number;
  /** 0 = off. The reference's training rollouts sample with top_k 50 implicitly (§7 item 14); inference is greedy. */
  topK: number;
  /** 1 = off. */
  topP: number;
  /** Sampling seed; with a seed the same inputs give the same tokens. */
  seed?: number;
}

export const DEFAULT_DECODING: DecodingOptions = { maxNewTokens: 512, temperature: 0, topK: 0, topP: 1 };

/** The tokens that end an answer: <|im_end|> and <|endoftext|>, looked up in the checkpoint's own vocabulary. */
export function stopTokenIds(tokenizer: TextTokenizer): { stopIds: number[]; padId: number } {
  const imEnd = tokenizer.tokenId('<|im_end|>');
  const eot = tokenizer.tokenId('<|endoftext|>');
  return { stopIds: [imEnd, eot], padId: eot };
}
