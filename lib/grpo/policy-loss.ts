/**
 * The clipped-surrogate GRPO loss with an optional k3 KL penalty (§4.3):
 *   ρ = exp(logp - old),  ℓ = -min(ρ'·A, clip(ρ, 1-ε_low, 1+ε_high)·A)·e + β·KL_k3(ref, logp)
 * then reduced by `lossType` (loss-types.ts). With num_iterations = 1 there is no stored old policy: old is
 * logp.detach(), so ρ ≡ 1 in value, the clip never binds, and the gradient is -A·∇logp (+ the KL term).
 *   importance_sampling_level 'sequence' (GSPO, Zheng et al. 2025): one ratio per completion, the geometric mean of
 *     its token ratios, s_i = exp(Σ_t m·(logp - old) / Σ_t m), used for every token of the completion (so its
 *     gradient spreads evenly over the completion's tokens); the clip then acts on whole sequences.
 *   delta (INTELLECT-2's two-sided clip, TRL's `delta`): ρ' = min(ρ, δ). For A < 0 the min above picks the larger
 *     ratio, which the ε clip leaves unbounded; δ bounds it. For A > 0 it changes nothing while δ > 1 + ε_high
 *     (which the config requires). Without delta ρ' = ρ.
 *   e: top_entropy_quantile's mask (entropy-mask.ts), 1 everywhere when absent. It removes the policy-gradient term
 *     of the other tokens but not their KL term nor their place in the normaliser (as TRL does).
 * Metrics are measured without grad and returned as plain numbers for the logger.
 */
import { type Tensor, noGrad, tidy } from '../tensor/index.js';
import { k3Kl } from './kl.js';
import { type LossType, reduceLoss } from './loss-types.js';

export const IMPORTANCE_SAMPLING_LEVELS = ['token', 'sequence'] as const;
export type ImportanceSamplingLevel = (typeof IMPORTANCE_SAMPLING_LEVELS)[number];

export interface PolicyLossInput {
  /** Per-token log-probs of the sampled tokens under the current policy, [B, T], with grad. */
  logps: Tensor<'float32'>;
  /** Log-probs at rollout time ([B, T]); omit for num_iterations = 1 (then old = logps.detach()). */
  oldLogps?: Tensor<'float32'> | null;
  /** Reference-model log-probs ([B, T]); required when beta != 0. */
  refLogps?: Tensor<'float32'> | null;
  /** One advantage per completion, [B]. */
  advantages: Tensor<'float32'>;
  /** Completion mask [B, T] (float 0/1), from completionMask(). */
  mask: Tensor<'float32'>;
  /** top_entropy_quantile's mask [B, T] (float 0/1) of the tokens whose policy-gradient term is kept; null = all. */
  entropyMask?: Tensor<'float32'> | null;
}

export interface PolicyLossOptions {
  lossType: LossType;
  beta: number;
  epsilonLow: number;
  epsilonHigh: number;
  /** Needed by dr_grpo. */
  maxCompletionLength?: number;
  /** Needed by dapo: N_global / (ranks · micro-batches) (loss-types.ts). */
  tokenNormaliser?: number;
  /** Default 'token'. */
  importanceSamplingLevel?: ImportanceSamplingLevel;
  /** Upper bound of the ratio's unclipped branch (two-sided clip for A < 0); null/absent = none. */
  delta?: number | null;
}

export interface PolicyLossMetrics {
  /** Mean over completions of each completion's token-mean k3 KL (the reference's `kl`); null when beta = 0. */
  kl: number | null;
  /** Masked fraction of tokens where the low clip is active (ρ < 1-ε_low and A < 0), TRL's clip_ratio/low_mean. */
  clipRatioLow: number;
  /** Masked fraction where the high clip is active (ρ > 1+ε_high and A > 0). */
  clipRatioHigh: number;
  /** Masked fraction where either is active (TRL's clip_ratio/region_mean). */
  clipRatioRegion: number;
  /** Masked fraction where delta binds (ρ > δ and A < 0); null without delta. */
  clipRatioDelta: number | null;
}

