// Exact resume on the tiny Qwen2.5-VL (CPU): 4 GRPO steps straight == 2 steps, an abort (the CLI's SIGINT path),
// then `resume_from_checkpoint: latest` for the remaining 2, bit for bit in the final weights and in every logged
// metric except wall times. This covers the sampling RNG, the data cursor (and its per-step negative draws), the
// AdamW moments, the LR schedule position and the log truncation. A separate case: an abort between save_steps
// still leaves a checkpoint of the last finished step.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerReward, unregisterReward } from '../../lib/rewards/registry.js';
import { Trainer } from '../../lib/trainer/index.js';
import { type TinyRun, makeTinyRun, quiet, readJsonl, standInEncoder as encoder, tinyConfig, weightsOf } from './fixture.js';
import { expectSameRun, expectTrained } from './same-run.js';

let run: TinyRun;
beforeAll(async () => {
  run = await makeTinyRun(3);
  // spread on an untrained model's completions, so every step has non-zero advantages and really moves the weights
  registerReward({ name: 'resume_chars', score: (cs) => cs.map((c) => c.length / 10) });
});
afterAll(() => unregisterReward('resume_chars'));

describe('resume', () => {
  it('4 straight steps equal 2 steps + abort + resume + 2 steps, bit for bit', async () => {
    const over = { max_steps: 4, save_steps: 2, per_device_train_batch_size: 2, max_completion_length: 6, top_k: 20, reward_funcs: ['format', 'refuse_iou', 'explain_correction', 'resume_chars'], reward_weights: [1, 1, 0.5, 1] };
    // explain_correction with a deterministic stand-in encoder keeps SBERT out of this test (lib/sbert has its own)
    const straight = tinyConfig(run, 'straight', over);
    await new Trainer(straight, { ...quiet, encoder }).train();

    const split = tinyConfig(run, 'split', over);
    const ctl = new AbortController();
    const first = await new Trainer(split, { ...quiet, encoder, signal: ctl.signal, onStep: (e) => e.step === 2 && ctl.abort() }).train();
    expect(first.stopped).toBe('aborted');
    expect(first.globalStep).toBe(2);
    const second = await new Trainer({ ...split, resume_from_checkpoint: 'latest' }, { ...quiet, encoder }).train();
    expect(second.stopped).toBe('completed');
    expect(second.history).toHaveLength(2);

    const a = await expectSameRun(straight.output_dir, split.output_dir);
    expect(readJsonl(join(split.output_dir, 'completions.jsonl'))).toEqual(readJsonl(join(straight.output_dir, 'completions.jsonl')));
    // the run really trained: weights moved from the initial checkpoint, and between checkpoint-2 and -4
    const mid = await weightsOf(join(split.output_dir, 'checkpoint-2', 'model.safetensors'));
    expect(Buffer.from(mid.get('lm_head.weight')!.buffer).equals(Buffer.from(a.get('lm_head.weight')!.buffer))).toBe(false);
    expect(readJsonl(join(straight.output_dir, 'metrics.jsonl')).every((r) => (r.reward_std as number) > 0)).toBe(true);
    await expectTrained(run.modelDir, a);
  });

  it('an abort between save_steps writes a checkpoint of the last finished step; resume refuses the other stage', async () => {
    const cfg = tinyConfig(run, 'abort', { max_steps: 5, save_steps: 10 });
    const ctl = new AbortController();
    const r = await new Trainer(cfg, { ...quiet, signal: ctl.signal, onStep: (e) => e.step === 1 && ctl.abort() }).train();
    expect(r.stopped).toBe('aborted');
    expect(r.lastCheckpoint?.name).toBe('checkpoint-1');
    expect(existsSync(join(cfg.output_dir, 'checkpoint-1', 'optimizer.safetensors'))).toBe(true);
    expect(readFileSync(join(cfg.output_dir, 'latest'), 'utf8').trim()).toBe('checkpoint-1');
    await expect(new Trainer({ ...cfg, resume_from_checkpoint: 'latest' }, { ...quiet, stage: 'sft' }).train()).rejects.toThrow(
      /checkpoint-1.*resume_from_checkpoint.*stage "grpo", this run is stage "sft"/,
    );
  });
});
