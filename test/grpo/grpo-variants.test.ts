/**
 * The GRPO variants users now run (issue 19), each against numbers worked out by hand in the comments:
 *   loss_type dapo (global active-token normaliser across micro-batches and ranks), importance_sampling_level
 *   sequence (GSPO), delta (two-sided clip for negative advantages), top_entropy_quantile (per-completion entropy
 *   mask) and the entropy / clip metrics.
 * Shared constant: a = 0.5 / (std([1, 0]) + 1e-4) = 0.5 / (0.70710678 + 0.0001) = 0.70700681, the advantage size of a
 * G = 2 group with rewards {1, 0} (A = +a for the 1, -a for the 0).
 */
import { describe, expect, it } from 'vitest';

import { type Tensor, tensor, tidyAsync, zeros } from '../../lib/tensor/index.js';
import { highEntropyMask } from '../../lib/grpo/entropy-mask.js';
import { type PolicyLossOptions, policyLoss } from '../../lib/grpo/policy-loss.js';
import { type PolicyUpdateInput, type PolicyUpdateSettings, policyUpdate } from '../../lib/grpo/policy-update.js';
import type { UpdateOptimizer } from '../../lib/distributed/zero-optimizer.js';

const a = 0.5 / (Math.SQRT1_2 + 1e-4);
const IM_END = 151645;
const base: PolicyUpdateSettings = {
  numGenerations: 2, scaleRewards: 'group', lossType: 'rarft_token_mean', beta: 0, epsilonLow: 0.2, epsilonHigh: 0.2,
  maxCompletionLength: 3, stopTokenIds: [IM_END, 151643], maxGradNorm: 1e9,
};
const closeRows = (got: number[][], want: number[][], digits = 6) => {
  expect(got.length).toBe(want.length);
  want.forEach((row, i) => row.forEach((w, j) => expect(got[i]![j]!, `[${i}][${j}]`).toBeCloseTo(w, digits)));
};

/** An optimizer that records the accumulated gradients of `params` at clip time and changes nothing. */
function gradProbe(params: Tensor[]): UpdateOptimizer & { grads: number[][][] } {
  const probe = {
    grads: [] as number[][][],
    zeroGrad: () => params.forEach((p) => p.zeroGrad()),
    clipGradNorm: async () => {
      probe.grads = params.map((p) => (p.grad as Tensor).toNested() as number[][]);
      return 1;
    },
    step: async () => 0,
  };
  return probe;
}

async function lossAndGrad(logp: number[][], input: Omit<Parameters<typeof policyLoss>[0], 'logps'>, opts: PolicyLossOptions) {
  return tidyAsync(async () => {
    const logps = tensor(logp).requiresGrad_();
    const { loss, metrics } = policyLoss({ ...input, logps }, opts);
    await loss.backward();
    return { loss: loss.item(), grad: (logps.grad as Tensor).toNested() as number[][], metrics };
  });
}

