/**
 * How per-token losses ℓ[i,t] (masked by m[i,t]) become one scalar. B = completions on this rank, L = max_completion_length.
 *   rarft_token_mean  Σ m·ℓ / Σ m              the reference's default path (use_grpo false): a token mean over
 *                                               all of the rank's completions, unclamped like the reference
 *   bnpo              Σ m·ℓ / max(Σ m, 1)      TRL's bnpo: the same token mean with TRL's clamp
 *   grpo              mean_i (Σ_t m·ℓ / max(Σ_t m, 1))   per-sequence mean, then batch mean (length-biased)
 *   dr_grpo           Σ m·ℓ / (B·L)            Dr. GRPO: a constant normaliser, no length bias
 *   dapo              Σ m·ℓ / N̄                DAPO / TRL's default: N̄ = N_global / (W·K), N_global the active
 *                                               tokens of the whole optimizer step (every rank's, every micro-batch's),
 *                                               W ranks, K micro-batches per rank. Each micro-batch's loss is divided
 *                                               by K before backward and the ranks' gradients are averaged, so the
 *                                               step's gradient is ∇ Σ_all m·ℓ / N_global: every token of the global
 *                                               batch weighs the same, however the batch is split.
 * rarft_token_mean and bnpo differ only when a batch has no completion tokens at all, which the completion mask
 * cannot produce (every row keeps at least its first token); both names exist so configs can say what they mean.
 */
import { type Tensor, tidy } from '../tensor/index.js';

export const LOSS_TYPES = ['rarft_token_mean', 'grpo', 'bnpo', 'dr_grpo', 'dapo'] as const;
export type LossType = (typeof LOSS_TYPES)[number];

export interface ReduceOptions {
  /** dr_grpo's L. */
  maxCompletionLength?: number;
  /** dapo's N̄ = N_global / (W·K) (see `dapoNormaliser`). */
  tokenNormaliser?: number;
}

/** dapo's N̄ from the global active-token count, the number of ranks and the micro-batches per rank. */
export function dapoNormaliser(globalTokens: number, world: number, microBatches: number): number {
  if (!(globalTokens > 0)) throw new RangeError(`dapo: the global batch has ${globalTokens} active tokens (need > 0)`);
  return globalTokens / (world * microBatches);
}

/** Reduces `perToken` [B, T] with `mask` [B, T] (float 0/1) to a scalar, per `lossType`. */
export function reduceLoss(perToken: Tensor<'float32'>, mask: Tensor<'float32'>, lossType: LossType, opts: ReduceOptions = {}): Tensor<'float32'> {
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
        const L = opts.maxCompletionLength;
        if (!L || L <= 0) throw new RangeError('reduceLoss: dr_grpo needs maxCompletionLength > 0');
        return masked.sum().div(perToken.size(0) * L);
      }
      case 'dapo': {
        const n = opts.tokenNormaliser;
        if (!n || !(n > 0)) throw new RangeError('reduceLoss: dapo needs tokenNormaliser > 0 (the global batch\'s active tokens / (ranks · micro-batches))');
        return masked.sum().div(n);
      }
      default:
        throw new RangeError(`reduceLoss: unknown loss type "${lossType as string}" (expected ${LOSS_TYPES.join(' | ')})`);
    }
  });
}
