/**
 * policyUpdate end to end on a "policy" whose per-token log-probs are a parameter θ [4, 2] itself (so dL/dθ is the
 * loss's gradient with respect to the log-probs), one prompt with G = 4 completions:
 *   rewards a = [1, 0, 0, 0] (weight 2), b = [0, 0, 0, 1] (weight 1) -> total [2, 0, 0, 1], mean 0.75
 *   dev [1.25, -0.75, -0.75, 0.25], Σdev² = 2.75, std = sqrt(2.75/3) = 0.957427 -> A = dev/0.957527
 *     = [1.305446, -0.783268, -0.783268, 0.261089]
 *   ids [[5, im_end], [5, 6], [endoftext, 0], [7, im_end]] -> mask [[1,1],[1,1],[1,0],[1,1]], Σm = 7, length 7/4
 *   loss = -Σ m·A / 7 = -(2·1.305446 - 2·0.783268 - 0.783268 + 2·0.261089)/7 = -0.783268/7 = -0.1118954
 *   grad = -A·m/7 -> global norm sqrt(2·0.186492² + 3·0.111895² + 2·0.037298²) = 0.331516
 *   Adam's first step moves every element with a non-zero gradient by exactly lr against its sign.
 */
import { describe, expect, it } from 'vitest';

import { AdamW } from '../../lib/optim/index.js';
import { type Tensor, tensor, tidy, zeros } from '../../lib/tensor/index.js';
import { type PolicyUpdateSettings, policyUpdate } from '../../lib/grpo/policy-update.js';

const settings: PolicyUpdateSettings = {
  numGenerations: 4, scaleRewards: 'group', lossType: 'rarft_token_mean', beta: 0, epsilonLow: 0.2, epsilonHigh: 0.2,
  maxCompletionLength: 2, stopTokenIds: [151645, 151643], maxGradNorm: 1,
};
const ids = () => tensor([[5, 151645], [5, 6], [151643, 0], [7, 151645]], { dtype: 'int64' });
const f32 = (t: Tensor) => Array.from(tidy(() => t.toArray() as Float32Array));

