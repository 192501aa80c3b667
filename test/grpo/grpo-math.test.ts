/**
 * Completion mask, group advantages, k3 KL and token statistics against hand-computed values (arithmetic in the
 * comments, to 1e-5 unless stated).
 */
import { describe, expect, it } from 'vitest';

import { tensor, tidy } from '../../lib/tensor/index.js';
import { groupAdvantages } from '../../lib/grpo/advantages.js';
import { completionLengths, completionMask } from '../../lib/grpo/completion-mask.js';
import { k3Kl } from '../../lib/grpo/kl.js';
import { meanOfSequenceMeans, selectTokenLogps, tokenEntropy } from '../../lib/grpo/token-stats.js';

const close = (got: ArrayLike<number>, want: number[], digits = 4) => {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(got[i]!).toBeCloseTo(w, digits));
};

describe('completionMask', () => {
  const ids = () =>
    tensor(
      [
        [5, 151645, 7, 8], // stops at t=1 (<|im_end|>): keep t=0..1
        [1, 2, 3, 4], // no stop: truncated rollout counts fully
        [151643, 9, 151645, 0], // <|endoftext|> first: keep only t=0
        [3, 151643, 151645, 2], // <|endoftext|> at t=1 wins over the later <|im_end|>
      ],
      { dtype: 'int64' },
    );
  it('honours both stop ids (1 up to and including the first stop, 0 after)', () => {
    const m = tidy(() => completionMask(ids()));
    expect(m.toNested()).toEqual([
      [1, 1, 0, 0],
      [1, 1, 1, 1],
      [1, 0, 0, 0],
      [1, 1, 0, 0],
    ]);
    expect(completionLengths(m)).toEqual([2, 4, 1, 2]);
  });
  it('with only <|im_end|> (the reference, §7.12) trailing tokens after <|endoftext|> are counted', () => {
    const m = tidy(() => completionMask(ids(), [151645]));
    expect(m.toNested()).toEqual([
      [1, 1, 0, 0],
      [1, 1, 1, 1],
      [1, 1, 1, 0], // 151643 not a stop: runs to the 151645 at t=2
      [1, 1, 1, 0],
    ]);
  });
  it('rejects a 1-D input', () => {
    expect(() => completionMask(tensor([1, 2], { dtype: 'int64' }))).toThrow(/\[B, T\]/);
  });
});

