/**
 * What the multi-process trainer tests share: the tiny run, made with 1 intra-op thread as in the workers (so a
 * 2-process run and the 1-process run it is compared with agree bit for bit up to the reduction order: with AVX-512
 * kernels 2 threads split some reductions differently, and Adam turns those last-bit gradient differences, e.g. in the
 * key biases whose true gradient is 0, into visible weight differences); the trainer worker launched on 2 ranks;
 * checkpoint weights and their largest difference.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';

import type { TrainConfig } from '../../lib/config/schema.js';
import { launch } from '../../lib/distributed/index.js';
import { loadSafetensors } from '../../lib/io/safetensors.js';
import { registerReward, unregisterReward } from '../../lib/rewards/registry.js';
import type { RewardFunction } from '../../lib/rewards/types.js';
import { getNumThreads, setNumThreads, type Tensor } from '../../lib/tensor/index.js';
import { type TinyRun, makeTinyRun } from '../trainer/fixture.js';
import { ROOT, VITE_NODE } from './helpers.js';

export const TRAINER_WORKER = join(ROOT, 'test/distributed/workers/trainer-worker.ts');

/** The environment of every worker rank: 1 thread, and a collective timeout no test step comes near. */
export const RANK_ENV = { OMP_NUM_THREADS: '1', RARFT_NUM_THREADS: '1', RARFT_DIST_TIMEOUT_MS: '120000' } as const;

/**
 * The file's tiny run (4 records), handed to `set` before its tests, with `rewards` registered and this process on
 * 1 intra-op thread; both undone after the file.
 */
export function setUpTinyRun(rewards: readonly RewardFunction[], set: (run: TinyRun) => void): void {
  const threads = getNumThreads();
  beforeAll(async () => {
    setNumThreads(1);
    set(await makeTinyRun(4));
    for (const r of rewards) registerReward(r);
  }, 120_000);
  afterAll(() => {
    for (const r of rewards) unregisterReward(r.name);
    setNumThreads(threads);
  });
}

/** 1 prompt per rank: the 2-process form of a config with per_device_train_batch_size 2. */
export const perRank = (cfg: TrainConfig): TrainConfig => ({ ...cfg, per_device_train_batch_size: 1 });

/**
 * Trains `cfg` (its per-rank form) on 2 ranks of the trainer worker, with `env` on top of RANK_ENV; returns every line;
 * throws with them on failure.
 */
export async function launchTrainerRanks(run: TinyRun, cfg: TrainConfig, env: Record<string, string> = {}): Promise<string[]> {
  const file = join(run.root, `${cfg.output_dir.split('/').pop()}.json`);
  writeFileSync(file, JSON.stringify(perRank(cfg)));
  const lines: string[] = [];
  const r = await launch({
    nprocPerNode: 2,
    command: VITE_NODE,
    args: [TRAINER_WORKER, file],
    env: { ...RANK_ENV, ...env },
    stdout: (l) => lines.push(l),
    stderr: (l) => lines.push(l),
    signal: AbortSignal.timeout(240_000),
    killGraceMs: 2000,
  });
  if (!r.ok) throw new Error(`2-process run failed: ${r.message}\n${lines.join('\n')}`);
  return lines;
}

/** The weights of a checkpoint (or model) folder. */
export async function weights(dir: string): Promise<Map<string, Tensor>> {
  return (await loadSafetensors(join(dir, 'model.safetensors'))).tensors;
}

/** The largest elementwise difference of two weight sets, which must hold the same tensors. */
export function maxDiff(a: Map<string, Tensor>, b: Map<string, Tensor>): number {
  expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
  let m = 0;
  for (const [n, t] of a) {
    const x = t.toArray() as Float32Array, y = b.get(n)!.toArray() as Float32Array;
    for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  }
  return m;
}
