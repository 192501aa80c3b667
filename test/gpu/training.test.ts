// The trainer on a real GPU (the GPU-training issue's "done"): the supervised warm-up then GRPO in bf16 with fp32
// masters, with the optimizer state on the GPU and offloaded to the CPU; resume bit for bit on CUDA (with
// full_determinism, including a mid-cycle num_iterations batch); and the built-in demo's two stages on the GPU.
// The same scenarios run on simulated GPUs in every CPU suite (test/trainer/device-audit.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runDemo } from '../../lib/demo/run-demo.js';
import { registerReward, unregisterReward } from '../../lib/rewards/registry.js';
import { resumeBitForBit, sftThenGrpo } from '../trainer/device-scenarios.js';
import { type TinyRun, makeTinyRun } from '../trainer/fixture.js';
import { GPU, HAS_GPU, skipNote } from './gpu.js';

const SPREAD = 'gpu_chars';
let run: TinyRun;

describe.runIf(HAS_GPU)(`GRPO training on ${GPU}${skipNote()}`, () => {
  beforeAll(async () => {
    run = await makeTinyRun(4);
    registerReward({ name: SPREAD, score: (cs) => cs.map((c) => c.length / 10) });
  });
  afterAll(() => unregisterReward(SPREAD));

  // explain_correction uses the real SBERT, loaded by the trainer on the GPU
  it('SFT then GRPO in bf16 with fp32 masters, optimizer state on the GPU', async () => {
    const { grpo } = await sftThenGrpo(run, 'bf16-param', { device: GPU, dtype: 'bfloat16', optimizerStateDevice: 'param', spreadReward: SPREAD, steps: 3 });
    console.log(`[gpu] bf16 GRPO step times (s): ${grpo.history.map((m) => (m['time/step'] as number).toFixed(3)).join(', ')}`);
  });

  it('SFT then GRPO in bf16 with the optimizer state offloaded to the CPU', async () => {
    await sftThenGrpo(run, 'bf16-offload', { device: GPU, dtype: 'bfloat16', optimizerStateDevice: 'cpu', spreadReward: SPREAD, steps: 3 });
  });

  it('resumes bit for bit on the GPU (full_determinism), fp32', async () => {
    await resumeBitForBit(run, 'resume-fp32', { device: GPU, dtype: 'float32', optimizerStateDevice: 'param', spreadReward: SPREAD, fullDeterminism: true });
  });

  it('resumes bit for bit on the GPU in bf16 with a mid-cycle rollout batch (num_iterations 2)', async () => {
    await resumeBitForBit(run, 'resume-bf16-mu2', { device: GPU, dtype: 'bfloat16', optimizerStateDevice: 'param', spreadReward: SPREAD, fullDeterminism: true, numIterations: 2 });
  });

  it('the built-in demo runs both stages on the GPU', async () => {
    const s = await runDemo({ outputDir: `${run.root}/demo`, sftSteps: 8, grpoSteps: 3, saveSteps: 100, overrides: { device: GPU, dtype: 'bfloat16' }, progress: null, log: () => {} });
    expect(s.stopped).toBe('completed');
    expect(s.sft.steps).toBe(8);
    expect(s.grpo.steps).toBe(3);
    expect(s.grpo.skipped).toBe(0);
    expect(Number.isFinite(s.sft.lastLoss)).toBe(true);
    console.log(`[gpu] demo: sft ${s.sft.seconds.toFixed(1)} s, grpo ${s.grpo.seconds.toFixed(1)} s`);
  });
});
