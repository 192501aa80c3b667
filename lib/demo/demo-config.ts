/**
 * The demo's two training configs (supervised warm-up, then GRPO), built through loadConfig so they are validated
 * exactly like a user's file, and so command-line flags (`overrides`) apply on top. Values chosen for a CPU run of a
 * few minutes on 2 cores: a 64-wide model, 56x56 videos of 16 sampled frames (32 video tokens), short completions.
 */
import { join } from 'node:path';

import { type Overrides, deepMerge, loadConfig } from '../config/load.js';
import type { TrainConfig } from '../config/schema.js';
import { SbertModelNotFoundError, resolveModelDir } from '../sbert/model-dir.js';
import { TINY_ARCH, type TinyArch } from './tiny-checkpoint.js';
import type { TinyVocab } from './tiny-tokenizer.js';

export interface DemoPaths {
  root: string;
  modelDir: string;
  trainFile: string;
  videoRoot: string;
}

export interface DemoSizes {
  sftSteps: number;
  grpoSteps: number;
  saveSteps: number;
  seed: number;
}

// 600 warm-up steps: by ~300 the model names the query's and the video's colour in its reasoning, and by 600 it acts on
// them on most held-out queries; GRPO (80 steps) then improves the answerable/refusable decisions without giving
// either class up (measured on seeds 42, 1, 2: docs/demo.md; with 400 steps GRPO traded refusable for answerable
// accuracy on 2 of 3 seeds)
export const DEMO_SIZES: DemoSizes = { sftSteps: 600, grpoSteps: 80, saveSteps: 40, seed: 42 };

/**
 * The spec's tiny architecture with 4 text layers instead of 2 (measured, docs/demo.md): with 2 layers (d = 64 or
 * 128) the warm-up never learnt to copy the query's colour from ~400 prompt tokens back; with 4 it reads both the
 * query and the video within 300 steps, at ~1.7x the step time.
 */
export const DEMO_ARCH: TinyArch = { ...TINY_ARCH, layers: 4 };

function common(p: DemoPaths, v: TinyVocab, s: DemoSizes): Overrides {
  return {
    dtype: 'float32',
    device: 'cpu',
    gradient_checkpointing: false,
    datasets: [{ path: p.trainFile, format: 'rarft', video_root: p.videoRoot }],
    video: { fps: 2, total_pixels: 50176, min_pixels: 3136, min_frames: 4, max_frames: 16 },
    max_prompt_length: 1024,
    stop_token_ids: [v.specialIds['<|im_end|>'], v.specialIds['<|endoftext|>']],
    save_steps: s.saveSteps,
    save_total_limit: 2,
    seed: s.seed,
    data_seed: s.seed,
    lr_scheduler_type: 'constant',
    report_to: ['jsonl', 'tensorboard'],
  };
}

/** Teacher-forced warm-up: 4 prompts per step, a large rate (the model starts random). */
export function demoSftConfig(p: DemoPaths, v: TinyVocab, s: DemoSizes, overrides: Overrides = {}): TrainConfig {
  return loadConfig({
    overrides: deepMerge(
      {
        ...common(p, v, s),
        model_path: p.modelDir,
        output_dir: join(p.root, 'sft'),
        // the tiny model's vision tower is random, not pretrained: the warm-up trains it too (GRPO then freezes it
        // except the merger, as the reference's fix_vit does)
        freeze: [],
        unfreeze: [],
        learning_rate: 3e-3,
        warmup_steps: 3,
        per_device_train_batch_size: 4,
        max_steps: s.sftSteps,
      },
      overrides,
    ),
  });
}

/**
 * GRPO from the warm-up's last checkpoint: 2 prompts x 8 completions per step, the reference's KL (beta 0.04) and
 * rewards (demoRewards).
 */
export function demoGrpoConfig(p: DemoPaths, v: TinyVocab, s: DemoSizes, sftModel: string, rewards: readonly string[], overrides: Overrides = {}): TrainConfig {
  return loadConfig({
    overrides: deepMerge(
      {
        ...common(p, v, s),
        model_path: sftModel,
        output_dir: join(p.root, 'grpo'),
        num_generations: 8,
        max_completion_length: 48,
        temperature: 1.0,
        top_k: 0,
        beta: 0.04,
        learning_rate: 5e-4,
        per_device_train_batch_size: 2,
        max_steps: s.grpoSteps,
        reward_funcs: [...rewards],
      },
      overrides,
    ),
  });
}

/** The reference's three rewards: what the demo trains with unless `--reward-funcs` says otherwise. */
export const DEMO_REWARDS: readonly string[] = ['format', 'refuse_iou', 'explain_correction'];

/**
 * The demo's rewards: `requested` (the user's --reward-funcs) or the reference's three. explain_correction is what
 * makes answering an answerable query pay (docs/demo.md), and its SBERT weights come with `npm run setup`: when they
 * are missing the demo stops and says how to get them, rather than quietly training a weaker method. The GRPO-step
 * benchmark uses the same choice.
 */
export function demoRewards(requested?: readonly string[]): string[] {
  const rewards = [...(requested ?? DEMO_REWARDS)];
  if (rewards.includes('explain_correction')) {
    try {
      resolveModelDir();
    } catch (e) {
      if (!(e instanceof SbertModelNotFoundError)) throw e;
      throw new SbertModelNotFoundError(
        `the demo's explain_correction reward needs the SBERT weights. ${e.message}\n` +
          'Or leave that reward out: npx rarft-train --reward-funcs format,refuse_iou',
      );
    }
  }
  return rewards;
}
