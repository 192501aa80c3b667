/**
 * policyLoss: values for every loss_type, the KL term, clipping, and the gradients d loss / d logp, all derived by
 * hand below. Shared example (B = 2 completions, T = 3 tokens):
 *   logp = [[-1, -2, -0.5], [-0.3, -1.2, -0.7]],  A = [2, -1],  mask = [[1, 1, 0], [1, 1, 1]]  (Σm = 5)
 *   old = logp.detach() -> ρ = 1, so ℓ = -A per token (the clip cannot bind at ρ = 1):
 *   row 0: -2, -2, (masked)   row 1: +1, +1, +1
 */
import { describe, expect, it } from 'vitest';

import { type Tensor, tensor, tidyAsync } from '../../lib/tensor/index.js';
import { type LossType } from '../../lib/grpo/loss-types.js';
import { policyLoss } from '../../lib/grpo/policy-loss.js';

const LOGP = [[-1, -2, -0.5], [-0.3, -1.2, -0.7]];
const REF = [[-1.5, -2, 0], [-0.3, -1.0, -1.2]];

async function run(lossType: LossType, beta = 0, ref = REF): Promise<{ loss: number; grad: number[][]; kl: number | null }> {
  return tidyAsync(async () => {
    const logps = tensor(LOGP).requiresGrad_();
    const { loss, metrics } = policyLoss(
      { logps, advantages: tensor([2, -1]), mask: tensor([[1, 1, 0], [1, 1, 1]]), refLogps: beta ? tensor(ref) : null },
      { lossType, beta, epsilonLow: 0.2, epsilonHigh: 0.2, maxCompletionLength: 4 },
    );
    await loss.backward();
    return { loss: loss.item(), grad: (logps.grad as Tensor).toNested() as number[][], kl: metrics.kl };
  });
}

const closeRows = (got: number[][], want: number[][], digits = 6) =>
  want.forEach((row, i) => row.forEach((w, j) => expect(got[i]![j]!).toBeCloseTo(w, digits)));

describe('policyLoss without KL (beta = 0)', () => {
  it('rarft_token_mean: Σ m·ℓ / Σ m = (-2 - 2 + 1 + 1 + 1) / 5 = -0.2; grad = -A·m / 5', async () => {
    const r = await run('rarft_token_mean');
    expect(r.loss).toBeCloseTo(-0.2, 6);
    // -2/5 = -0.4 on row 0's two tokens, 0 on its masked token; +1/5 = 0.2 on row 1
    closeRows(r.grad, [[-0.4, -0.4, 0], [0.2, 0.2, 0.2]]);
    expect(r.kl).toBeNull();
  });
  it('bnpo: the same token mean (-0.2)', async () => {
    const r = await run('bnpo');
    expect(r.loss).toBeCloseTo(-0.2, 6);
    closeRows(r.grad, [[-0.4, -0.4, 0], [0.2, 0.2, 0.2]]);
  });
  it('grpo: per-sequence means (-2, +1), then their mean = -0.5; grad = -A / (B·len_i)', async () => {
    const r = await run('grpo');
    expect(r.loss).toBeCloseTo(-0.5, 6);
    // row 0: -2 / (2·2) = -0.5; row 1: 1 / (2·3) = 0.1666667
    closeRows(r.grad, [[-0.5, -0.5, 0], [1 / 6, 1 / 6, 1 / 6]]);
  });
  it('dr_grpo: Σ m·ℓ / (B·L) = -1 / (2·4) = -0.125; grad = -A·m / 8', async () => {
    const r = await run('dr_grpo');
    expect(r.loss).toBeCloseTo(-0.125, 6);
    closeRows(r.grad, [[-0.25, -0.25, 0], [0.125, 0.125, 0.125]]);
  });
});

