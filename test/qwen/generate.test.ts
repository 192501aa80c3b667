// KV-cache generation: greedy tokens equal transformers' generate on the fixture; each step's chosen-token log-prob
// equals HF's raw per-step logits; cached decoding equals a no-cache forward over prompt + generated tokens with
// positions recomputed by the §3.2 rule (this checks the rope_deltas decode positions); sampling is seeded and
// stop ids end rows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { QwenVL } from '../../lib/model/qwen.js';
import { type Tensor, cat, ones } from '../../lib/tensor/index.js';
import { TINY, batchInputs, floats, ints, ref, reference, report } from './helpers.js';

let model: QwenVL;
let refs: Map<string, Tensor>;
beforeAll(async () => {
  refs = await reference();
  model = await QwenVL.load(TINY);
});
afterAll(() => model.dispose());

describe('QwenVL.generate', () => {
  it('greedy tokens equal HF generate; chosen-token log-probs equal log_softmax of HF per-step logits', async () => {
    const g = await model.generate(batchInputs(refs), { maxNewTokens: 4 });
    expect(ints(g.tokens)).toEqual(ints(ref(refs, 'generate.tokens')));
    expect(ints(g.lengths)).toEqual([4, 4]);
    const hf = ref<Tensor<'float32'>>(refs, 'generate.logits').logSoftmax(-1);
    const lp = floats(hf.gather(-1, ref<Tensor<'int64'>>(refs, 'generate.tokens').unsqueeze(-1)).squeeze(-1));
    const ours = floats(g.logprobs);
    let m = 0;
    for (let i = 0; i < lp.length; i++) m = Math.max(m, Math.abs(lp[i]! - ours[i]!));
    report('generate chosen logprob max abs vs HF', m);
    expect(m).toBeLessThan(1e-4);
  });

  it('cached decoding equals a no-cache forward over prompt + generated tokens', async () => {
    const inputs = batchInputs(refs);
    const g = await model.generate(inputs, { maxNewTokens: 6 });
    const N = g.tokens.shape[1]!;
    const ids = cat([inputs.inputIds, g.tokens], 1);
    const mask = cat([inputs.attentionMask, ones([2, N], { dtype: 'int64' })], 1);
    const logits = await model.forward({ ...inputs, inputIds: ids, attentionMask: mask });
    const L = 185;
    const steps = logits.narrow(1, L - 1, N) as Tensor<'float32'>;
    expect(ints(steps.argmax(-1))).toEqual(ints(g.tokens));
    const lp = floats(steps.logSoftmax(-1).gather(-1, g.tokens.unsqueeze(-1)).squeeze(-1));
    const ours = floats(g.logprobs);
    let m = 0;
    for (let i = 0; i < lp.length; i++) m = Math.max(m, Math.abs(lp[i]! - ours[i]!));
    report('cached vs no-cache logprob max abs', m);
    expect(m).toBeLessThan(1e-4);
  });

  it('sampling: same seed -> same tokens, other seed -> different; topK=1 equals greedy', async () => {
    const inputs = batchInputs(refs);
    const a = await model.generate(inputs, { maxNewTokens: 8, temperature: 1.5, seed: 7 });
    const b = await model.generate(inputs, { maxNewTokens: 8, temperature: 1.5, seed: 7 });
    const c = await model.generate(inputs, { maxNewTokens: 8, temperature: 1.5, seed: 8 });
    expect(ints(a.tokens)).toEqual(ints(b.tokens));
    expect(ints(a.tokens)).not.toEqual(ints(c.tokens));
    const greedy = await model.generate(inputs, { maxNewTokens: 8 });
    const k1 = await model.generate(inputs, { maxNewTokens: 8, temperature: 1.5, topK: 1, seed: 3 });
    expect(ints(k1.tokens)).toEqual(ints(greedy.tokens));
    const p0 = await model.generate(inputs, { maxNewTokens: 8, temperature: 1.5, topP: 1e-6, seed: 3 });
    expect(ints(p0.tokens)).toEqual(ints(greedy.tokens));
  });

  it('stop ids end a row (counted in its length), later slots hold padId', async () => {
    const inputs = batchInputs(refs);
    const greedy = await model.generate(inputs, { maxNewTokens: 8 });
    const row0 = ints(greedy.tokens).slice(0, 8);
    const stopAt = 2;
    const g = await model.generate(inputs, { maxNewTokens: 8, stopIds: [row0[stopAt]!], padId: 1002 });
    const t = ints(g.tokens);
    const len0 = ints(g.lengths)[0]!;
    expect(len0).toBe(row0.indexOf(row0[stopAt]!) + 1);
    for (let k = len0; k < g.tokens.shape[1]!; k++) expect(t[k]).toBe(1002);
  });

  it('refuses right padding', async () => {
    const inputs = batchInputs(refs);
    const mask = inputs.attentionMask.flip([1]);
    await expect(model.generate({ ...inputs, attentionMask: mask })).rejects.toThrow(/left padded/);
  });
});