describe('loss_type dapo', () => {
  // two micro-batches (one G = 2 group each) with different token counts:
  //   mb1 rewards [1, 0] -> A = [+a, -a]; ids [[5, im_end, 0], [5, 6, 7]] -> mask [[1,1,0],[1,1,1]], 5 tokens;
  //       ℓ = -A per token -> Σ m·ℓ = -2a + 3a = a
  //   mb2 rewards [0, 1] -> A = [-a, +a]; ids [[5, 6, im_end], [im_end, 0, 0]] -> mask [[1,1,1],[1,0,0]], 4 tokens;
  //       Σ m·ℓ = 3a - a = 2a
  const run = async (s: Partial<PolicyUpdateSettings>) => {
    const t1 = zeros([2, 3]).requiresGrad_();
    const t2 = zeros([2, 3]).requiresGrad_();
    const opt = gradProbe([t1, t2]);
    const order: string[] = [];
    const micro: PolicyUpdateInput[] = [
      { rewards: { r: [1, 0] }, completionIds: tensor([[5, IM_END, 0], [5, 6, 7]], { dtype: 'int64' }), forward: async () => (order.push('forward'), { logps: t1.mul(1) }) },
      { rewards: { r: [0, 1] }, completionIds: tensor([[5, 6, IM_END], [IM_END, 0, 0]], { dtype: 'int64' }), forward: async () => (order.push('forward'), { logps: t2.mul(1) }) },
    ];
    const sumOverRanks = s.sumOverRanks ? async (x: number) => (order.push(`sum ${x}`), s.sumOverRanks!(x)) : undefined;
    const m = await policyUpdate(micro, { ...base, ...s, ...(sumOverRanks ? { sumOverRanks } : {}) }, opt, 0.1);
    return { m, grads: opt.grads, order };
  };

  it('one process: every token of the step weighs 1/N_global (N = 9), not 1/(N_k·K)', async () => {
    const { m, grads } = await run({ lossType: 'dapo' });
    // N̄ = 9 / (1·2) = 4.5; micro losses a/4.5 and 2a/4.5, reported mean (a + 2a)/9 = a/3; grad -A·m/9
    expect(m.loss as number).toBeCloseTo(a / 3, 6);
    const g = a / 9;
    closeRows(grads[0]!, [[-g, -g, 0], [g, g, g]]);
    closeRows(grads[1]!, [[g, g, g], [-g, 0, 0]]);
  });

  it('rarft_token_mean on the same batch: each micro-batch its own token mean, so the weights differ (1/10 vs 1/8)', async () => {
    const { m, grads } = await run({ lossType: 'rarft_token_mean' });
    expect(m.loss as number).toBeCloseTo((a / 5 + (2 * a) / 4) / 2, 6);
    closeRows(grads[0]!, [[-a / 10, -a / 10, 0], [a / 10, a / 10, a / 10]]);
    closeRows(grads[1]!, [[a / 8, a / 8, a / 8], [-a / 8, 0, 0]]);
  });

  it('two ranks: the token count is summed over ranks before any forward, and the rank mean is undone', async () => {
    // the other rank holds 7 tokens: N_global = 16, W = 2, K = 2 -> N̄ = 4; micro losses a/4, 2a/4 -> reported 3a/8.
    // This rank's gradient is -A·m/8; the ranks' mean (ZeRO averages gradients) makes it Σ_all / 16.
    const { m, grads, order } = await run({ lossType: 'dapo', worldSize: 2, sumOverRanks: async (x) => x + 7 });
    expect(order).toEqual(['sum 9', 'forward', 'forward']);
    expect(m.loss as number).toBeCloseTo((3 * a) / 8, 6);
    const g = a / 8;
    closeRows(grads[0]!, [[-g, -g, 0], [g, g, g]]);
    closeRows(grads[1]!, [[g, g, g], [-g, 0, 0]]);
  });

  it('policyLoss needs the normaliser', () => {
    expect(() => policyLoss({ logps: zeros([1, 1]), advantages: tensor([1]), mask: tensor([[1]]) }, { lossType: 'dapo', beta: 0, epsilonLow: 0.2, epsilonHigh: 0.2 })).toThrow(/tokenNormaliser/);
  });
});

