// ZeRO-3 device placement without GPUs: two ranks under the device audit with two simulated GPUs and `device: cuda`.
// Each rank must train on its own GPU (cuda:LOCAL_RANK, not every rank on cuda:0) and hand its collectives only
// tensors on that GPU, as NCCL demands (a Gloo group stands in for NCCL and holds them to it). Before the fix the
// trainer's agreement flags and metric sums were CPU tensors and the first collective failed. The run ends with the
// weights of one simulated-GPU process.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { TrainConfig } from '../../lib/config/schema.js';
import { deviceAudit } from '../../lib/tensor/index.js';
import { train } from '../../lib/trainer/trainer.js';
import { type TinyRun, maxAbsDiff, readJsonl, tinyConfig, weightsOf } from '../trainer/fixture.js';
import { launchTrainerRanks, setUpTinyRun } from './trainer-runs.js';
import { CHARS_REWARD } from './workers/chars-reward.js';

let run: TinyRun;
beforeAll(() => deviceAudit.enable(2));
afterAll(() => deviceAudit.disable());
setUpTinyRun([CHARS_REWARD], (r) => (run = r));

const cfgFor = (name: string, perDevice: number, extra: Record<string, unknown> = {}): TrainConfig =>
  tinyConfig(run, name, { device: 'cuda', per_device_train_batch_size: perDevice, max_steps: 2, save_steps: 2, beta: 0.04, top_k: 20, reward_funcs: ['format', 'refuse_iou', CHARS_REWARD.name], ...extra });

/** The ranks under the device audit with 2 simulated GPUs each. */
const launchAudited = (cfg: TrainConfig) => launchTrainerRanks(run, cfg, { RARFT_SIMULATE_CUDA: '2' });

describe('ZeRO-3 on two simulated GPUs', () => {
  it('puts rank r on cuda:r with NCCL-style collectives and ends with the 1-process weights', async () => {
    await train(cfgFor('one', 2), { progress: null, log: () => {}, dist: null });
    const lines = await launchAudited(cfgFor('two', 1));
    expect(lines.join('\n')).toMatch(/\[rank 0\] zero3 rank 0\/2 on cuda:0 \(collectives: gloo on cuda:0\)/);
    expect(lines.join('\n')).toMatch(/\[rank 1\] zero3 rank 1\/2 on cuda:1 \(collectives: gloo on cuda:1\)/);

    const init = await weightsOf(join(run.modelDir, 'model.safetensors'));
    const one = await weightsOf(join(run.root, 'one', 'checkpoint-2', 'model.safetensors'));
    const two = await weightsOf(join(run.root, 'two', 'checkpoint-2', 'model.safetensors'));
    let diff = 0, moved = 0;
    for (const [n, w] of one) {
      diff = Math.max(diff, maxAbsDiff(w, two.get(n)!));
      moved = Math.max(moved, maxAbsDiff(w, init.get(n)!));
    }
    expect(moved).toBeGreaterThan(1e-3);
    expect(diff).toBeLessThan(1e-5);
  }, 600_000);

  it('dapo and dynamic sampling: the token-count and shortfall all-reduces use each rank\'s GPU', async () => {
    // a CPU tensor handed to a collective, or meeting the rank's cuda tensors, fails the run under the audit
    const cfg = cfgFor('variants', 1, { loss_type: 'dapo', reward_funcs: ['test_zero_std_refusable'], dynamic_sampling: { enabled: true, max_rounds: 3 } });
    const lines = await launchAudited(cfg);
    const m = readJsonl(join(cfg.output_dir, 'metrics.jsonl'));
    expect(m.map((r) => r.skipped_steps)).toEqual([0, 0]);
    expect(m.every((r) => typeof r['dynamic_sampling/rounds'] === 'number' && Number.isFinite(r.loss))).toBe(true);
  }, 600_000);
});
