/**
 * Group-relative advantages (§4.3): rewards come in groups of G completions of one prompt; each reward is compared
 * with its group's mean, and optionally scaled:
 *   group: A = (r - mean_g) / (std_g + 1e-4)   the reference and TRL's default; std is unbiased (N-1)
 *   batch: A = (r - mean_g) / (std_all + 1e-4) TRL's "batch" (std of all rewards in the local batch)
 *   none:  A = r - mean_g                      Dr. GRPO (no std scaling: avoids up-weighting near-uniform groups)
 * If every reward in a group is equal, its advantages are 0 and it contributes no policy gradient; the fraction of
 * such groups is returned because "loss 0, grad_norm 0" reports are nearly always this (trl#3857). It is counted by
 * comparing the rewards themselves: the float32 std of equal values is not always 0 (eight 0.3s give 3.2e-8, from
 * the rounding of their mean), so `std == 0` would miss such groups (their advantages are then ~1e-4, not 0, and
 * just as useless).
 */
import { type Tensor, tidy } from '../tensor/index.js';

export type ScaleRewards = 'group' | 'batch' | 'none';

export interface Advantages {
  /** [B*G] float32, in the input's order. */
  advantages: Tensor<'float32'>;
  /** Mean over groups of the unbiased group std: the reference's `reward_std`. */
  rewardStd: number;
  /** Fraction of groups whose rewards all agree (std 0). */
  fracRewardZeroStd: number;
}

export const ADVANTAGE_EPS = 1e-4;

export function groupAdvantages(
  rewards: Tensor<'float32'>,
  numGenerations: number,
  scale: ScaleRewards = 'group',
  eps = ADVANTAGE_EPS,
): Advantages {
  const n = rewards.numel;
  if (rewards.rank !== 1) throw new RangeError(`groupAdvantages: rewards must be 1-D, got [${rewards.shape.join(', ')}]`);
  if (!Number.isInteger(numGenerations) || numGenerations < 2)
    throw new RangeError(`groupAdvantages: numGenerations must be an integer >= 2 (an unbiased std needs 2), got ${numGenerations}`);
  if (n % numGenerations !== 0) throw new RangeError(`groupAdvantages: ${n} rewards are not a multiple of numGenerations=${numGenerations}`);
  return tidy(() => {
    const grouped = rewards.view([n / numGenerations, numGenerations]);
    const mean = grouped.mean(1, true);
    const std = grouped.std(1, { keepdim: true });
    const centred = grouped.sub(mean);
    let adv: Tensor<'float32'>;
    if (scale === 'group') adv = centred.div(std.add(eps));
    else if (scale === 'batch') adv = centred.div(rewards.std().add(eps));
    else adv = centred;
    const stds = std.toArray() as Float32Array;
    const host = rewards.toArray() as Float32Array;
    let constant = 0;
    for (let g = 0; g < n; g += numGenerations) {
      let same = true;
      for (let i = g + 1; i < g + numGenerations && same; i++) same = host[i] === host[g];
      if (same) constant++;
    }
    return {
      advantages: adv.reshape([n]),
      rewardStd: stds.reduce((a, b) => a + b, 0) / stds.length,
      fracRewardZeroStd: constant / stds.length,
    };
  });
}
