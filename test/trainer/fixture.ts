/**
 * A small real training setup for the trainer tests: the demo's tiny random Qwen2.5-VL checkpoint and tokenizer,
 * two synthetic videos with RA-RFT records, and a config with short prompts' worth of settings (4 completions of
 * at most 8 tokens) so a GRPO step takes well under a second on the CPU. The setup is built once per test file.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type Overrides, deepMerge, loadConfig } from '../../lib/config/load.js';
import type { TrainConfig } from '../../lib/config/schema.js';
import { demoDomainTexts, writeDemoDataset } from '../../lib/demo/synthetic-dataset.js';
import { writeTinyCheckpoint } from '../../lib/demo/tiny-checkpoint.js';
import { type TinyVocab, buildTinyVocab } from '../../lib/demo/tiny-tokenizer.js';
import { loadSafetensors } from '../../lib/io/safetensors.js';
import type { SentenceEncoder } from '../../lib/rewards/sentence-encoder.js';
import { dispose } from '../../lib/tensor/index.js';

/** Trainer options for a test: no progress line, no log. */
export const quiet = { progress: null, log: () => {} } as const;

/** A deterministic stand-in for SBERT (explain_correction) where a test must not depend on the real weights. */
export const standInEncoder: SentenceEncoder = {
  similarity: async (pairs: ReadonlyArray<readonly [string, string]>) => pairs.map(([a, b]) => ((a.length * 7 + b.length * 3) % 11) / 11),
};

export interface TinyRun {
  root: string;
  modelDir: string;
  trainFile: string;
  videoRoot: string;
  vocab: TinyVocab;
}

export async function makeTinyRun(records = 2): Promise<TinyRun> {
  const root = mkdtempSync(join(tmpdir(), 'rarft-trainer-'));
  const vocab = buildTinyVocab(demoDomainTexts());
  const modelDir = await writeTinyCheckpoint(join(root, 'model'), vocab, 7);
  const ds = await writeDemoDataset(join(root, 'data'), { train: records, heldout: 0, seed: 3 });
  return { root, modelDir, trainFile: ds.trainFile, videoRoot: ds.videoRoot, vocab };
}

export function tinyConfig(run: TinyRun, outputName: string, overrides: Overrides = {}): TrainConfig {
  return loadConfig({
    overrides: deepMerge(
      {
        model_path: run.modelDir,
        output_dir: join(run.root, outputName),
        dtype: 'float32',
        device: 'cpu',
        datasets: [{ path: run.trainFile, format: 'rarft', video_root: run.videoRoot }],
        video: { fps: 2, total_pixels: 50176, min_pixels: 3136, min_frames: 4, max_frames: 8 },
        max_prompt_length: 1024,
        stop_token_ids: [run.vocab.specialIds['<|im_end|>'], run.vocab.specialIds['<|endoftext|>']],
        num_generations: 4,
        max_completion_length: 8,
        top_k: 0,
        beta: 0.04,
        learning_rate: 1e-3,
        lr_scheduler_type: 'linear',
        max_steps: 2,
        save_steps: 100,
        reward_funcs: ['format', 'refuse_iou'],
        report_to: ['jsonl', 'tensorboard'],
      },
      overrides,
    ),
  });
}

/** All tensors of a safetensors file as plain arrays (for exact comparisons). */
export async function weightsOf(file: string): Promise<Map<string, Float32Array>> {
  const { tensors } = await loadSafetensors(file);
  const out = new Map<string, Float32Array>();
  for (const [n, t] of tensors) out.set(n, t.toArray() as Float32Array);
  dispose([...tensors.values()]);
  return out;
}

export const readJsonl = (file: string): Record<string, unknown>[] =>
  readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
