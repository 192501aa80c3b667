// Dynamic sampling in the trainer on the tiny Qwen2.5-VL (CPU). A reward that is constant on refusable prompts makes
// their groups zero-std, so steps drop them and draw fresh prompts from the data cursor in further rounds. Checked:
// every step trains on per_device_train_batch_size groups, informative whenever the rounds allowed; the metrics say
// how many rounds ran and what fraction of the sampled groups had zero std; the cursor moved past what the steps
// alone take; and 4 straight steps == 2 steps + abort + resume + 2 steps, bit for bit (the extra draws come from the
// checkpointed sampling RNG and data cursor).
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
  // refusable prompts: every completion scores 0.5 (zero std); answerable ones: by length (spread on a random model)
  registerReward({ name: 'ds_chars', score: (cs, ex) => cs.map((c) => (ex.task_type === 'refusable' ? 0.5 : c.length / 10)) });
  // a small spread on every completion (the total then never has exactly zero std)
  registerReward({ name: 'ds_jitter', score: (cs) => cs.map((_c, i) => 1e-3 * i) });
});
afterAll(() => {
  unregisterReward('ds_chars');
  unregisterReward('ds_jitter');
});

const over = {
  max_steps: 4, save_steps: 2, per_device_train_batch_size: 2, max_completion_length: 6, top_k: 20, learning_rate: 3e-3,
  reward_funcs: ['ds_chars'], loss_type: 'dapo', dynamic_sampling: { enabled: true, max_rounds: 4 },
};
type Sample = { total: number[]; trained?: boolean; task_type: string };

