/**
 * What a trainer checkpoint holds (written into checkpoint-dir.ts's temp folder, renamed into place when complete):
 *   config.json + model.safetensors   the policy, HF layout (QwenVL.save), loadable as a model_path
 *   tokenizer.json, tokenizer_config.json, chat_template.jinja (+ generation_config.json, preprocessor files if the
 *                                     source model had them): the folder is a complete model for inference
 *   optimizer.safetensors             AdamW moments/masters (unless save_only_model)
 *   trainer_state.json                step, epoch, data cursor, RNG states, LR schedule, metrics tail (written last)
 *   run_info.json                     the stage (sft|grpo) and the source model, for humans and `--resume` checks
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { TrainConfig } from '../config/schema.js';
import { DataError } from '../errors.js';
import type { MetricsRecord } from '../logging/metrics-jsonl.js';
import type { QwenVL } from '../qwen/qwen.js';
import type { AdamW } from '../optim/adamw.js';
import type { Generator } from '../tensor/index.js';
import { type CheckpointInfo, saveCheckpoint } from '../checkpoint/checkpoint-dir.js';
import { type OptimizerHyper, saveOptimizerState } from '../checkpoint/optimizer-checkpoint.js';
import { encodeRng, writeTrainerState } from '../checkpoint/trainer-state.js';
import type { TextTokenizer } from '../text/tokenizer.js';
import type { CursorState } from './data-cursor.js';

export type Stage = 'grpo' | 'sft';
export const RUN_INFO_FILE = 'run_info.json';

/** Files copied verbatim from the source model folder when present. */
const COPIED = ['tokenizer.json', 'tokenizer_config.json', 'generation_config.json', 'preprocessor_config.json', 'chat_template.json', 'vocab.json', 'merges.txt'];

export const optimizerHyper = (c: TrainConfig): OptimizerHyper => ({ betas: [c.adam_beta1, c.adam_beta2], eps: c.adam_epsilon, weightDecay: c.weight_decay });

export interface RunCheckpointState {
  cfg: TrainConfig;
  stage: Stage;
  step: number;
  epoch: number;
  cursor: CursorState;
  rng: Record<string, Generator>;
  totalSteps: number;
  warmupSteps: number;
  metricsTail: readonly MetricsRecord[];
  /** More files for the checkpoint folder (a num_iterations rollout buffer), written before trainer_state.json. */
  writeExtra?: (dir: string) => Promise<void>;
}

/** Writes the optimizer's state into a checkpoint folder (AdamW: saveOptimizerState; ZeRO: the gathered state). */
export type OptimizerWriter = (dir: string) => Promise<void>;

export const adamwWriter = (optimizer: AdamW, c: TrainConfig): OptimizerWriter => async (dir) => {
  await saveOptimizerState(dir, optimizer, optimizerHyper(c));
};

export async function saveRunCheckpoint(model: QwenVL, writeOptimizer: OptimizerWriter, tokenizer: TextTokenizer, sourceDir: string, s: RunCheckpointState): Promise<CheckpointInfo & { rotated: string[] }> {
  const c = s.cfg;
  return saveCheckpoint(
    c.output_dir,
    s.step,
    async (dir) => {
      await model.save(dir);
      for (const f of COPIED) if (existsSync(join(sourceDir, f))) copyFileSync(join(sourceDir, f), join(dir, f));
      writeFileSync(join(dir, 'chat_template.jinja'), tokenizer.chatTemplate.source);
      if (!c.save_only_model) await writeOptimizer(dir);
      await s.writeExtra?.(dir);
      writeFileSync(join(dir, RUN_INFO_FILE), JSON.stringify({ stage: s.stage, source_model: c.model_path, step: s.step }, null, 1));
      writeTrainerState(dir, {
        global_step: s.step,
        epoch: s.epoch,
        data_cursor: { ...s.cursor },
        rng: Object.fromEntries(Object.entries(s.rng).map(([k, g]) => [k, encodeRng(g)])),
        scheduler: { type: c.lr_scheduler_type, peak_lr: c.learning_rate, total_steps: s.totalSteps, warmup_steps: s.warmupSteps },
        metrics_tail: [...s.metricsTail],
      });
    },
    { saveTotalLimit: c.save_total_limit },
  );
}

/** The stage a checkpoint was written by (a GRPO run must not silently resume an SFT checkpoint, and vice versa). */
export function checkpointStage(dir: string): Stage | null {
  const p = join(dir, RUN_INFO_FILE);
  if (!existsSync(p)) return null;
  try {
    const s = (JSON.parse(readFileSync(p, 'utf8')) as { stage?: unknown }).stage;
    return s === 'sft' || s === 'grpo' ? s : null;
  } catch (e) {
    throw new DataError(`unreadable: ${(e as Error).message}`, { file: p });
  }
}
