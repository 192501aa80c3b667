/**
 * The policy, its optimizer and the frozen reference for a run, in one of two shapes:
 *   single process: the full model; AdamW over the trainable parameters (frozen ones get no state);
 *   multi-process (ZeRO-3, lib/trainer/dist-context.ts): each rank loads the checkpoint, shards it (QwenVL.shard:
 *     1/world of every parameter, per-block gathers) and keeps AdamW state for its slices only (ZeroOptimizer).
 * Either way checkpoints have one format (HF weights + optimizer state in the non-sharded naming), so a run resumes
 * in any world size.
 */
import { join } from 'node:path';

import type { TrainConfig } from '../config/schema.js';
import { ZeroOptimizer, type UpdateOptimizer } from '../distributed/zero-optimizer.js';
import { QwenVL } from '../qwen/qwen.js';
import { AdamW } from '../optim/adamw.js';
import { BYTES_PER_ELEMENT, type Device, type Tensor, dispose, keep } from '../tensor/index.js';
import { partitionParams } from './freeze.js';
import { OPTIMIZER_FILE, loadOptimizerState, optimizerMetadata, readOptimizerState } from '../checkpoint/optimizer-checkpoint.js';
import type { DistContext } from './dist-context.js';
import { type OptimizerWriter, type Stage, adamwWriter, optimizerHyper } from './run-checkpoint.js';

export interface PolicySetup {
  model: QwenVL;
  ref: QwenVL | null;
  optimizer: UpdateOptimizer;
  trainable: string[];
  frozen: string[];
  unusedPatterns: string[];
  /** Rank 0 (or the only process): writes the optimizer state into a checkpoint folder (collective when sharded). */
  writeOptimizer: OptimizerWriter;
  /** Other ranks: their part of a checkpoint save (the same collectives as rank 0, nothing written). */
  joinSave(): Promise<void>;
  restoreOptimizer(dir: string): Promise<void>;
  /** Sharded runs: what this rank holds, and what one process would (printed at start). */
  memory: { params: number; optimizer: number; unshardedParams: number; unshardedOptimizer: number } | null;
  dispose(): void;
}

const optimizerOptions = (c: TrainConfig) => ({ ...optimizerHyper(c), ...(c.optimizer_state_device === 'cpu' ? { stateDevice: 'cpu' as const } : {}) });

export async function setupPolicy(c: TrainConfig, stage: Stage, weightsDir: string, dist: DistContext | null, device: Device): Promise<PolicySetup> {
  const owned: { dispose(): void }[] = [];
  try {
    const loadOpts = { dtype: c.dtype, device };
    const partition = (names: string[]) => partitionParams(names, c.freeze, c.unfreeze); // pure: cheap to repeat
    const refDir = stage === 'grpo' && c.beta !== 0 ? (c.ref_model_path ?? c.model_path) : null;
    // Sharded runs load straight into this rank's slices (memory-mapped files, one block at a time).
    const sharded = dist ? await QwenVL.loadSharded(weightsDir, dist.group, (names) => partition(names).trainable, loadOpts) : null;
    const model = sharded?.model ?? (await QwenVL.load(weightsDir, loadOpts));
    owned.push(model);
    // Recompute each decoder layer / vision block in backward instead of keeping its activations (frozen blocks
    // are skipped by the model, so a frozen ViT costs nothing extra). A sharded model always recomputes.
    model.setGradientCheckpointing(c.gradient_checkpointing);
    const names = model.parameterNames();
    const { trainable, frozen, unusedPatterns } = partition(names);
    const base = { model, trainable, frozen, unusedPatterns };

    if (!dist) {
      const params = model.parameters().map((p) => keep(p));
      owned.push({ dispose: () => params.forEach((p) => p.dispose()) });
      const trainableSet = new Set(trainable);
      const map = new Map<string, Tensor>();
      names.forEach((n, i) => {
        if (trainableSet.has(n)) map.set(n, params[i]!.requiresGrad_(true));
      });
      const optimizer = new AdamW(map, optimizerOptions(c));
      owned.push(optimizer);
      const ref = refDir ? await QwenVL.load(refDir, loadOpts) : null;
      if (ref) owned.push(ref);
      return {
        ...base,
        ref,
        optimizer,
        writeOptimizer: adamwWriter(optimizer, c),
        joinSave: async () => {},
        restoreOptimizer: (dir) => loadOptimizerState(dir, optimizer, optimizerHyper(c)),
        memory: null,
        dispose: () => owned.reverse().forEach((o) => o.dispose()),
      };
    }

    const paramCount = model.parameterCount;
    const shards = sharded!.shards;
    const optimizer = new ZeroOptimizer(model, shards, dist.group, optimizerOptions(c));
    owned.push(optimizer);
    const ref = refDir ? (await QwenVL.loadSharded(refDir, dist.group, [], loadOpts)).model : null;
    if (ref) owned.push(ref);
    const trainableNumel = shards.blocks.reduce((a, b) => a + (b.trainable?.layout.total ?? 0), 0);
    const mem = optimizer.memoryBytes();
    const bytes = BYTES_PER_ELEMENT[c.dtype];
    // one process: full weights, and fp32 moments (+ fp32 masters for 16-bit weights) for every trainable element
    const unshardedOptimizer = trainableNumel * (8 + (bytes < 4 ? 4 : 0));
    // rank 0 writes block by block as the state is gathered; the other ranks join the same gathers (joinSave)
    const gatherAndWrite: OptimizerWriter = (dir) => optimizer.writeFullState(join(dir, OPTIMIZER_FILE), optimizerMetadata(optimizerHyper(c)));
    return {
      ...base,
      ref,
      optimizer,
      writeOptimizer: gatherAndWrite,
      joinSave: async () => {
        await model.save(''); // collective gather; only rank 0 writes
        if (!c.save_only_model) await optimizer.writeFullState('', {}); // collective; only rank 0 writes
      },
      restoreOptimizer: async (dir) => {
        const st = await readOptimizerState(dir, optimizerHyper(c));
        try {
          optimizer.importFullState(st);
        } finally {
          dispose(Object.values(st));
        }
      },
      memory: { params: mem.params, optimizer: mem.optimizer, unshardedParams: paramCount * bytes, unshardedOptimizer },
      dispose: () => owned.reverse().forEach((o) => o.dispose()),
    };
  } catch (e) {
    owned.reverse().forEach((o) => o.dispose());
    throw e;
  }
}