describe('groupAdvantages', () => {
  it('reproduces the reference worked example (§4.3)', () => {
    // mean = 12.45/8 = 1.55625; deviations .54375 .89375 -.55625 -1.25625 .89375 .39375 -1.55625 .64375;
    // Σdev² = 6.772188, /7 = 0.967455, std = 0.983593; A = dev / (0.983593 + 1e-4), e.g. .54375/.983693 = .55276
    const r = tensor([2.1, 2.45, 1.0, 0.3, 2.45, 1.95, 0.0, 2.2]);
    const { advantages, rewardStd, fracRewardZeroStd } = groupAdvantages(r, 8);
    close(advantages.toArray(), [0.5528, 0.9086, -0.5655, -1.2771, 0.9086, 0.4003, -1.582, 0.6544]);
    expect(rewardStd).toBeCloseTo(0.983593, 5);
    expect(fracRewardZeroStd).toBe(0);
  });
  const two = () => tensor([1, 0, 0, 0, 1, 1, 1, 0]);
  it('group scaling: each group by its own unbiased std', () => {
    // group [1,0,0,0]: mean .25, dev [.75,-.25,-.25,-.25], Σdev² = .75, /3 = .25, std .5 -> dev/.5001
    // group [1,1,1,0]: mean .75, dev [.25,.25,.25,-.75], std .5
    const { advantages, rewardStd } = groupAdvantages(two(), 4, 'group');
    close(advantages.toArray(), [1.4997, -0.4999, -0.4999, -0.4999, 0.4999, 0.4999, 0.4999, -1.4997]);
    expect(rewardStd).toBeCloseTo(0.5, 6);
  });
  it('batch scaling: group-centred, divided by the std of all rewards', () => {
    // all 8: mean .5, every deviation ±.5 -> var = 8·.25/7 = .285714, std = .534522; .75/.534622 = 1.40285
    const { advantages } = groupAdvantages(two(), 4, 'batch');
    close(advantages.toArray(), [1.40285, -0.46762, -0.46762, -0.46762, 0.46762, 0.46762, 0.46762, -1.40285]);
  });
  it('none: only centred (Dr. GRPO)', () => {
    const { advantages } = groupAdvantages(two(), 4, 'none');
    close(advantages.toArray(), [0.75, -0.25, -0.25, -0.25, 0.25, 0.25, 0.25, -0.75], 6);
  });
  it('a group with equal rewards gets zero advantages and is counted in fracRewardZeroStd', () => {
    const { advantages, fracRewardZeroStd } = groupAdvantages(tensor([1, 1, 1, 1, 0, 1, 0, 1]), 4);
    const a = advantages.toArray();
    expect([a[0], a[1], a[2], a[3]]).toEqual([0, 0, 0, 0]);
    // group 2: mean .5, std sqrt(1/3) = .57735 -> ±.5/.57745 = ±.86588
    close(Array.from(a).slice(4), [-0.86588, 0.86588, -0.86588, 0.86588]);
    expect(fracRewardZeroStd).toBe(0.5);
  });
  it('counts a group of equal rewards whose float32 std is not exactly 0 (eight 0.3s: std 3.2e-8)', () => {
    // one group, as the trainer's one-prompt micro-batches: libtorch's std of these eight equal values is 3.2e-8
    const { advantages, fracRewardZeroStd, rewardStd } = groupAdvantages(tensor(Array(8).fill(0.3)), 8);
    expect(rewardStd).toBeGreaterThan(0);
    expect(fracRewardZeroStd).toBe(1);
    // its advantages are rounding noise over (std + 1e-4): negligible, but not exactly 0
    for (const a of Array.from(advantages.toArray() as Float32Array)) expect(Math.abs(a)).toBeLessThan(1e-3);
  });
  it('validates shapes', () => {
    expect(() => groupAdvantages(tensor([1, 2, 3]), 2)).toThrow(/multiple of numGenerations=2/);
    expect(() => groupAdvantages(tensor([1, 2]), 1)).toThrow(/>= 2/);
  });
});

describe('k3Kl and token statistics', () => {
  it('k3 = e^d - d - 1 with d = ref - logp', () => {
    // d = [-0.5, 0, 0.5, 0.2]: e^-.5 = .60653066 -> .10653066; 0 -> 0; e^.5 = 1.64872127 -> .14872127; e^.2 -> .02140276
    const kl = tidy(() => k3Kl(tensor([-1, -2, -0.5, -1.2]), tensor([-1.5, -2, 0, -1.0])));
    close(kl.toArray(), [0.10653066, 0, 0.14872127, 0.02140276], 6);
  });
  it('log-prob of the sampled token and the entropy', () => {
    // logits [0, ln 3] -> p = [.25, .75]; log p(1) = ln .75 = -.2876821; H = .25 ln 4 + .75 ln(4/3) = .5623351
    const logits = tensor([[[0, Math.log(3)], [0, 0]]]);
    const ids = tensor([[1, 0]], { dtype: 'int64' });
    close(tidy(() => selectTokenLogps(logits, ids)).toArray(), [-0.2876821, -Math.LN2], 6);
    close(tidy(() => tokenEntropy(logits)).toArray(), [0.5623351, Math.LN2], 6);
    // per-sequence masked means: row0 = (.5623351 + .6931472)/2 = .6277411 (mask [1,1])
    expect(meanOfSequenceMeans(tidy(() => tokenEntropy(logits)), tensor([[1, 1]]))).toBeCloseTo(0.6277411, 6);
  });
});
