// Device placement of the whole trainer, checked without a GPU: under the device audit (one simulated GPU) the config's
// `device: cuda` puts the model, the optimizer and every tensor a step makes on cuda:0 as labels, and any tensor left
// on the CPU that meets them throws as libtorch does on a real GPU ("Expected all tensors to be on the same device").
// Before the fix this failed at the first GRPO update: the advantages were built on the CPU (lib/grpo/policy-update.ts).
// The same scenarios run on a real GPU in test/gpu/training.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerReward, unregisterReward } from '../../lib/rewards/registry.js';
import { deviceAudit } from '../../lib/tensor/index.js';
import { trainingDevice } from '../../lib/trainer/training-device.js';
import { resumeBitForBit, sftThenGrpo } from './device-scenarios.js';
import { type TinyRun, makeTinyRun, standInEncoder } from './fixture.js';

const SPREAD = 'audit_chars';
let run: TinyRun;
beforeAll(async () => {
  deviceAudit.enable(1);
  run = await makeTinyRun(4);
  registerReward({ name: SPREAD, score: (cs) => cs.map((c) => c.length / 10) });
});
afterAll(() => {
  unregisterReward(SPREAD);
  deviceAudit.disable();
});

describe('the trainer on a simulated GPU (device audit)', () => {
  it('SFT then GRPO in bf16 with fp32 masters, optimizer state on the GPU', async () => {
    await sftThenGrpo(run, 'bf16-param', { device: 'cuda', dtype: 'bfloat16', optimizerStateDevice: 'param', encoder: standInEncoder, spreadReward: SPREAD });
  });

  it('SFT then GRPO in bf16 with the optimizer state offloaded to the CPU (optimizer_state_device: cpu)', async () => {
    await sftThenGrpo(run, 'bf16-offload', { device: 'cuda', dtype: 'bfloat16', optimizerStateDevice: 'cpu', encoder: standInEncoder, spreadReward: SPREAD });
  });

  it('resumes bit for bit, including a mid-cycle rollout batch (num_iterations 2) reloaded onto the GPU', async () => {
    await resumeBitForBit(run, 'resume', { device: 'cuda', dtype: 'float32', optimizerStateDevice: 'param', encoder: standInEncoder, spreadReward: SPREAD, numIterations: 2 });
  });

  it('issue 19\'s variants (dapo, GSPO ratios, delta, the entropy mask, dynamic sampling) keep every tensor on the GPU and resume bit for bit', async () => {
    // the token count, the sequence ratios and the entropy quantile are all computed from tensors the step made on cuda
    const extra = { loss_type: 'dapo', importance_sampling_level: 'sequence', delta: 1.5, top_entropy_quantile: 0.5, dynamic_sampling: { enabled: true, max_rounds: 2 } };
    await resumeBitForBit(run, 'variants', { device: 'cuda', dtype: 'float32', optimizerStateDevice: 'param', encoder: standInEncoder, spreadReward: SPREAD, numIterations: 2, extra });
  });

  it('a CUDA device the machine does not have is refused before anything loads, naming the field', () => {
    expect(trainingDevice({ device: 'cuda' }, null)).toBe('cuda');
    expect(() => trainingDevice({ device: 'cuda:3' }, null)).toThrow(/field "device".*cuda:3.*1 GPU\(s\) are visible/);
  });
});
