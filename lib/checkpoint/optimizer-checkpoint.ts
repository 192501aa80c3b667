/**
 * The optimizer's share of a checkpoint: AdamW's exported state (exp_avg.*, exp_avg_sq.*, master.*, step.*) in
 * `optimizer.safetensors`, with the hyperparameters in the metadata so a resume with different betas/eps is
 * caught instead of silently mixing two optimizers' moments.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { DataError } from '../errors.js';
import { loadSafetensors, saveSafetensors } from '../io/safetensors.js';
import type { AdamW } from '../optim/adamw.js';
import { type Tensor, dispose } from '../tensor/index.js';

export const OPTIMIZER_FILE = 'optimizer.safetensors';

export interface OptimizerHyper {
  betas: readonly [number, number];
  eps: number;
  weightDecay: number;
}

/** The metadata the file carries (also for writers that stream the state: ZeroOptimizer.writeFullState). */
export const optimizerMetadata = (h: OptimizerHyper): Record<string, string> => ({
  format: 'rarft-adamw/1',
  betas: JSON.stringify(h.betas),
  eps: String(h.eps),
  weight_decay: String(h.weightDecay),
});

export async function saveOptimizerState(dir: string, opt: AdamW, hyper: OptimizerHyper): Promise<string> {
  const state = opt.exportState();
  try {
    return await writeOptimizerState(dir, state, hyper);
  } finally {
    dispose(state);
  }
}

/** Writes an already-exported state (AdamW naming; a ZeRO run's gathered full state). The caller disposes it. */
export async function writeOptimizerState(dir: string, state: Readonly<Record<string, Tensor>>, hyper: OptimizerHyper): Promise<string> {
  const path = join(dir, OPTIMIZER_FILE);
  await saveSafetensors(path, state, optimizerMetadata(hyper));
  return path;
}

export async function loadOptimizerState(dir: string, opt: AdamW, hyper: OptimizerHyper): Promise<void> {
  const state = await readOptimizerState(dir, hyper);
  try {
    opt.importState(state);
  } finally {
    dispose(Object.values(state));
  }
}

/** The saved state after checking the hyperparameters (the caller disposes the tensors). */
export async function readOptimizerState(dir: string, hyper: OptimizerHyper): Promise<Record<string, Tensor>> {
  const path = join(dir, OPTIMIZER_FILE);
  if (!existsSync(path)) throw new DataError('no optimizer state in this checkpoint (saved with save_only_model?); resume would not be exact', { file: path });
  const { tensors, metadata } = await loadSafetensors(path);
  const want = optimizerMetadata(hyper);
  for (const [k, v] of Object.entries(want))
    if (metadata[k] !== v) {
      dispose([...tensors.values()]);
      throw new DataError(`saved ${k} is ${metadata[k] ?? '(missing)'}, this run uses ${v}`, { file: path, field: k });
    }
  return Object.fromEntries(tensors);
}
