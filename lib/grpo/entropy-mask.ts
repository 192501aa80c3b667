/**
 * top_entropy_quantile (Wang et al. 2025, "Beyond the 80/20 rule"): the policy-gradient term is kept only on each
 * completion's highest-entropy tokens, the "forking" tokens where the model actually chooses.
 *   For completion i with n_i active tokens (mask m) and entropies H[i,t]: τ_i = the (1 - q) quantile of its active
 *   entropies (linear interpolation, as torch.quantile), and the mask keeps m[i,t] = 1 with H[i,t] >= τ_i.
 * With linear interpolation "H >= τ_i" keeps exactly the values at or above the k_i-th largest, k_i = n_i -
 * ceil((1 - q)(n_i - 1)), so the threshold is read from a descending sort (ties with it are kept). q = 1 keeps every
 * active token; any q keeps at least each completion's maximum. The quantile is per completion, as the option
 * says, not over the batch as TRL does: a long completion cannot take every kept slot from a short one, and ranks
 * need no exchange. No gradient flows through the mask (entropies are only compared).
 */
import { type Tensor, noGrad, tidy } from '../tensor/index.js';

/** A float 0/1 mask [B, T] of the tokens to train on; entropy and mask [B, T] on the same device. */
export function highEntropyMask(entropy: Tensor<'float32'>, mask: Tensor<'float32'>, quantile: number): Tensor<'float32'> {
  if (!(quantile > 0 && quantile <= 1)) throw new RangeError(`highEntropyMask: quantile must be in (0, 1], got ${quantile}`);
  if (entropy.rank !== 2 || entropy.shape[0] !== mask.shape[0] || entropy.shape[1] !== mask.shape[1])
    throw new RangeError(`highEntropyMask: entropy [${entropy.shape.join(', ')}] and mask [${mask.shape.join(', ')}] must both be [B, T]`);
  return noGrad(() =>
    tidy(() => {
      const active = mask.gt(0);
      // inactive positions sort last
      const sorted = entropy.detach().maskedFill(active.logicalNot(), -Infinity).sort(1, true).values;
      const n = mask.sum(1, true);
      // k_i = n_i - ceil((1 - q)(n_i - 1)); the 1e-6 keeps an exact integer (0.2·5) from rounding up to the next one
      const k = n.sub(n.sub(1).mul(1 - quantile).sub(1e-6).ceil()).clamp(1);
      const tau = sorted.gather(1, k.sub(1).to('int64'));
      return entropy.detach().ge(tau).logicalAnd(active).to('float32');
    }),
  );
}
