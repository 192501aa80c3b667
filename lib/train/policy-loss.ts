/**
 * The clipped-surrogate GRPO loss with an optional k3 KL penalty (§4.3):
 *   ρ = exp(logp - old),  ℓ = -min(ρ·A, clip(ρ, 1-ε_low, 1+ε_high)·A) + β·KL_k3(ref, logp)
 * then reduced by `lossType` (loss-types.ts). With num_iterations = 1 there is no stored old policy: old is
 * logp.detach(), so ρ ≡ 1 in value, the clip never binds, and the gradient is -A·∇logp (+ the KL term).
 * Metrics are measured without grad and returned as plain numbers for the logger.
 */
import { type Tensor, noGrad, tidy } from '../tensor/index.js';
import { k3Kl } from './kl.js';
import { type LossType, reduceLoss } from './loss-types.js';

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
}

export interface PolicyLossOptions {
  lossType: LossType;
  beta: number;
  epsilonLow: number;
  epsilonHigh: number;
  /** Needed by dr_grpo. */
  maxCompletionLength?: number;
}

export interface PolicyLossMetrics {
  /** Mean over completions of each completion's token-mean k3 KL (the reference's `kl`); null when beta = 0. */
  kl: number | null;
  /** Masked fraction of tokens where the low clip is active (ρ < 1-ε_low and A < 0), TRL's clip_ratio/low_mean. */
  clipRatioLow: number;
  /** Masked fraction where the high clip is active (ρ > 1+ε_high and A > 0). */
  clipRatioHigh: number;
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
  if (advantages.rank !== 1 || advantages.shape[0] !== B)
    throw new RangeError(`policyLoss: advantages must be [${B}], got [${advantages.shape.join(', ')}]`);
  if (opts.beta !== 0) {
    if (!input.refLogps) throw new RangeError('policyLoss: beta != 0 needs refLogps (or set beta = 0 to skip the reference model)');
    same(input.refLogps, 'refLogps');
  }
  return tidy(() => {
    const old = input.oldLogps ?? logps.detach();
    const ratio = logps.sub(old).exp();
    const clipped = ratio.clamp(1 - opts.epsilonLow, 1 + opts.epsilonHigh);
    const A = advantages.unsqueeze(1);
    let perToken = ratio.mul(A).minimum(clipped.mul(A)).neg();
    let klTok: Tensor<'float32'> | null = null;
    if (opts.beta !== 0) {
      klTok = k3Kl(logps, input.refLogps!);
      perToken = perToken.add(klTok.mul(opts.beta));
    }
    const loss = reduceLoss(perToken, mask, opts.lossType, opts.maxCompletionLength);
    const metrics = noGrad(() =>
      tidy(() => {
        const count = mask.sum().clamp(1);
        const low = ratio.lt(1 - opts.epsilonLow).logicalAnd(A.lt(0).expand([B, T])).to('float32');
        const high = ratio.gt(1 + opts.epsilonHigh).logicalAnd(A.gt(0).expand([B, T])).to('float32');
        return {
          kl: klTok ? klTok.mul(mask).sum(1).div(mask.sum(1).clamp(1)).mean().item() : null,
          clipRatioLow: low.mul(mask).sum().div(count).item(),
          clipRatioHigh: high.mul(mask).sum().div(count).item(),
        };
      }),
    );
    return { loss, metrics };
  });
}
