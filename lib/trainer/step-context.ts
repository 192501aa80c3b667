/**
 * What one training step needs, built once by the Trainer: the policy (and the frozen reference when beta > 0), the
 * tokenizer, the optimizer over the trainable parameters, the video cache, the reward encoder and the sampling RNG.
 * Also the per-prompt preparation shared by GRPO and SFT steps: video tensors + rendered prompt ids.
 */
import type { TrainConfig } from '../config/schema.js';
import type { ResolvedExample } from '../data/examples.js';
import { DataError } from '../errors.js';
import type { QwenVL } from '../qwen/qwen.js';
import type { UpdateOptimizer } from '../distributed/zero-optimizer.js';
import type { SentenceEncoder } from '../rewards/sentence-encoder.js';
import type { Device, Generator } from '../tensor/index.js';
import { buildPrompt } from '../text/build-prompt.js';
import type { TextTokenizer } from '../text/tokenizer.js';
import type { DistContext } from './dist-context.js';
import type { PromptRows } from './policy-inputs.js';
import { UnreadableVideoError } from './unreadable-video-error.js';
import type { UnreadableVideos } from './unreadable-videos.js';
import type { VideoInputCache } from './video-inputs.js';

export interface StepContext {
  cfg: TrainConfig;
  /** Where this rank computes (trainingDevice): every tensor the step makes that meets the model's goes here. */
  device: Device;
  model: QwenVL;
  ref: QwenVL | null;
  tokenizer: TextTokenizer;
  /** AdamW over the trainable parameters, or a ZeroOptimizer over the sharded model's slices. */
  optimizer: UpdateOptimizer;
  /** Multi-process runs: this rank's share of each step, and the agreements between ranks. */
  dist?: DistContext | null;
  videos: VideoInputCache;
  encoder?: SentenceEncoder;
  /** Seeds each rollout's sampler; its state is checkpointed (exact resume). */
  sampling: Generator;
  /** Written after a completion's stop token. */
  padId: number;
  /** Whether generate() forks one prompt's KV cache G ways (learned at the first rollout; false = G prompt copies). */
  prefixSharing?: boolean;
  /** Mid-run video failures: each skips its step (unreadable-videos.ts). */
  unreadableVideos?: UnreadableVideos;
}

export interface PreparedPrompt {
  rows: PromptRows;
  promptTokens: number;
}

/** Video tensors and prompt ids for one example (`rows` copies for the model); a video failure is an UnreadableVideoError. */
export async function preparePrompt(ctx: StepContext, ex: ResolvedExample, rows: number): Promise<PreparedPrompt> {
  let video;
  try {
    video = await ctx.videos.get(ex.videoPath);
  } catch (e) {
    throw UnreadableVideoError.from(ex, e);
  }
  let prompt;
  try {
    prompt = buildPrompt({ tokenizer: ctx.tokenizer, query: ex.problem, template: ctx.cfg.prompt_template, videoGrid: video.grid });
  } catch (e) {
    throw new DataError(`cannot build the prompt: ${(e as Error).message}`, { file: ex.videoPath, record: ex.recordIndex, field: 'q' });
  }
  return { rows: { promptIds: prompt.inputIds, video, rows }, promptTokens: prompt.inputIds.length };
}