export interface PolicyLoss {
  /** Scalar loss with grad. */
  loss: Tensor<'float32'>;
  metrics: PolicyLossMetrics;
}

export function policyLoss(input: PolicyLossInput, opts: PolicyLossOptions): PolicyLoss {
  const { logps, mask, advantages } = input;
  if (logps.rank !== 2) throw new RangeError(`policyLoss: logps must be [B, T], got [${logps.shape.join(', ')}]`);
  const [B, T] = logps.shape as [number, number];
  const same = (t: Tensor, what: string) => {
    if (t.shape.length !== 2 || t.shape[0] !== B || t.shape[1] !== T)
      throw new RangeError(`policyLoss: ${what} must be [${B}, ${T}], got [${t.shape.join(', ')}]`);
  };
  same(mask, 'mask');
  if (input.oldLogps) same(input.oldLogps, 'oldLogps');
  if (input.entropyMask) same(input.entropyMask, 'entropyMask');
  if (advantages.rank !== 1 || advantages.shape[0] !== B)
    throw new RangeError(`policyLoss: advantages must be [${B}], got [${advantages.shape.join(', ')}]`);
  if (opts.beta !== 0) {
    if (!input.refLogps) throw new RangeError('policyLoss: beta != 0 needs refLogps (or set beta = 0 to skip the reference model)');
    same(input.refLogps, 'refLogps');
  }
  const delta = opts.delta ?? null;
  if (delta !== null && !(delta > 1 + opts.epsilonHigh))
    throw new RangeError(`policyLoss: delta (${delta}) must exceed 1 + epsilonHigh (${1 + opts.epsilonHigh}), else it also clips positive advantages`);
  const level = opts.importanceSamplingLevel ?? 'token';
  return tidy(() => {
    const old = input.oldLogps ?? logps.detach();
    const logRatio = logps.sub(old);
    // [B, T] per token, or [B, 1] per sequence (broadcast over the completion's tokens below)
    const ratio = level === 'sequence' ? logRatio.mul(mask).sum(1, true).div(mask.sum(1, true).clamp(1)).exp() : logRatio.exp();
    const clipped = ratio.clamp(1 - opts.epsilonLow, 1 + opts.epsilonHigh);
    const unclipped = delta !== null ? ratio.clamp(null, delta) : ratio;
    const A = advantages.unsqueeze(1);
    let perToken = unclipped.mul(A).minimum(clipped.mul(A)).neg().expand([B, T]);
    if (input.entropyMask) perToken = perToken.mul(input.entropyMask);
    let klTok: Tensor<'float32'> | null = null;
    if (opts.beta !== 0) {
      klTok = k3Kl(logps, input.refLogps!);
      perToken = perToken.add(klTok.mul(opts.beta));
    }
    const loss = reduceLoss(perToken, mask, opts.lossType, {
      ...(opts.maxCompletionLength !== undefined ? { maxCompletionLength: opts.maxCompletionLength } : {}),
      ...(opts.tokenNormaliser !== undefined ? { tokenNormaliser: opts.tokenNormaliser } : {}),
    });
    const metrics = noGrad(() =>
      tidy(() => {
        const count = mask.sum().clamp(1);
        const r = ratio.detach().expand([B, T]);
        const neg = A.lt(0).expand([B, T]);
        const frac = (hit: Tensor<'bool'>) => hit.to('float32').mul(mask).sum().div(count).item();
        const low = r.lt(1 - opts.epsilonLow).logicalAnd(neg);
        const high = r.gt(1 + opts.epsilonHigh).logicalAnd(A.gt(0).expand([B, T]));
        return {
          kl: klTok ? klTok.mul(mask).sum(1).div(mask.sum(1).clamp(1)).mean().item() : null,
          clipRatioLow: frac(low),
          clipRatioHigh: frac(high),
          clipRatioRegion: frac(low.logicalOr(high)),
          clipRatioDelta: delta !== null ? frac(r.gt(delta).logicalAnd(neg)) : null,
        };
      }),
    );
    return { loss, metrics };
  });
}
