/**
 * End-to-end check of the GRPO pieces on a 4-armed bandit: a softmax policy over 4 "answers" (learnable logits,
 * start uniform: p = 0.25 each), reward 1 for answer 2 and 0 otherwise, G = 8 samples per step drawn with a
 * seeded generator. completionMask/groupAdvantages/policyLoss/AdamW must together push p(answer 2) above 0.9.
 * Each "completion" is one token followed by <|im_end|>, so the mask path is exercised too.
 */
import { describe, expect, it } from 'vitest';

import { AdamW } from '../../lib/optim/index.js';
import { Generator, cat, full, multinomial, noGrad, tensor, tidy, tidyAsync, zeros } from '../../lib/tensor/index.js';
import { groupAdvantages } from '../../lib/grpo/advantages.js';
import { completionMask } from '../../lib/grpo/completion-mask.js';
import { lrAt } from '../../lib/trainer/lr-schedule.js';
import { policyLoss } from '../../lib/grpo/policy-loss.js';

const G = 8;
const IM_END = 151645;

async function train(steps: number, seed: number, lossType: 'rarft_token_mean' | 'grpo' | 'dr_grpo' | 'bnpo', beta = 0) {
  const logits = zeros([4]).requiresGrad_();
  const ref = zeros([4]); // the uniform starting policy, for the KL term
  const opt = new AdamW({ logits });
  const gen = new Generator(seed);
  const p2: number[] = [];
  const spec = { type: 'constant' as const, peakLr: 0.05, totalSteps: steps, warmupSteps: 0 };
  for (let step = 0; step < steps; step++) {
    await tidyAsync(async () => {
      const answers = noGrad(() => multinomial(logits.softmax(0), G, { replacement: true, generator: gen }));
      const a = Array.from(answers.toArray(), Number);
      const rewards = tensor(a.map((x) => (x === 2 ? 1 : 0)));
      // completion ids [G, 2]: the answer token then <|im_end|>; the mask is [1, 1] per row
      const ids = cat([answers.unsqueeze(1), full([G, 1], IM_END, { dtype: 'int64' })], 1);
      const mask = completionMask(ids);
      const { advantages } = groupAdvantages(rewards, G, 'group');
      // per-token log-probs: the answer's log-prob at t = 0, and log 1 = 0 for the forced stop token at t = 1
      const lp = logits.logSoftmax(0).gather(0, answers).unsqueeze(1);
      const logps = cat([lp, zeros([G, 1])], 1);
      const refLogps = cat([ref.logSoftmax(0).gather(0, answers).unsqueeze(1), zeros([G, 1])], 1);
      const { loss } = policyLoss(
        { logps, advantages, mask, refLogps: beta ? refLogps : null },
        { lossType, beta, epsilonLow: 0.2, epsilonHigh: 0.2, maxCompletionLength: 2 },
      );
      opt.zeroGrad();
      await loss.backward();
      await opt.clipGradNorm(1.0);
      await opt.step(lrAt(spec, step));
      p2.push(tidy(() => logits.softmax(0).toArray()[2]!));
    });
  }
  gen.dispose();
  opt.dispose();
  return p2;
}

describe('GRPO on a 4-armed bandit', () => {
  it('rarft_token_mean: p(answer 2) rises from 0.25 to > 0.9', async () => {
    const p2 = await train(80, 42, 'rarft_token_mean');
    expect(p2[0]!).toBeGreaterThan(0.25); // moved the right way on step 1 (at least one 2 among 8 draws at seed 42)
    expect(p2[p2.length - 1]!).toBeGreaterThan(0.9);
  });
  it('grpo and dr_grpo learn it too; a seeded run is reproducible', async () => {
    const a = await train(80, 7, 'grpo');
    const b = await train(80, 7, 'grpo');
    expect(a).toEqual(b);
    expect(a[a.length - 1]!).toBeGreaterThan(0.9);
    const d = await train(80, 7, 'dr_grpo');
    expect(d[d.length - 1]!).toBeGreaterThan(0.9);
  });
  it('a strong KL penalty to the uniform reference holds the policy back', async () => {
    const free = await train(40, 3, 'rarft_token_mean', 0);
    const held = await train(40, 3, 'rarft_token_mean', 5);
    expect(held[held.length - 1]!).toBeLessThan(free[free.length - 1]!);
  });
});
