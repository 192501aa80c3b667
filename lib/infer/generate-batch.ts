/**
 * Answers several queries about ONE video in one generate call: the prompts are built for the video's grid, left
 * padded into one batch (the model requires left padding, spec §3.5), and the video is given once for the whole batch
 * with `groupSize = B` (all rows are one group sharing the visual inputs), so the vision tower runs once per batch
 * instead of once per row; positions and logits equal those of B separate copies (test/qwen/groups.test.ts). Each
 * row's text is decoded with special tokens kept, so a finished answer ends in its stop token as the reference's
 * stored outputs do (§2.2).
 */
import type { QwenVL } from '../qwen/qwen.js';
import { type Tensor, tensor } from '../tensor/index.js';
import { buildPrompt, type PromptTemplate, type TextTokenizer } from '../text/index.js';
import type { PreprocessedVideo } from '../video/index.js';
import { type DecodingOptions, stopTokenIds } from './decoding.js';

export interface GeneratedAnswer {
  query: string;
  text: string;
  /** The new tokens up to and including the stop token (if one was emitted). */
  tokens: number[];
  /** log p of each token in `tokens` (temperature-scaled when sampling). */
  logprobs: number[];
  promptTokens: number;
  /** True when the row ended on a stop token, false when it hit maxNewTokens. */
  stopped: boolean;
}

export interface BatchTiming {
  /** Wall time of the generate call (prefill + decoding for the whole batch). */
  generateMs: number;
  /** Prompt building and tokenisation. */
  promptMs: number;
}

/** Left-pads token rows into [B, L] ids and mask (pad slots: id `padId`, mask 0). */
export function leftPad(rows: readonly Int32Array[], padId: number): { ids: BigInt64Array; mask: BigInt64Array; width: number } {
  const width = Math.max(...rows.map((r) => r.length));
  const ids = new BigInt64Array(rows.length * width).fill(BigInt(padId));
  const mask = new BigInt64Array(rows.length * width);
  rows.forEach((row, b) => {
    const off = b * width + (width - row.length);
    for (let i = 0; i < row.length; i++) {
      ids[off + i] = BigInt(row[i]!);
      mask[off + i] = 1n;
    }
  });
  return { ids, mask, width };
}

export async function generateForVideo(
  model: QwenVL,
  tokenizer: TextTokenizer,
  video: PreprocessedVideo,
  queries: readonly string[],
  template: PromptTemplate,
  decoding: DecodingOptions,
): Promise<{ answers: GeneratedAnswer[]; timing: BatchTiming }> {
  if (queries.length === 0) return { answers: [], timing: { generateMs: 0, promptMs: 0 } };
  const t0 = performance.now();
  const prompts = queries.map((query) => buildPrompt({ tokenizer, query, template, videoGrid: video.videoGridThw }).inputIds);
  const { stopIds, padId } = stopTokenIds(tokenizer);
  const B = queries.length;
  const { ids, mask, width } = leftPad(prompts, padId);
  const owned: Tensor[] = [];
  const own = <T extends Tensor>(t: T): T => (owned.push(t), t);
  try {
    const inputIds = own(tensor(ids, { dtype: 'int64', shape: [B, width] }));
    const attentionMask = own(tensor(mask, { dtype: 'int64', shape: [B, width] }));
    const videoGridThw = own(tensor([[...video.videoGridThw]], { dtype: 'int64' }));
    const secondPerGridTs = own(tensor([video.secondPerGridTs]));
    const t1 = performance.now();
    const g = await model.generate(
      { inputIds, attentionMask, pixelValuesVideos: video.pixelValuesVideos, videoGridThw, secondPerGridTs, groupSize: B },
      {
        maxNewTokens: decoding.maxNewTokens,
        temperature: decoding.temperature,
        topK: decoding.topK,
        topP: decoding.topP,
        ...(decoding.seed !== undefined ? { seed: decoding.seed } : {}),
        stopIds,
        padId,
      },
    );
    const t2 = performance.now();
    owned.push(g.tokens, g.lengths, g.logprobs);
    const N = g.tokens.shape[1]!;
    const tok = g.tokens.toArray() as BigInt64Array;
    const lps = g.logprobs.toArray() as Float32Array;
    const lens = g.lengths.toArray() as BigInt64Array;
    const answers = queries.map((query, b): GeneratedAnswer => {
      const len = Number(lens[b]);
      const tokens = Array.from(tok.subarray(b * N, b * N + len), Number);
      return {
        query,
        text: tokenizer.decode(tokens, { skipSpecialTokens: false }),
        tokens,
        logprobs: Array.from(lps.subarray(b * N, b * N + len)),
        promptTokens: prompts[b]!.length,
        stopped: len > 0 && stopIds.includes(tokens[len - 1]!),
      };
    });
    return { answers, timing: { generateMs: t2 - t1, promptMs: t1 - t0 } };
  } finally {
    for (const t of owned) t.dispose();
  }
}
