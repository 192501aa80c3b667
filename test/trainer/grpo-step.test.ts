// One GRPO step end to end on the tiny random Qwen2.5-VL: rollouts -> rewards -> loss -> AdamW. Trainable weights
// move, the frozen vision tower does not (fix_vit: visual.* frozen except visual.merger), and the run folder holds
// what the docs promise: metrics with the reference's names, TensorBoard events, sampled completions, and a complete
// checkpoint (HF model files, tokenizer + chat template, optimizer, trainer state, `latest`).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerReward, unregisterReward } from '../../lib/rewards/registry.js';
import { loadTextTokenizer } from '../../lib/text/tokenizer.js';
import { Trainer, type StepEvent } from '../../lib/trainer/index.js';
import { type TinyRun, makeTinyRun, maxAbsDiff, readJsonl, tinyConfig, weightsOf } from './fixture.js';

let run: TinyRun;
beforeAll(async () => {
  run = await makeTinyRun();
  // a reward with spread on an untrained model (its completions differ in length), so the advantages are not all 0
  registerReward({ name: 'test_chars', score: (cs) => cs.map((c) => c.length / 10) });
});
afterAll(() => unregisterReward('test_chars'));

describe('GRPO step on the tiny model', () => {
  it('updates the trainable weights, leaves the frozen vision tower alone, and writes a complete run folder', async () => {
    const cfg = tinyConfig(run, 'grpo1', { max_steps: 1, reward_funcs: ['format', 'refuse_iou', 'test_chars'] });
    const events: StepEvent[] = [];
    const r = await new Trainer(cfg, { progress: null, log: () => {}, onStep: (e) => events.push(e) }).train();
    expect(r.stopped).toBe('completed');
    expect(r.globalStep).toBe(1);
    const m = events[0]!.metrics;
    expect(m.skipped).toBe(0);
    for (const k of ['reward', 'reward_std', 'rewards/format', 'rewards/refuse_iou', 'rewards/test_chars', 'loss', 'kl', 'grad_norm', 'learning_rate', 'completion_length', 'generation_entropy'])
      expect(Number.isFinite(m[k]), k).toBe(true);
    expect(m.reward_std as number).toBeGreaterThan(0);
    expect(m.learning_rate).toBe(1e-3);
    expect(m['rollout/prefix_shared']).toBe(1); // one prefill per prompt, KV cache forked G ways
    for (const k of ['time/video', 'time/generate', 'time/reward', 'time/logprob', 'time/ref', 'time/backward', 'time/step']) expect(m[k] as number, k).toBeGreaterThan(0);

    const before = await weightsOf(join(run.modelDir, 'model.safetensors'));
    const ck = join(cfg.output_dir, 'checkpoint-1');
    const after = await weightsOf(join(ck, 'model.safetensors'));
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const n of ['lm_head.weight', 'model.layers.0.self_attn.q_proj.weight', 'model.embed_tokens.weight', 'visual.merger.mlp.2.weight'])
      expect(maxAbsDiff(after.get(n)!, before.get(n)!), n).toBeGreaterThan(0);
    for (const n of before.keys())
      if (n.startsWith('visual.') && !n.startsWith('visual.merger.')) expect(maxAbsDiff(after.get(n)!, before.get(n)!), n).toBe(0);

    // the checkpoint is a usable model folder plus the training state
    for (const f of ['config.json', 'model.safetensors', 'tokenizer.json', 'tokenizer_config.json', 'chat_template.jinja', 'optimizer.safetensors', 'trainer_state.json', 'run_info.json'])
      expect(existsSync(join(ck, f)), f).toBe(true);
    expect(readFileSync(join(cfg.output_dir, 'latest'), 'utf8').trim()).toBe('checkpoint-1');
    expect(loadTextTokenizer(ck).chatTemplateSource).toBe('chat_template.jinja');
    const state = JSON.parse(readFileSync(join(ck, 'trainer_state.json'), 'utf8')) as { global_step: number; rng: Record<string, string>; data_cursor: { index: number } };
    expect(state.global_step).toBe(1);
    expect(Object.keys(state.rng)).toEqual(['sampling']);
    expect(state.data_cursor.index).toBe(1);

    const rec = readJsonl(join(cfg.output_dir, 'metrics.jsonl'));
    expect(rec).toHaveLength(1);
    expect(rec[0]).toMatchObject({ step: 1, stage: 'grpo', skipped_steps: 0 });
    expect(rec[0]!.reward).toBeCloseTo(m.reward as number, 12);
    const comp = readJsonl(join(cfg.output_dir, 'completions.jsonl'));
    expect(comp[0]!.step).toBe(1);
    const sample = (comp[0]!.samples as { completions: string[]; total: number[] }[])[0]!;
    expect(sample.completions).toHaveLength(4);
    expect(sample.total).toHaveLength(4);
    expect(readdirSync(cfg.output_dir).some((f) => f.startsWith('events.out.tfevents'))).toBe(true);
    expect(existsSync(join(cfg.output_dir, 'config.yaml'))).toBe(true);
  });

  it('SFT stage: teacher-forced loss on the reference answers goes down over a few steps', async () => {
    const cfg = tinyConfig(run, 'sft1', { max_steps: 6, learning_rate: 3e-3, per_device_train_batch_size: 2, lr_scheduler_type: 'constant' });
    const r = await new Trainer(cfg, { stage: 'sft', progress: null, log: () => {} }).train();
    const losses = r.history.map((m) => m.loss as number);
    expect(losses).toHaveLength(6);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[5]!).toBeLessThan(losses[0]! - 0.5);
    expect(JSON.parse(readFileSync(join(cfg.output_dir, 'checkpoint-6', 'run_info.json'), 'utf8')).stage).toBe('sft');
  });
});