describe('dynamic sampling in the trainer', () => {
  it('replaces zero-std groups with fresh prompts, logs rounds and frac_reward_zero_std, and resumes bit for bit', async () => {
    const straight = tinyConfig(run, 'ds-straight', over);
    const r = await new Trainer(straight, quiet).train();
    const m = r.history;
    expect(m.every((x) => x.skipped === 0)).toBe(true);
    const rounds = m.map((x) => x['dynamic_sampling/rounds'] as number);
    expect(Math.max(...rounds)).toBeGreaterThan(1);
    const steps = readJsonl(join(straight.output_dir, 'completions.jsonl')) as { step: number; samples: Sample[] }[];
    expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4]);
    let extra = 0;
    for (const [i, s] of steps.entries()) {
      const trained = s.samples.filter((x) => x.trained);
      expect(trained, `step ${i + 1}`).toHaveLength(2);
      const zero = s.samples.filter((x) => x.total.every((v) => v === x.total[0]));
      // frac_reward_zero_std is over every sampled group (before filtering)
      expect(m[i]!.frac_reward_zero_std).toBeCloseTo(zero.length / s.samples.length, 12);
      // informative groups first; a zero-std one is trained only when the rounds ran out (filled)
      const filled = trained.filter((x) => x.total.every((v) => v === x.total[0])).length;
      expect(filled).toBe(m[i]!['dynamic_sampling/filled']);
      if (filled) expect(rounds[i]).toBe(4);
      // dropped groups are all zero-std ones
      expect(s.samples.filter((x) => !x.trained).every((x) => x.total.every((v) => v === x.total[0]))).toBe(true);
      expect(m[i]!['dynamic_sampling/extra_prompts']).toBe(s.samples.length - 2);
      extra += s.samples.length - 2;
    }
    console.log(`[ds] rounds ${rounds.join(",")} extra ${extra} frac ${m.map((x) => x.frac_reward_zero_std).join(",")} filled ${m.map((x) => x["dynamic_sampling/filled"]).join(",")} loss ${m.map((x) => x.loss).join(",")}`);
    expect(extra).toBeGreaterThan(0);
    // the cursor took the steps' 8 prompts plus every extra draw
    const cur = readTrainerState(join(straight.output_dir, 'checkpoint-4')).data_cursor;
    expect(cur.epoch * 6 + cur.index).toBe(8 + extra);

    const split = tinyConfig(run, 'ds-split', over);
    const ctl = new AbortController();
    const first = await new Trainer(split, { ...quiet, signal: ctl.signal, onStep: (e) => e.step === 2 && ctl.abort() }).train();
    expect(first.globalStep).toBe(2);
    const second = await new Trainer({ ...split, resume_from_checkpoint: 'latest' }, quiet).train();
    expect(second.history).toHaveLength(2);
    const a = await expectSameRun(straight.output_dir, split.output_dir);
    expect(readJsonl(join(split.output_dir, 'completions.jsonl'))).toEqual(steps);
    expect(readTrainerState(join(split.output_dir, 'checkpoint-4')).data_cursor).toEqual(cur);
    await expectTrained(run.modelDir, a);
  });

  it('with num_iterations 2 a mid-cycle checkpoint stores each kept group\'s own draw: 4 straight == 3 + resume', async () => {
    // the kept groups come from several rounds, so they are not one contiguous draw: the buffer records each one's
    const mu = { ...over, num_iterations: 2, max_steps: 4, save_steps: 1 };
    const straight = tinyConfig(run, 'ds-mu-straight', mu);
    const r = await new Trainer(straight, quiet).train();
    expect(r.history.map((x) => x['rollout/iteration'])).toEqual([1, 2, 1, 2]);
    console.log(`[ds-mu] rounds ${r.history.map((x) => x['dynamic_sampling/rounds']).join(',')}`);
    // the batch the checkpoint at step 3 holds came from more than one round (its groups are not one contiguous draw)
    expect(r.history[2]!['dynamic_sampling/rounds']).toBeGreaterThan(1);
    const split = tinyConfig(run, 'ds-mu-split', mu);
    const ctl = new AbortController();
    await new Trainer(split, { ...quiet, signal: ctl.signal, onStep: (e) => e.step === 3 && ctl.abort() }).train();
    const second = await new Trainer({ ...split, resume_from_checkpoint: 'latest' }, quiet).train();
    expect(second.history.map((x) => x['rollout/iteration'])).toEqual([2]);
    await expectSameRun(straight.output_dir, split.output_dir);
  });

  it('dynamic_sampling.reward judges groups by one reward: with a jittered total only that filter drops them', async () => {
    const base = { ...over, max_steps: 2, save_steps: 10, reward_funcs: ['ds_chars', 'ds_jitter'] };
    const byTotal = await new Trainer(tinyConfig(run, 'ds-total', base), quiet).train();
    const byReward = await new Trainer(tinyConfig(run, 'ds-reward', { ...base, dynamic_sampling: { enabled: true, max_rounds: 4, reward: 'ds_chars' } }), quiet).train();
    const frac = (r: typeof byTotal, k: string) => r.history.map((x) => x[k] as number);
    // the total is never constant: nothing dropped, one round
    expect(frac(byTotal, 'dynamic_sampling/frac_dropped')).toEqual([0, 0]);
    expect(frac(byTotal, 'dynamic_sampling/rounds')).toEqual([1, 1]);
    // judged by ds_chars the refusable groups (constant 0.5) are dropped and replaced
    expect(Math.max(...frac(byReward, 'dynamic_sampling/frac_dropped'))).toBeGreaterThan(0);
    expect(Math.max(...frac(byReward, 'dynamic_sampling/rounds'))).toBeGreaterThan(1);
    const steps = readJsonl(join(byReward.outputDir, 'completions.jsonl')) as { samples: (Sample & { rewards: Record<string, number[]> })[] }[];
    for (const s of steps) {
      const trained = s.samples.filter((x) => x.trained);
      expect(trained).toHaveLength(2);
      for (const x of s.samples.filter((y) => !y.trained)) expect(x.rewards.ds_chars!.every((v) => v === x.rewards.ds_chars![0])).toBe(true);
    }
  });
});
