/**
 * One GRPO step's inputs, written for scripts/compare/grpo_step_hf.py so that HF transformers times the SAME work:
 * the first two training prompts of the demo config, rendered and sampled the way lib/trainer/grpo-step.ts does
 * (preparePrompt's pieces, one prefix-shared generate of G completions from the initial tiny checkpoint, rows cut at a
 * sampled vision placeholder), with their rewards and group advantages. Per prompt k: p{k}.input_ids [1,L], p{k}.attention_mask [1,L] (all ones: our
 * forwards use no mask), p{k}.pixel_values_videos, p{k}.video_grid_thw [1,3], p{k}.second_per_grid_ts [1],
 * p{k}.completion_ids [G,N], p{k}.rewards [G], p{k}.advantages [G]; the sampling and loss settings as metadata.
 * Rewards here are format + refuse_iou (no SBERT needed): they only set the advantages, whose values do not change
 * the cost of the HF step.
 */
import { dirname, join } from 'node:path';

import type { TrainConfig } from '../lib/config/schema.js';
import { exampleToRewardFields, resolveExample } from '../lib/data/examples.js';
import { saveSafetensors } from '../lib/io/safetensors.js';
import { QwenVL } from '../lib/qwen/qwen.js';
import { scoreCompletions } from '../lib/rewards/registry.js';
import { type Tensor, fromTypedArray, getNumThreads, ones, tensor, tidyAsync } from '../lib/tensor/index.js';
import { buildPrompt } from '../lib/text/build-prompt.js';
import { loadTextTokenizer } from '../lib/text/tokenizer.js';
import { groupAdvantages } from '../lib/grpo/advantages.js';
import { cutAtVisionTokens } from '../lib/trainer/grpo-step.js';
import { repeatedInputs } from '../lib/trainer/policy-inputs.js';
import { loadTrainingData } from '../lib/trainer/training-data.js';
import { VideoInputCache, videoOptions } from '../lib/trainer/video-inputs.js';

export async function dumpStepInputs(cfg: TrainConfig, path: string, seed: number): Promise<string> {
  const data = await loadTrainingData(cfg);
  const tokenizer = loadTextTokenizer(cfg.model_path);
  const padId = tokenizer.tokenId('<|endoftext|>');
  const model = await QwenVL.load(cfg.model_path, { dtype: cfg.dtype, device: 'cpu' });
  const videos = new VideoInputCache(videoOptions(cfg.video), join(dirname(path), 'video-cache'));
  const G = cfg.num_generations;
  try {
    await tidyAsync(async () => {
      const out: Record<string, Tensor> = {};
      for (let k = 0; k < cfg.per_device_train_batch_size; k++) {
        const ex = resolveExample(data.examples[k]!, { seed: cfg.data_seed, epoch: 0, step: 0 });
        const video = await videos.get(ex.videoPath);
        const ids = buildPrompt({ tokenizer, query: ex.problem, template: cfg.prompt_template, videoGrid: video.grid }).inputIds;
        const g = await model.generate(repeatedInputs({ promptIds: ids, video, rows: 1 }, { withSpg: true }), {
          maxNewTokens: cfg.max_completion_length, temperature: cfg.temperature, topK: cfg.top_k, topP: cfg.top_p,
          seed: seed + k, stopIds: cfg.stop_token_ids, padId, numReturnSequences: G,
        });
        const lengths = Array.from(g.lengths.toArray() as BigInt64Array, Number);
        const flat = Array.from(g.tokens.toArray() as BigInt64Array, Number);
        const N = g.tokens.size(1);
        // as the step does: a sampled vision placeholder ends its row (it cannot be fed back to a forward)
        const m = model.config;
        cutAtVisionTokens(flat, lengths, N, new Set([m.visionStartTokenId, m.visionEndTokenId, m.imageTokenId, m.videoTokenId]), padId);
        const texts = lengths.map((len, i) => tokenizer.decode(flat.slice(i * N, i * N + len), { skipSpecialTokens: true }));
        const scored = await scoreCompletions(['format', 'refuse_iou'], undefined, texts, exampleToRewardFields(ex));
        const total = tensor(scored.total.slice());
        out[`p${k}.input_ids`] = fromTypedArray(BigInt64Array.from(ids, (x) => BigInt(x)), [1, ids.length], 'int64');
        out[`p${k}.attention_mask`] = ones([1, ids.length], { dtype: 'int64' });
        out[`p${k}.pixel_values_videos`] = video.pixelValuesVideos;
        out[`p${k}.video_grid_thw`] = tensor([[...video.grid]], { dtype: 'int64' });
        out[`p${k}.second_per_grid_ts`] = tensor([video.secondPerGridTs]);
        out[`p${k}.completion_ids`] = fromTypedArray(BigInt64Array.from(flat, (x) => BigInt(x)), [lengths.length, N], 'int64');
        out[`p${k}.rewards`] = total;
        out[`p${k}.advantages`] = groupAdvantages(total, G, cfg.scale_rewards).advantages;
      }
      const meta = {
        model_dir: cfg.model_path, prompts: String(cfg.per_device_train_batch_size), num_generations: String(G),
        max_new_tokens: String(cfg.max_completion_length), temperature: String(cfg.temperature), top_k: String(cfg.top_k),
        top_p: String(cfg.top_p), seed: String(seed), stop_token_ids: cfg.stop_token_ids.join(','), pad_id: String(padId),
        beta: String(cfg.beta), learning_rate: String(cfg.learning_rate), adam_betas: `${cfg.adam_beta1},${cfg.adam_beta2}`,
        adam_epsilon: String(cfg.adam_epsilon), weight_decay: String(cfg.weight_decay), max_grad_norm: String(cfg.max_grad_norm),
        loss_type: cfg.loss_type, freeze: cfg.freeze.join(','), unfreeze: cfg.unfreeze.join(','), threads: String(getNumThreads()),
      };
      await saveSafetensors(path, out, meta);
    });
  } finally {
    videos.dispose();
    model.dispose();
  }
  return path;
}
