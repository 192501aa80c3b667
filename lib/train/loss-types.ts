/**
 * How per-token losses ℓ[i,t] (masked by m[i,t]) become one scalar. B = completions on this rank, L = max_completion_length.
 *   rarft_token_mean  Σ m·ℓ / Σ m              the reference's default path (use_grpo false): a token mean over
 *                                               all of the rank's completions, unclamped like the reference
 *   bnpo              Σ m·ℓ / max(Σ m, 1)      TRL's bnpo: the same token mean with TRL's clamp
 *   grpo              mean_i (Σ_t m·ℓ / max(Σ_t m, 1))   per-sequence mean, then batch mean (length-biased)
 *   dr_grpo           Σ m·ℓ / (B·L)            Dr. GRPO: a constant normaliser, no length bias
 * rarft_token_mean and bnpo differ only when a batch has no completion tokens at all, which the completion mask
 * cannot produce (every row keeps at least its first token); both names exist so configs can say what they mean.
 */
import { type Tensor, tidy } from '../tensor/index.js';

export const LOSS_TYPES = ['rarft_token_mean', 'grpo', 'bnpo', 'dr_grpo'] as const;
export type LossType = (typeof LOSS_TYPES)[number];

/** Reduces `perToken` [B, T] with `mask` [B, T] (float 0/1) to a scalar, per `lossType`. */
export function reduceLoss(perToken: Tensor<'float32'>, mask: Tensor<'float32'>, lossType: LossType, maxCompletionLength?: number): Tensor<'float32'> {
  return tidy(() => {
    const masked = perToken.mul(mask);
    switch (lossType) {
      case 'rarft_token_mean':
        return masked.sum().div(mask.sum());
      case 'bnpo':
        return masked.sum().div(mask.sum().clamp(1));
      case 'grpo':
        return masked.sum(1).div(mask.sum(1).clamp(1)).mean();
      case 'dr_grpo': {
        if (!maxCompletionLength || maxCompletionLength <= 0)
          throw new RangeError('reduceLoss: dr_grpo needs maxCompletionLength > 0');
        return masked.sum().div(perToken.size(0) * maxCompletionLength);
      }
      default:
        throw new RangeError(`reduceLoss: unknown loss type "${lossType as string}" (expected ${LOSS_TYPES.join(' | ')})`);
    }
  });
}