describe('importance_sampling_level sequence (GSPO)', () => {
  // logp = 0; old = [[-ln 2, ln 2], [ln 2, 0]] -> token log-ratios [[ln 2, -ln 2], [-ln 2, (masked)]]; A = [2, -1];
  // mask [[1, 1], [1, 0]] (Σm = 3); ε = 0.2; rarft_token_mean.
  const input = () => ({ oldLogps: tensor([[-Math.LN2, Math.LN2], [Math.LN2, 0]]), advantages: tensor([2, -1]), mask: tensor([[1, 1], [1, 0]]) });
  const opts: PolicyLossOptions = { lossType: 'rarft_token_mean', beta: 0, epsilonLow: 0.2, epsilonHigh: 0.2 };

  it('one ratio per completion: s = exp(mean log-ratio), its gradient spread over the tokens', async () => {
    // s0 = exp((ln 2 - ln 2)/2) = 1: unclipped, ℓ = -2 on both tokens; ds0/dlogp_t = s0/2 -> each token's grad
    //   = 2 tokens · (-A0)·(1/2) / 3 = -2/3.  s1 = exp(-ln 2) = 0.5 < 0.8 with A1 = -1: min(-0.5, -0.8) = -0.8,
    //   the clipped (constant) branch: ℓ = 0.8, grad 0. loss = (-2 - 2 + 0.8)/3 = -3.2/3
    const r = await lossAndGrad([[0, 0], [0, 0]], input(), { ...opts, importanceSamplingLevel: 'sequence' });
    expect(r.loss).toBeCloseTo(-3.2 / 3, 6);
    closeRows(r.grad, [[-2 / 3, -2 / 3], [0, 0]]);
    // row 1 is low-clipped: 1 of 3 active tokens; nothing high-clipped (s0 = 1)
    expect(r.metrics.clipRatioLow).toBeCloseTo(1 / 3, 6);
    expect(r.metrics.clipRatioHigh).toBe(0);
    expect(r.metrics.clipRatioRegion).toBeCloseTo(1 / 3, 6);
  });

  it('token level on the same input clips token by token', async () => {
    // (0,0) ρ 2, A 2: min(4, 2.4) = 2.4 clipped -> ℓ -2.4, grad 0; (0,1) ρ .5, A 2: min(1, 1.6) = 1 -> ℓ -1, grad -Aρ/3
    // = -1/3; (1,0) ρ .5, A -1: min(-.5, -.8) = -.8 clipped -> ℓ .8, grad 0. loss (-2.4 - 1 + .8)/3 = -2.6/3
    const r = await lossAndGrad([[0, 0], [0, 0]], input(), opts);
    expect(r.loss).toBeCloseTo(-2.6 / 3, 6);
    closeRows(r.grad, [[0, -1 / 3], [0, 0]]);
    expect(r.metrics.clipRatioHigh).toBeCloseTo(1 / 3, 6);
    expect(r.metrics.clipRatioLow).toBeCloseTo(1 / 3, 6);
    expect(r.metrics.clipRatioRegion).toBeCloseTo(2 / 3, 6);
  });

  it('on-policy (old = logp) both levels give -A·∇logp / N', async () => {
    const on = { advantages: tensor([2, -1]), mask: tensor([[1, 1], [1, 0]]) };
    const tok = await lossAndGrad([[-1, -2], [-0.5, -3]], on, opts);
    const seq = await lossAndGrad([[-1, -2], [-0.5, -3]], on, { ...opts, importanceSamplingLevel: 'sequence' });
    expect(seq.loss).toBeCloseTo(tok.loss, 6);
    closeRows(seq.grad, [[-2 / 3, -2 / 3], [1 / 3, 0]]);
    closeRows(tok.grad, seq.grad);
  });
});

describe('delta (two-sided clip)', () => {
  // logp = 0, old = [-ln 3, -ln 3, -ln 1.5] -> ρ = [3, 3, 1.5]; A = [-1, 1, -1]; T = 1, mask all 1 (N = 3); ε 0.2
  const input = () => ({ oldLogps: tensor([[-Math.log(3)], [-Math.log(3)], [-Math.log(1.5)]]), advantages: tensor([-1, 1, -1]), mask: tensor([[1], [1], [1]]) });
  const opts: PolicyLossOptions = { lossType: 'rarft_token_mean', beta: 0, epsilonLow: 0.2, epsilonHigh: 0.2 };

  it('without delta a negative advantage with a large ratio is unbounded', async () => {
    // row 0: min(-3, -1.2) = -3 -> ℓ 3, grad -Aρ/3 = 1; row 1: min(3, 1.2) = 1.2 -> ℓ -1.2, grad 0; row 2: ℓ 1.5, grad .5
    const r = await lossAndGrad([[0], [0], [0]], input(), opts);
    expect(r.loss).toBeCloseTo(3.3 / 3, 6);
    closeRows(r.grad, [[1], [0], [0.5]]);
    expect(r.metrics.clipRatioDelta).toBeNull();
  });

  it('delta 2 caps it: row 0 becomes min(-2, -1.2) = -2 (constant, grad 0); rows 1 and 2 are unchanged', async () => {
    const r = await lossAndGrad([[0], [0], [0]], input(), { ...opts, delta: 2 });
    expect(r.loss).toBeCloseTo(2.3 / 3, 6);
    closeRows(r.grad, [[0], [0], [0.5]]);
    expect(r.metrics.clipRatioDelta).toBeCloseTo(1 / 3, 6);
    expect(r.metrics.clipRatioHigh).toBeCloseTo(1 / 3, 6);
    expect(r.metrics.clipRatioLow).toBe(0);
  });

  it('refuses a delta that would clip positive advantages too', () => {
    expect(() => policyLoss({ logps: zeros([3, 1]), ...input() }, { ...opts, delta: 1.1 })).toThrow(/delta \(1.1\) must exceed 1 \+ epsilonHigh \(1.2\)/);
  });
});

