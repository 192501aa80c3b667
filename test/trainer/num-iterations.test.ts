// num_iterations = μ > 1 (TRL's replay of a rollout batch): one generation feeds μ optimizer steps with the
// old-policy log-probs of generation time, so from the second iteration on the ratio is no longer 1; the data cursor
// advances once per batch; a checkpoint taken mid-cycle stores the batch and a resume replays it bit for bit.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerReward, unregisterReward } from '../../lib/rewards/registry.js';
import { Trainer } from '../../lib/trainer/index.js';
import { readTrainerState } from '../../lib/checkpoint/trainer-state.js';
import { type TinyRun, makeTinyRun, quiet, readJsonl, tinyConfig } from './fixture.js';
import { expectSameRun, expectTrained } from './same-run.js';

let run: TinyRun;
beforeAll(async () => {
  run = await makeTinyRun(3);
  registerReward({ name: 'mu_chars', score: (cs) => cs.map((c) => c.length / 10) });
});
afterAll(() => unregisterReward('mu_chars'));

const over = { num_iterations: 2, max_steps: 4, save_steps: 2, per_device_train_batch_size: 2, max_completion_length: 6, top_k: 20, learning_rate: 3e-3, reward_funcs: ['format', 'refuse_iou', 'mu_chars'] };

describe('num_iterations > 1', () => {
  it('generates every μ steps, replays with the old log-probs, and advances the data once per batch', async () => {
    const cfg = tinyConfig(run, 'mu', over);
    const r = await new Trainer(cfg, quiet).train();
    expect(r.globalStep).toBe(4);
    const m = r.history;
    expect(m.map((x) => x['rollout/iteration'])).toEqual([1, 2, 1, 2]);
    // generation (and old/ref log-probs) only at iteration 1
    expect(m.map((x) => Number(x['time/generate'] ?? 0) > 0)).toEqual([true, false, true, false]);
    expect(m.map((x) => Number(x['time/old_logprob'] ?? 0) > 0)).toEqual([true, false, true, false]);
    // the replayed batch has the same rewards; its policy moved, so the ratio left 1 and the KL grew from 0
    expect(m[1]!.reward).toBe(m[0]!.reward);
    expect(m[0]!.kl as number).toBeLessThan(1e-6);
    expect(m[1]!.kl as number).toBeGreaterThan(1e-7);
    const completions = readJsonl(join(cfg.output_dir, 'completions.jsonl'));
    expect(completions.map((c) => c.step)).toEqual([1, 3]);
    // 2 batches of 2 prompts taken from the cursor in 4 steps: where 2 on-policy steps leave it
    const onPolicy = tinyConfig(run, 'mu-1', { ...over, num_iterations: 1, max_steps: 2 });
    await new Trainer(onPolicy, quiet).train();
    expect(readTrainerState(join(cfg.output_dir, 'checkpoint-4')).data_cursor).toEqual(readTrainerState(join(onPolicy.output_dir, 'checkpoint-2')).data_cursor);
    // checkpoint-2 ends a cycle: no buffer; it never holds a stale batch
    expect(existsSync(join(cfg.output_dir, 'checkpoint-2', 'rollout_buffer.rank0.safetensors'))).toBe(false);
  });

  it('a checkpoint taken mid-cycle keeps the batch: 4 straight steps == 3 steps + abort + resume, bit for bit', async () => {
    const straight = tinyConfig(run, 'mu-straight', over);
    await new Trainer(straight, quiet).train();
    const split = tinyConfig(run, 'mu-split', over);
    const ctl = new AbortController();
    const first = await new Trainer(split, { ...quiet, signal: ctl.signal, onStep: (e) => e.step === 3 && ctl.abort() }).train();
    expect(first.globalStep).toBe(3);
    expect(existsSync(join(split.output_dir, 'checkpoint-3', 'rollout_buffer.rank0.safetensors'))).toBe(true);
    const second = await new Trainer({ ...split, resume_from_checkpoint: 'latest' }, quiet).train();
    expect(second.history.map((x) => x['rollout/iteration'])).toEqual([2]);
    await expectTrained(run.modelDir, await expectSameRun(straight.output_dir, split.output_dir));
  });
});
