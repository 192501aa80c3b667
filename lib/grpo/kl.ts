/**
 * The k3 ("low variance") estimator of KL(pi || ref) per token, as in the reference, TRL and verl's low_var_kl:
 *   KL = exp(ref - logp) - (ref - logp) - 1
 * It is >= 0 for every token and unbiased for the sequence KL when tokens are sampled from pi.
 */
import type { FloatDType, Tensor } from '../tensor/index.js';
import { tidy } from '../tensor/index.js';

export function k3Kl<D extends FloatDType>(logps: Tensor<D>, refLogps: Tensor<D>): Tensor<D> {
  return tidy(() => {
    const d = refLogps.sub(logps);
    return d.exp().sub(d).sub(1) as Tensor<D>;
  });
}
