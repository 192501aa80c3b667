/**
 * Training scenarios parametrised by device, shared by two suites:
 *   test/trainer/device-audit.test.ts  on simulated GPUs (the device audit: CUDA tensors are labelled CPU tensors and
 *                                      any CPU/CUDA mix throws), so every CPU machine checks device placement;
 *   test/gpu/training.test.ts          on a real GPU (bf16 numerics, the CUDA kernels, NCCL).
 * Each scenario asserts what it claims itself; the callers only pick the device and the sizes.
 */
import { join } from 'node:path';
import { expect } from 'vitest';

import type { Overrides } from '../../lib/config/load.js';
import type { TrainResult } from '../../lib/trainer/index.js';
import { Trainer } from '../../lib/trainer/index.js';
import type { SentenceEncoder } from '../../lib/rewards/sentence-encoder.js';
import { type TinyRun, quiet, tinyConfig, weightsOf } from './fixture.js';
import { expectSameRun, expectTrained } from './same-run.js';

export interface DeviceRunOptions {
  device: string;
  dtype: 'float32' | 'bfloat16';
  optimizerStateDevice: 'param' | 'cpu';
  /** Reward encoder; default: the trainer loads SBERT on `device` (needs the weights: npm run setup). */
  encoder?: SentenceEncoder;
  /** A reward with spread on an untrained model (registered by the caller) so every step has non-zero advantages. */
  spreadReward: string;
  steps?: number;
  /** full_determinism (deterministic kernels: what bit-exact resume needs on a GPU). */
  fullDeterminism?: boolean;
  /** Further config values (e.g. issue 19's loss options), applied last. */
  extra?: Overrides;
}

function runOverrides(o: DeviceRunOptions, extra: Overrides = {}): Overrides {
  return {
    device: o.device,
    dtype: o.dtype,
    optimizer_state_device: o.optimizerStateDevice,
    full_determinism: o.fullDeterminism ?? false,
    per_device_train_batch_size: 2,
    top_k: 20,
    beta: 0.04,
    reward_funcs: ['format', 'refuse_iou', 'explain_correction', o.spreadReward],
    reward_weights: [1, 1, 0.5, 1],
    ...extra,
    ...o.extra,
  };
}

const trainerOpts = (o: DeviceRunOptions) => ({ ...quiet, ...(o.encoder ? { encoder: o.encoder } : {}) });

/**
 * The supervised warm-up, then GRPO from its checkpoint, on `device`: every step of both stages runs (none skipped),
 * the GRPO steps have a finite loss and non-zero reward spread, and the weights move in both stages.
 */
export async function sftThenGrpo(run: TinyRun, name: string, o: DeviceRunOptions): Promise<{ sft: TrainResult; grpo: TrainResult }> {
  const steps = o.steps ?? 2;
  const sftCfg = tinyConfig(run, `${name}-sft`, runOverrides(o, { max_steps: steps, save_steps: steps, freeze: [], unfreeze: [] }));
  const sft = await new Trainer(sftCfg, { ...trainerOpts(o), stage: 'sft' }).train();
  expect(sft.history.map((m) => m.skipped)).toEqual(Array(steps).fill(0));
  expect(sft.history.every((m) => Number.isFinite(m.loss as number))).toBe(true);
  const sftDir = sft.lastCheckpoint!.path;

  const grpoCfg = tinyConfig(run, `${name}-grpo`, runOverrides(o, { model_path: sftDir, max_steps: steps, save_steps: steps }));
  const grpo = await new Trainer(grpoCfg, trainerOpts(o)).train();
  expect(grpo.history.map((m) => m.skip_reason ?? m.skipped)).toEqual(Array(steps).fill(0));
  for (const m of grpo.history) {
    expect(Number.isFinite(m.loss as number)).toBe(true);
    expect(m.reward_std as number).toBeGreaterThan(0);
    expect(Number.isFinite(m.grad_norm as number)).toBe(true);
  }
  const init = await weightsOf(join(run.modelDir, 'model.safetensors'));
  const afterSft = await weightsOf(join(sftDir, 'model.safetensors'));
  const afterGrpo = await weightsOf(join(grpo.lastCheckpoint!.path, 'model.safetensors'));
  const head = 'lm_head.weight';
  expect(Buffer.from(afterSft.get(head)!.buffer).equals(Buffer.from(init.get(head)!.buffer))).toBe(false);
  expect(Buffer.from(afterGrpo.get(head)!.buffer).equals(Buffer.from(afterSft.get(head)!.buffer))).toBe(false);
  return { sft, grpo };
}

/**
 * 4 GRPO steps straight == 2 steps, an abort, `resume_from_checkpoint: latest` and 2 more, bit for bit in the final
 * weights and every logged metric but wall times. With `numIterations` 2 and save_steps 1 a checkpoint falls mid-cycle,
 * so the stored rollout batch (old and reference log-probs) is reloaded onto `device` too.
 */
export async function resumeBitForBit(run: TinyRun, name: string, o: DeviceRunOptions & { numIterations?: number }): Promise<void> {
  const mu = o.numIterations ?? 1;
  const over = runOverrides(o, { max_steps: 4, save_steps: mu > 1 ? 1 : 2, num_iterations: mu, max_completion_length: 6 });
  const straight = tinyConfig(run, `${name}-straight`, over);
  const whole = await new Trainer(straight, trainerOpts(o)).train();
  expect(whole.history.map((m) => m.skip_reason ?? m.skipped)).toEqual([0, 0, 0, 0]);

  const split = tinyConfig(run, `${name}-split`, over);
  const ctl = new AbortController();
  const stopAt = mu > 1 ? 3 : 2; // with num_iterations 2, step 3 is the first use of the batch generated at step 3
  const first = await new Trainer(split, { ...trainerOpts(o), signal: ctl.signal, onStep: (e) => e.step === stopAt && ctl.abort() }).train();
  expect(first.stopped).toBe('aborted');
  expect(first.globalStep).toBe(stopAt);
  const second = await new Trainer({ ...split, resume_from_checkpoint: 'latest' }, trainerOpts(o)).train();
  expect(second.stopped).toBe('completed');
  expect(second.history).toHaveLength(4 - stopAt);

  await expectTrained(run.modelDir, await expectSameRun(straight.output_dir, split.output_dir));
}