describe('top_entropy_quantile', () => {
  const maskOf = (h: number[][], m: number[][], q: number) => highEntropyMask(tensor(h), tensor(m), q).toNested() as number[][];

  it('keeps each completion\'s tokens at or above its (1 - q) entropy quantile (torch.quantile, linear)', () => {
    // row 0: 5 active [.1 .5 .3 .9 .2]; q = .4 -> the .6 quantile: sorted [.1 .2 .3 .5 .9], position .6·4 = 2.4 ->
    //   .3 + .4·(.5 - .3) = .38 -> keep .5 and .9
    // row 1: 3 active [.7 .7 .1] (the masked 5s never count); position .6·2 = 1.2 -> .7 -> keep both .7s (ties kept)
    const h = [[0.1, 0.5, 0.3, 0.9, 0.2, 0], [0.7, 0.7, 0.1, 5, 5, 5]];
    const m = [[1, 1, 1, 1, 1, 0], [1, 1, 1, 0, 0, 0]];
    expect(maskOf(h, m, 0.4)).toEqual([[0, 1, 0, 1, 0, 0], [1, 1, 0, 0, 0, 0]]);
    // q = 1 keeps every active token; a tiny q keeps each row's maximum (and its ties)
    expect(maskOf(h, m, 1)).toEqual(m);
    expect(maskOf(h, m, 0.01)).toEqual([[0, 0, 0, 1, 0, 0], [1, 1, 0, 0, 0, 0]]);
  });

  it('an exact quantile position (0.2·5 = 1) does not round up to the next token', () => {
    // 6 tokens 1..6, q = .8: position .2·5 = 1 -> threshold 2 -> keep 2..6 (5 tokens)
    expect(maskOf([[1, 2, 3, 4, 5, 6]], [[1, 1, 1, 1, 1, 1]], 0.8)).toEqual([[0, 1, 1, 1, 1, 1]]);
  });

  it('policyUpdate trains only the kept tokens, keeps the normaliser, and logs the entropy metrics', async () => {
    // G = 2, rewards [1, 0] -> A = [+a, -a]; no stop ids: mask all 1, N = 6; entropies [[3, 1, 2], [0, 4, 1]]
    // q = .5: per row position .5·2 = 1 -> keep the top 2: row 0 tokens 0, 2 (3, 2); row 1 tokens 1, 2 (4, 1)
    // grad = -A·e/6: row 0 [-a/6, 0, -a/6], row 1 [0, a/6, a/6]; loss = (-2a + 2a)/6 = 0
    const theta = zeros([2, 3]).requiresGrad_();
    const opt = gradProbe([theta]);
    const m = await policyUpdate(
      { rewards: { r: [1, 0] }, completionIds: zeros([2, 3], { dtype: 'int64' }), forward: async () => ({ logps: theta.mul(1), entropy: tensor([[3, 1, 2], [0, 4, 1]]) }) },
      { ...base, stopTokenIds: [999999], topEntropyQuantile: 0.5 },
      opt,
      0.1,
    );
    closeRows(opt.grads[0]!, [[-a / 6, 0, -a / 6], [0, a / 6, a / 6]]);
    expect(m.loss as number).toBeCloseTo(0, 7);
    expect(m.entropy as number).toBeCloseTo(11 / 6, 6); // token mean over the 6 active tokens
    expect(m['entropy/trained_token_fraction'] as number).toBeCloseTo(4 / 6, 6);
    expect(m['entropy/trained_mean'] as number).toBeCloseTo((3 + 2 + 4 + 1) / 4, 6);
    expect(m['clip_ratio/region_mean']).toBe(0);
  });

  it('needs entropies from the forward', async () => {
    const theta = zeros([2, 3]).requiresGrad_();
    await expect(
      policyUpdate({ rewards: { r: [1, 0] }, completionIds: zeros([2, 3], { dtype: 'int64' }), forward: async () => ({ logps: theta.mul(1) }) }, { ...base, topEntropyQuantile: 0.5 }, gradProbe([theta]), 0.1),
    ).rejects.toThrow(/top_entropy_quantile/);
  });
});
