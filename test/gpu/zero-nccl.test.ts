// ZeRO-3 under NCCL on a real GPU. One GPU allows one NCCL rank (NCCL refuses two ranks on one device), so what runs
// here is world 1: the collectives on CUDA tensors, and the trainer's sharded path (per-block gathers, reduce-scatter
// of gradients, the sharded AdamW, the streamed checkpoint) driven through an NCCL group, ending with the weights of
// the plain single-process run. Two ranks need two GPUs: that case runs only where they are.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { freePort, initProcessGroup } from '../../lib/distributed/index.js';
import { registerReward, unregisterReward } from '../../lib/rewards/registry.js';
import { cuda, tensor } from '../../lib/tensor/index.js';
import { distContext } from '../../lib/trainer/dist-context.js';
import { Trainer } from '../../lib/trainer/trainer.js';
import { type TinyRun, makeTinyRun, maxAbsDiff, quiet, standInEncoder, tinyConfig, weightsOf } from '../trainer/fixture.js';
import { GPU, HAS_GPU, skipNote } from './gpu.js';

const SPREAD = 'nccl_chars';
let run: TinyRun;

const ncclEnv = async () => ({ rank: 0, worldSize: 1, localRank: 0, localWorldSize: 1, masterAddr: '127.0.0.1', masterPort: await freePort() });

describe.runIf(HAS_GPU)(`ZeRO-3 over NCCL on ${GPU}${skipNote()}`, () => {
  beforeAll(async () => {
    run = await makeTinyRun(4);
    registerReward({ name: SPREAD, score: (cs) => cs.map((c) => c.length / 10) });
  });
  afterAll(() => unregisterReward(SPREAD));

  it('an NCCL group at world 1 reduces, gathers and scatters CUDA tensors on this rank\'s GPU', async () => {
    const g = await initProcessGroup({ backend: 'nccl', device: 'cuda', env: await ncclEnv(), timeoutMs: 60_000 });
    try {
      expect(g.backend).toBe('nccl');
      expect(g.device).toBe('cuda:0');
      const t = tensor([1, 2, 3, 4], { device: g.device });
      await g.allReduce(t, 'sum');
      expect(Array.from(t.to('cpu').toArray() as Float32Array)).toEqual([1, 2, 3, 4]);
      const all = await g.allGather(t);
      expect(all.shape).toEqual([4]);
      const part = await g.reduceScatter(t, 'sum');
      expect(Array.from(part.to('cpu').toArray() as Float32Array)).toEqual([1, 2, 3, 4]);
    } finally {
      await g.destroy();
    }
  });

  it('the sharded trainer over NCCL (world 1) ends with the plain run\'s weights, fp32', async () => {
    const over = { device: GPU, dtype: 'float32', per_device_train_batch_size: 2, max_steps: 2, save_steps: 2, top_k: 20, beta: 0.04, full_determinism: true, reward_funcs: ['format', 'refuse_iou', SPREAD] };
    await new Trainer(tinyConfig(run, 'plain', over), { ...quiet, encoder: standInEncoder, dist: null }).train();
    const group = await initProcessGroup({ backend: 'nccl', device: GPU, env: await ncclEnv(), timeoutMs: 120_000 });
    try {
      const r = await new Trainer(tinyConfig(run, 'zero3', over), { ...quiet, encoder: standInEncoder, dist: distContext(group) }).train();
      expect(r.history.map((m) => m.skipped)).toEqual([0, 0]);
    } finally {
      await group.destroy();
    }
    const a = await weightsOf(join(run.root, 'plain', 'checkpoint-2', 'model.safetensors'));
    const b = await weightsOf(join(run.root, 'zero3', 'checkpoint-2', 'model.safetensors'));
    const init = await weightsOf(join(run.modelDir, 'model.safetensors'));
    let diff = 0, moved = 0;
    for (const [n, w] of a) {
      diff = Math.max(diff, maxAbsDiff(w, b.get(n)!));
      moved = Math.max(moved, maxAbsDiff(w, init.get(n)!));
    }
    console.log(`[gpu] ZeRO-3/NCCL world 1 vs plain: max |dw| = ${diff.toExponential(3)} (weights moved ${moved.toExponential(3)})`);
    expect(moved).toBeGreaterThan(1e-4);
    expect(diff).toBeLessThan(1e-5);
  });

  const twoGpus = HAS_GPU && cuda.deviceCount() >= 2;
  it.runIf(twoGpus)('two NCCL ranks on two GPUs train like one process (rarft-train --nproc-per-node 2)', () => {
    const cfg = join(run.root, 'two.json');
    const c = tinyConfig(run, 'two', { device: 'cuda', dtype: 'bfloat16', per_device_train_batch_size: 1, max_steps: 2, save_steps: 2, reward_funcs: ['format', 'refuse_iou'] });
    writeFileSync(cfg, JSON.stringify(c));
    const r = spawnSync(process.execPath, ['bin/rarft-train.js', '--config', cfg, '--nproc-per-node', '2'], { encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
  });
  if (HAS_GPU && !twoGpus) console.log(`[gpu suite] two-rank NCCL case not run: ${cuda.deviceCount()} GPU visible (NCCL needs one GPU per rank)`);
});