describe('policyUpdate', () => {
  it('computes the hand-derived metrics and applies one AdamW step', async () => {
    const theta = zeros([4, 2]).requiresGrad_();
    const opt = new AdamW({ theta });
    let refCalls = 0;
    const m = await policyUpdate(
      {
        rewards: { a: [1, 0, 0, 0], b: [0, 0, 0, 1] },
        weights: { a: 2 },
        completionIds: ids(),
        forward: async () => ({ logps: theta.mul(1), entropy: tensor([[1, 3], [2, 2], [4, 100], [0, 0]]) }),
        refForward: async () => (refCalls++, zeros([4, 2])),
      },
      settings,
      opt,
      0.1,
    );
    expect(refCalls).toBe(0); // beta = 0: the reference model is never run
    expect(m.skipped).toBe(0);
    expect(m['rewards/a']).toBe(0.25);
    expect(m['rewards/b']).toBe(0.25);
    expect(m.reward).toBe(0.75);
    expect(m.reward_std as number).toBeCloseTo(0.957427, 6);
    expect(m.frac_reward_zero_std).toBe(0);
    expect(m.completion_length).toBe(1.75);
    expect(m.loss as number).toBeCloseTo(-0.1118954, 6);
    expect(m.grad_norm as number).toBeCloseTo(0.331516, 5);
    // entropy: masked per-row means (1+3)/2 = 2, 2, 4 (the masked 100 ignored), 0 -> mean 2
    expect(m.generation_entropy).toBe(2);
    expect(m.learning_rate).toBe(0.1);
    expect(m.kl).toBeUndefined();
    // grads: row 0 < 0, row 1 > 0, row 2 [> 0, 0], row 3 < 0 -> θ moves by ∓0.1 (0 where the grad is 0)
    f32(theta).forEach((v, i) => expect(v).toBeCloseTo([0.1, 0.1, -0.1, -0.1, -0.1, 0, 0.1, 0.1][i]!, 6));
    expect(theta.grad).toBeNull(); // gradients dropped after the step
    opt.dispose();
  });

  it('with beta != 0 runs the reference forward without grad and logs kl', async () => {
    const theta = zeros([4, 2]).requiresGrad_();
    const opt = new AdamW({ theta });
    const m = await policyUpdate(
      { rewards: { a: [1, 0, 0, 0] }, completionIds: ids(), forward: async () => ({ logps: theta.mul(1) }), refForward: async () => theta.add(0.5) },
      { ...settings, beta: 0.04 },
      opt,
      0.1,
    );
    // ref - logp = 0.5 everywhere: k3 = e^0.5 - 0.5 - 1 = 0.1487213 on every token
    expect(m.kl as number).toBeCloseTo(0.1487213, 6);
    expect(m.skipped).toBe(0);
    await expect(policyUpdate({ rewards: { a: [1, 0, 0, 0] }, completionIds: ids(), forward: async () => ({ logps: theta.mul(1) }) }, { ...settings, beta: 0.04 }, opt, 0.1)).rejects.toThrow(/refForward/);
    opt.dispose();
  });

  it('a NaN reward skips the update before any forward pass', async () => {
    const theta = zeros([4, 2]).requiresGrad_();
    const opt = new AdamW({ theta });
    let forwards = 0;
    const m = await policyUpdate(
      { rewards: { a: [1, 0, Number.NaN, 0] }, completionIds: ids(), forward: async () => (forwards++, { logps: theta.mul(1) }) },
      settings,
      opt,
      0.1,
    );
    expect(m.skipped).toBe(1);
    expect(m.skip_reason).toBe('rewards: reward "a" is NaN for completion 2');
    expect(forwards).toBe(0);
    expect(f32(theta)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(opt.info()[0]!.step).toBe(0);
    opt.dispose();
  });

  it('a non-finite loss skips the update and leaves weights and optimizer state untouched', async () => {
    const theta = zeros([4, 2]).requiresGrad_();
    const opt = new AdamW({ theta });
    const m = await policyUpdate(
      { rewards: { a: [1, 0, 0, 0] }, completionIds: ids(), forward: async () => ({ logps: theta.add(tensor([[Number.NaN, 0], [0, 0], [0, 0], [0, 0]])) }) },
      settings,
      opt,
      0.1,
    );
    expect(m.skipped).toBe(1);
    expect(m.skip_reason).toBe('loss: loss is NaN');
    expect(f32(theta)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(opt.info()[0]!.step).toBe(0);
    opt.dispose();
  });

  it('rejects mismatched shapes', async () => {
    const theta = zeros([4, 2]).requiresGrad_();
    const opt = new AdamW({ theta });
    await expect(policyUpdate({ rewards: { a: [1, 0], b: [1, 0, 0, 0] }, completionIds: ids(), forward: async () => ({ logps: theta }) }, settings, opt, 0.1)).rejects.toThrow('policyUpdate: reward "b" has 4 scores, "a" has 2');
    opt.dispose();
  });
});

describe('policyUpdate with gradient accumulation', () => {
  it('two micro-batches give the mean loss and the same step as one combined batch of equal token counts', async () => {
    // Micro-batches are the two halves of an 8-completion batch with G = 4 (one prompt each), every mask all 1s
    // (no stop ids), T = 1. rarft_token_mean over the combined batch = (Σ over 8 tokens)/8 = mean of the two halves'
    // token means, because both halves have 4 tokens: the accumulated gradient equals the combined one.
    const rewardsA = [1, 0, 0, 0];
    const rewardsB = [1, 1, 0, 1];
    const thetaAcc = zeros([8, 1]).requiresGrad_();
    const thetaOne = zeros([8, 1]).requiresGrad_();
    const optAcc = new AdamW({ theta: thetaAcc });
    const optOne = new AdamW({ theta: thetaOne });
    const noStop = { ...settings, maxCompletionLength: 1, stopTokenIds: [999999] };
    const idsOf = (n: number) => zeros([n, 1], { dtype: 'int64' });
    const acc = await policyUpdate(
      [
        { rewards: { r: rewardsA }, completionIds: idsOf(4), forward: async () => ({ logps: thetaAcc.narrow(0, 0, 4).mul(1) }) },
        { rewards: { r: rewardsB }, completionIds: idsOf(4), forward: async () => ({ logps: thetaAcc.narrow(0, 4, 4).mul(1) }) },
      ],
      noStop,
      optAcc,
      0.1,
    );
    const one = await policyUpdate(
      { rewards: { r: [...rewardsA, ...rewardsB] }, completionIds: idsOf(8), forward: async () => ({ logps: thetaOne.mul(1) }) },
      noStop,
      optOne,
      0.1,
    );
    // group A: A = [1.5, -.5, -.5, -.5]/(.5 + 1e-4)·... -> token mean of -A is 0 (advantages of a group sum to 0),
    // and the same for group B, so both losses are 0 and the gradients are -A/8 per element in both set-ups
    expect(acc.loss as number).toBeCloseTo(0, 7);
    expect(one.loss as number).toBeCloseTo(0, 7);
    expect(acc.grad_norm as number).toBeCloseTo(one.grad_norm as number, 6);
    expect(acc.reward).toBe(0.5); // mean of the micro means .25 and .75
    expect(f32(thetaAcc)).toEqual(f32(thetaOne));
    optAcc.dispose();
    optOne.dispose();
  });
  it('a NaN reward in the second micro-batch skips before any forward', async () => {
    const theta = zeros([4, 2]).requiresGrad_();
    const opt = new AdamW({ theta });
    let forwards = 0;
    const fwd = async () => (forwards++, { logps: theta.mul(1) });
    const m = await policyUpdate(
      [
        { rewards: { a: [1, 0, 0, 0] }, completionIds: ids(), forward: fwd },
        { rewards: { a: [1, Number.NaN, 0, 0] }, completionIds: ids(), forward: fwd },
      ],
      settings,
      opt,
      0.1,
    );
    expect(m.skip_reason).toBe('rewards: reward "a" is NaN for completion 1 (micro-batch 2)');
    expect(forwards).toBe(0);
    opt.dispose();
  });
});