describe('policyLoss with the k3 KL term (beta = 0.04)', () => {
  // d = ref - logp = [[-.5, 0, .5], [0, .2, -.5]]; KL = e^d - d - 1 = [[.10653066, 0, .14872127], [0, .02140276, .10653066]]
  // ℓ = -A + .04·KL: row 0: -1.99573877, -2, (masked); row 1: 1, 1.00085611, 1.00426123
  it('rarft_token_mean value and kl metric', async () => {
    const r = await run('rarft_token_mean', 0.04);
    // (-1.99573877 - 2 + 1 + 1.00085611 + 1.00426123) / 5 = -0.99062143 / 5 = -0.19812429
    expect(r.loss).toBeCloseTo(-0.19812429, 6);
    // kl = mean over rows of masked token means: row 0 (.10653066 + 0)/2 = .05326533, row 1 (0 + .02140276 + .10653066)/3
    //    = .04264447 -> (.05326533 + .04264447)/2 = .0479549
    expect(r.kl!).toBeCloseTo(0.0479549, 6);
  });
  it('gradient adds β(1 - e^d) per token before the /Σm', async () => {
    const r = await run('rarft_token_mean', 0.04);
    // β(1 - e^d): row 0 t0: .04(1 - .60653066) = .01573877, t1: 0; row 1: t0 0, t1 .04(1 - 1.22140276) = -.00885611,
    // t2 .01573877.  grad = (-A + that)·m / 5
    closeRows(r.grad, [
      [(-2 + 0.01573877) / 5, -2 / 5, 0],
      [1 / 5, (1 - 0.00885611) / 5, (1 + 0.01573877) / 5],
    ]);
  });
  it('the KL pulls toward the reference: with ref = logp it vanishes', async () => {
    const r = await run('rarft_token_mean', 0.04, LOGP);
    expect(r.loss).toBeCloseTo(-0.2, 6);
    expect(r.kl).toBe(0);
  });
  it('refuses beta != 0 without reference log-probs', () => {
    expect(() =>
      policyLoss({ logps: tensor(LOGP), advantages: tensor([1, 1]), mask: tensor([[1, 1, 1], [1, 1, 1]]) }, { lossType: 'grpo', beta: 0.1, epsilonLow: 0.2, epsilonHigh: 0.2 }),
    ).toThrow(/refLogps/);
  });
});

describe('clipping with stored old log-probs (num_iterations > 1)', () => {
  it('binds outside [1 - ε_low, 1 + ε_high] and passes no gradient there', async () => {
    // logp = 0, old chosen so ρ = exp(-old) = [[1.5, 0.5], [0.5, 1.5]], A = [2, -1], mask all 1 (Σm = 4)
    //  (0,0) ρ 1.5, A 2:  min(3, 1.2·2 = 2.4) = 2.4 -> ℓ -2.4, clipped: grad 0
    //  (0,1) ρ 0.5, A 2:  min(1, 0.8·2 = 1.6) = 1.0 -> ℓ -1.0, grad -Aρ = -1
    //  (1,0) ρ 0.5, A -1: min(-0.5, -0.8) = -0.8 -> ℓ 0.8, clipped: grad 0
    //  (1,1) ρ 1.5, A -1: min(-1.5, -1.2) = -1.5 -> ℓ 1.5, grad -Aρ = 1.5
    // loss = (-2.4 - 1 + 0.8 + 1.5)/4 = -0.275; grads /4 -> [[0, -0.25], [0, 0.375]]
    const out = await tidyAsync(async () => {
      const logps = tensor([[0, 0], [0, 0]]).requiresGrad_();
      const old = tensor([[-Math.log(1.5), Math.LN2], [Math.LN2, -Math.log(1.5)]]);
      const { loss, metrics } = policyLoss(
        { logps, oldLogps: old, advantages: tensor([2, -1]), mask: tensor([[1, 1], [1, 1]]) },
        { lossType: 'rarft_token_mean', beta: 0, epsilonLow: 0.2, epsilonHigh: 0.2 },
      );
      await loss.backward();
      return { loss: loss.item(), grad: (logps.grad as Tensor).toNested() as number[][], metrics };
    });
    expect(out.loss).toBeCloseTo(-0.275, 6);
    closeRows(out.grad, [[0, -0.25], [0, 0.375]]);
    // (0,0): ρ > 1.2 with A > 0 -> high clip; (1,0): ρ < 0.8 with A < 0 -> low clip; each 1 of 4 tokens
    expect(out.metrics.clipRatioHigh).toBeCloseTo(0.25, 6);
    expect(out.metrics.clipRatioLow).toBeCloseTo(0.25, 6);
  });
});
