// Issue 19's options over 2 Gloo processes (ZeRO-3), where they need the ranks to agree:
//  * loss_type dapo normalises by the active tokens of the whole global batch: the ranks all-reduce their token counts
//    before backward, so 2 processes × 1 prompt end with the 1-process × 2 prompts weights. A rank-local normaliser
//    would instead give the mean of the two prompts' token means, i.e. what rarft_token_mean gives in 1 process; the
//    test checks that this differs (the prompts' token counts differ), so the comparison can fail.
//  * dynamic sampling: every rank runs the same refill rounds (the largest shortfall over ranks) and trains on the
//    same number of groups, so the collectives of generation and of the update line up; the data cursor moves by the
//    steps' prompts plus every round's extra draws.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import type { TrainConfig } from '../../lib/config/schema.js';
import { dispose } from '../../lib/tensor/index.js';
import { train } from '../../lib/trainer/trainer.js';
import { readTrainerState } from '../../lib/checkpoint/trainer-state.js';
import { type TinyRun, readJsonl, tinyConfig } from '../trainer/fixture.js';
import { launchTrainerRanks, maxDiff, setUpTinyRun, weights } from './trainer-runs.js';
import { CHARS_REWARD, ZERO_STD_ON_REFUSABLE } from './workers/chars-reward.js';

let run: TinyRun;
setUpTinyRun([CHARS_REWARD, ZERO_STD_ON_REFUSABLE], (r) => (run = r));

const cfgFor = (name: string, extra: Record<string, unknown> = {}): TrainConfig =>
  tinyConfig(run, name, { per_device_train_batch_size: 2, max_steps: 2, save_steps: 1, beta: 0.04, top_k: 20, max_completion_length: 12, reward_funcs: ['format', 'test_chars'], ...extra });

describe('GRPO variants over 2 Gloo processes', () => {
  it('dapo: 2 processes × 1 prompt equal 1 process × 2 prompts (the token count is all-reduced)', async () => {
    await train(cfgFor('dapo-one', { loss_type: 'dapo' }), { progress: null, log: () => {}, dist: null });
    await train(cfgFor('mean-one', { loss_type: 'rarft_token_mean' }), { progress: null, log: () => {}, dist: null });
    await launchTrainerRanks(run, cfgFor('dapo-two', { loss_type: 'dapo' }));
    const dapoOne = await weights(join(run.root, 'dapo-one', 'checkpoint-2'));
    const meanOne = await weights(join(run.root, 'mean-one', 'checkpoint-2'));
    const dapoTwo = await weights(join(run.root, 'dapo-two', 'checkpoint-2'));
    const same = maxDiff(dapoOne, dapoTwo);
    const apart = maxDiff(dapoOne, meanOne);
    console.log(`[dapo] max |w_1proc - w_2proc| = ${same.toExponential(3)}; dapo vs rarft_token_mean in 1 process: ${apart.toExponential(3)}`);
    expect(same).toBeLessThan(1e-5);
    expect(apart).toBeGreaterThan(100 * Math.max(same, 1e-7));
    for (const m of [dapoOne, meanOne, dapoTwo]) dispose([...m.values()]);
  }, 600_000);

  it('dynamic sampling: both ranks run the same rounds and train; the cursor moves by the extra draws', async () => {
    const cfg = cfgFor('ds-two', { max_steps: 3, loss_type: 'dapo', reward_funcs: ['test_zero_std_refusable'], dynamic_sampling: { enabled: true, max_rounds: 3 } });
    const lines = await launchTrainerRanks(run, cfg);
    expect(lines.filter((l) => /done step 3 completed/.test(l))).toHaveLength(2);
    const m = readJsonl(join(cfg.output_dir, 'metrics.jsonl'));
    expect(m.map((r) => r.skipped_steps)).toEqual([0, 0, 0]);
    const rounds = m.map((r) => r['dynamic_sampling/rounds'] as number);
    const extra = m.map((r) => r['dynamic_sampling/extra_prompts'] as number);
    console.log(`[ds] 2 ranks: rounds ${rounds.join(',')}, extra prompts ${extra.join(',')}, frac_reward_zero_std ${m.map((r) => r.frac_reward_zero_std).join(',')}`);
    expect(Math.max(...rounds)).toBeGreaterThan(1);
    // each refill round draws 2 × the larger shortfall: an even number of extra prompts per step
    for (const e of extra) expect(e % 2).toBe(0);
    const cur = readTrainerState(join(cfg.output_dir, 'checkpoint-3')).data_cursor;
    expect(cur.epoch * 8 + cur.index).toBe(3 * 2 + extra.reduce((a, b) => a + b, 0));
  }, 600_000);
});
