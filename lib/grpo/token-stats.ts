/**
 * Per-token quantities taken from the policy's logits in the log-prob forward (§4.2 item 5):
 * the log-prob of each sampled token, and the entropy H = -Σ p log p the reference logs as `generation_entropy`.
 */
import { type Tensor, tidy } from '../tensor/index.js';

/** log softmax(logits)[ids]: logits [B, T, V], ids [B, T] -> [B, T]. */
export function selectTokenLogps(logits: Tensor<'float32'>, ids: Tensor<'int64'>): Tensor<'float32'> {
  return tidy(() => logits.logSoftmax(-1).gather(-1, ids.unsqueeze(-1)).squeeze(-1));
}

/** Entropy per position, [B, T, V] -> [B, T]: logsumexp(z) - Σ softmax(z)·z (stable for large logits). */
export function tokenEntropy(logits: Tensor<'float32'>): Tensor<'float32'> {
  return tidy(() => logits.logsumexp(-1).sub(logits.softmax(-1).mul(logits).sum(-1)));
}

/** Batch mean of each completion's masked token mean (the reference's aggregation for entropy and kl). */
export function meanOfSequenceMeans(perToken: Tensor<'float32'>, mask: Tensor<'float32'>): number {
  return tidy(() => perToken.mul(mask).sum(1).div(mask.sum(1).clamp(1)).mean().item());
}
