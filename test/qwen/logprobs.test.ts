// Chunked per-token log-probs: equal log_softmax of the full logits gathered at the completion tokens, entropy equals
// the full-distribution entropy, chunk size does not change the result, and gradients equal those of the
// full-logits path (the backward recomputes chunk logits instead of storing [B, T, V]).
import { describe, expect, it } from 'vitest';

import { QwenVL } from '../../lib/qwen/qwen.js';
import { type Tensor, tensor } from '../../lib/tensor/index.js';
import { batchInputs, floats, report, useTinyQwen } from './helpers.js';

const tiny = useTinyQwen();
const T = 9;

function maxAbs(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** log_softmax of the full fp32 logits at positions L-T-1 .. L-2, gathered at the last T tokens. */
async function fullPath(inputs: ReturnType<typeof batchInputs>): Promise<{ lp: Tensor<'float32'>; ent: Tensor<'float32'> }> {
  const L = 185;
  const logits = (await tiny.model.forward(inputs)).narrow(1, L - T - 1, T) as Tensor<'float32'>;
  const logp = logits.logSoftmax(-1);
  const comp = inputs.inputIds.narrow(1, L - T, T);
  const lp = logp.gather(-1, comp.unsqueeze(-1)).squeeze(-1);
  const ent = logp.exp().mul(logp).sum(-1).neg();
  return { lp, ent };
}

describe('QwenVL.logprobs', () => {
  it('equals log_softmax(full logits) at the completion tokens, for any chunk size; entropy too', async () => {
    const inputs = batchInputs(tiny.refs);
    const comp = inputs.inputIds.narrow(1, 185 - T, T).contiguous();
    const full = await fullPath(inputs);
    for (const chunk of [1, 4, 64]) {
      const r = await tiny.model.logprobs(inputs, comp, { chunk, entropy: true });
      expect(r.logprobs.shape).toEqual([2, T]);
      const e1 = maxAbs(floats(r.logprobs), floats(full.lp));
      const e2 = maxAbs(floats(r.entropy!), floats(full.ent));
      report(`logprobs chunk=${chunk} max abs vs full`, e1);
      expect(e1).toBeLessThan(1e-5);
      expect(e2).toBeLessThan(1e-5);
    }
  });

  it('gradients equal the full-logits path (lm_head, a decoder weight, the merger)', async () => {
    const inputs = batchInputs(tiny.refs);
    const comp = inputs.inputIds.narrow(1, 185 - T, T).contiguous();
    const names = tiny.model.parameterNames();
    const params = tiny.model.parameters();
    const pick = ['lm_head.weight', 'model.layers.0.self_attn.q_proj.weight', 'visual.merger.mlp.2.weight'];
    const idx = pick.map((n) => names.indexOf(n));
    idx.forEach((i) => params[i]!.requiresGrad_(true));
    const weights = tensor([[1, -2, 3, 0.5, 1, 1, -1, 2, 1], [0.3, 1, 1, 1, -1, 2, 1, 1, 1]]);
    try {
      const r = await tiny.model.logprobs(inputs, comp, { chunk: 4, entropy: true });
      await r.logprobs.mul(weights).sum().add(r.entropy!.mul(0.7).sum()).backward();
      const g1 = idx.map((i) => floats(params[i]!.grad!));
      idx.forEach((i) => params[i]!.zeroGrad());
      const full = await fullPath(inputs);
      await full.lp.mul(weights).sum().add(full.ent.mul(0.7).sum()).backward();
      const g2 = idx.map((i) => floats(params[i]!.grad!));
      g1.forEach((g, k) => {
        const scale = Math.max(...Array.from(g2[k]!, Math.abs));
        const e = maxAbs(g, g2[k]!) / scale;
        report(`logprobs grad rel ${pick[k]}`, e);
        expect(scale).toBeGreaterThan(0);
        expect(e).toBeLessThan(1e-4);
      });
    } finally {
      idx.forEach((i) => {
        params[i]!.zeroGrad();
        params[i]!.requiresGrad_(false);
      });
    }
  });

  it('rejects completion tokens that are not the tail of input_ids', async () => {
    const inputs = batchInputs(tiny.refs);
    const wrong = tensor([[1, 2], [3, 4]], { dtype: 'int64' });
    await expect(tiny.model.logprobs(inputs, wrong)).rejects.toThrow(/last T columns of input_ids/);
  });

  it('temperature divides the logits', async () => {
    const inputs = batchInputs(tiny.refs);
    const comp = inputs.inputIds.narrow(1, 185 - T, T).contiguous();
    const r = await tiny.model.logprobs(inputs, comp, { temperature: 0.7 });
    const logits = (await tiny.model.forward(inputs)).narrow(1, 185 - T - 1, T).div(0.7) as Tensor<'float32'>;
    const lp = logits.logSoftmax(-1).gather(-1, comp.unsqueeze(-1)).squeeze(-1);
    expect(maxAbs(floats(r.logprobs), floats(lp))).toBeLessThan(1e-5);
  });
});
