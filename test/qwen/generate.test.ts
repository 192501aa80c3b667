// KV-cache generation: greedy tokens equal transformers' generate on the fixture; each step's chosen-token log-prob
// equals HF's raw per-step logits; cached decoding equals a no-cache forward over prompt + generated tokens with
// positions recomputed by the §3.2 rule (this checks the rope_deltas decode positions); sampling is seeded and
// stop ids end rows.
import { describe, expect, it } from 'vitest';

import { QwenVL } from '../../lib/qwen/qwen.js';
import { type Tensor, cat, fromTypedArray, ones } from '../../lib/tensor/index.js';
import { batchInputs, floats, ints, ref, reference, report, useTinyQwen } from './helpers.js';

const tiny = useTinyQwen();

describe('QwenVL.generate', () => {
  it('greedy tokens equal HF generate; chosen-token log-probs equal log_softmax of HF per-step logits', async () => {
    const g = await tiny.model.generate(batchInputs(tiny.refs), { maxNewTokens: 4 });
    expect(ints(g.tokens)).toEqual(ints(ref(tiny.refs, 'generate.tokens')));
    expect(ints(g.lengths)).toEqual([4, 4]);
    const hf = ref<Tensor<'float32'>>(tiny.refs, 'generate.logits').logSoftmax(-1);
    const lp = floats(hf.gather(-1, ref<Tensor<'int64'>>(tiny.refs, 'generate.tokens').unsqueeze(-1)).squeeze(-1));
    const ours = floats(g.logprobs);
    let m = 0;
    for (let i = 0; i < lp.length; i++) m = Math.max(m, Math.abs(lp[i]! - ours[i]!));
    report('generate chosen logprob max abs vs HF', m);
    expect(m).toBeLessThan(1e-4);
  });

  it('repetition penalty: greedy tokens equal a step-by-step reference that penalises every token already in the row', async () => {
    const inputs = batchInputs(tiny.refs);
    const P = 3.0;
    const g = await tiny.model.generate(inputs, { maxNewTokens: 5, repetitionPenalty: P });
    const plain = await tiny.model.generate(inputs, { maxNewTokens: 5 });
    const rows = [0, 1].map((b) => ints(inputs.inputIds.select(0, b))); // prompt incl. left padding, as HF penalises
    const L = rows[0]!.length;
    const want: number[][] = [[], []];
    for (let t = 0; t < 5; t++) {
      const gen = fromTypedArray(BigInt64Array.from(want.flat(), (x) => BigInt(x)), [2, t], 'int64');
      const ids = t ? cat([inputs.inputIds, gen], 1) : inputs.inputIds;
      const mask = t ? cat([inputs.attentionMask, ones([2, t], { dtype: 'int64' })], 1) : inputs.attentionMask;
      const logits = await tiny.model.forward({ ...inputs, inputIds: ids, attentionMask: mask });
      for (let b = 0; b < 2; b++) {
        const z = Array.from(floats(logits.select(0, b).select(0, L + t - 1)));
        for (const tok of new Set([...rows[b]!, ...want[b]!])) z[tok] = z[tok]! < 0 ? z[tok]! * P : z[tok]! / P;
        want[b]!.push(z.indexOf(Math.max(...z)));
      }
    }
    expect(ints(g.tokens)).toEqual(want.flat());
    report('repetition penalty changed greedy tokens (0/1)', ints(g.tokens).join() === ints(plain.tokens).join() ? 0 : 1);
    await expect(tiny.model.generate(inputs, { maxNewTokens: 2, repetitionPenalty: 0 })).rejects.toThrow(/repetitionPenalty > 0/);
  });

  it('cached decoding equals a no-cache forward over prompt + generated tokens', async () => {
    const inputs = batchInputs(tiny.refs);
    const g = await tiny.model.generate(inputs, { maxNewTokens: 6 });
    const N = g.tokens.shape[1]!;
    const ids = cat([inputs.inputIds, g.tokens], 1);
    const mask = cat([inputs.attentionMask, ones([2, N], { dtype: 'int64' })], 1);
    const logits = await tiny.model.forward({ ...inputs, inputIds: ids, attentionMask: mask });
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
    const inputs = batchInputs(tiny.refs);
    const a = await tiny.model.generate(inputs, { maxNewTokens: 8, temperature: 1.5, seed: 7 });
    const b = await tiny.model.generate(inputs, { maxNewTokens: 8, temperature: 1.5, seed: 7 });
    const c = await tiny.model.generate(inputs, { maxNewTokens: 8, temperature: 1.5, seed: 8 });
    expect(ints(a.tokens)).toEqual(ints(b.tokens));
    expect(ints(a.tokens)).not.toEqual(ints(c.tokens));
    const greedy = await tiny.model.generate(inputs, { maxNewTokens: 8 });
    const k1 = await tiny.model.generate(inputs, { maxNewTokens: 8, temperature: 1.5, topK: 1, seed: 3 });
    expect(ints(k1.tokens)).toEqual(ints(greedy.tokens));
    const p0 = await tiny.model.generate(inputs, { maxNewTokens: 8, temperature: 1.5, topP: 1e-6, seed: 3 });
    expect(ints(p0.tokens)).toEqual(ints(greedy.tokens));
  });

  it('stop ids end a row (counted in its length), later slots hold padId', async () => {
    const inputs = batchInputs(tiny.refs);
    const greedy = await tiny.model.generate(inputs, { maxNewTokens: 8 });
    const row0 = ints(greedy.tokens).slice(0, 8);
    const stopAt = 2;
    const g = await tiny.model.generate(inputs, { maxNewTokens: 8, stopIds: [row0[stopAt]!], padId: 1002 });
    const t = ints(g.tokens);
    const len0 = ints(g.lengths)[0]!;
    expect(len0).toBe(row0.indexOf(row0[stopAt]!) + 1);
    for (let k = len0; k < g.tokens.shape[1]!; k++) expect(t[k]).toBe(1002);
  });

  it('prefix sharing: G samples per prompt; greedy rows equal the unforked run; sampled rows equal a no-cache forward', async () => {
    const inputs = batchInputs(tiny.refs);
    const G = 3;
    const greedy = await tiny.model.generate(inputs, { maxNewTokens: 5 });
    const forked = await tiny.model.generate(inputs, { maxNewTokens: 5, numReturnSequences: G });
    expect(forked.tokens.shape).toEqual([2 * G, 5]);
    const one = ints(greedy.tokens);
    const many = ints(forked.tokens);
    for (let b = 0; b < 2; b++) for (let g = 0; g < G; g++) expect(many.slice((b * G + g) * 5, (b * G + g + 1) * 5)).toEqual(one.slice(b * 5, b * 5 + 5));

    const s = await tiny.model.generate(inputs, { maxNewTokens: 5, numReturnSequences: G, temperature: 1.3, seed: 11 });
    const N = s.tokens.shape[1]!;
    // The same prompts repeated G times (prompt-major), with their visual items repeated in the same order.
    const rep = <T extends Tensor>(t: T): T => t.repeatInterleave(G, 0) as T;
    const img = inputs.pixelValues;
    const pv = cat<'float32'>([...Array<Tensor<'float32'>>(G).fill(img.narrow(0, 0, 256)), ...Array<Tensor<'float32'>>(G).fill(img.narrow(0, 256, 256))], 0);
    const vid = cat<'float32'>(Array<Tensor<'float32'>>(G).fill(inputs.pixelValuesVideos), 0);
    const ids = cat([rep(inputs.inputIds), s.tokens], 1);
    const mask = cat([rep(inputs.attentionMask), ones([2 * G, N], { dtype: 'int64' })], 1);
    const logits = await tiny.model.forward({
      inputIds: ids,
      attentionMask: mask,
      pixelValues: pv,
      imageGridThw: rep(inputs.imageGridThw).narrow(0, 0, 2 * G),
      pixelValuesVideos: vid,
      videoGridThw: rep(inputs.videoGridThw),
      secondPerGridTs: rep(inputs.secondPerGridTs!),
    });
    const steps = logits.narrow(1, 184, N).div(1.3) as Tensor<'float32'>; // log-probs are under logits / temperature
    const lp = floats(steps.logSoftmax(-1).gather(-1, s.tokens.unsqueeze(-1)).squeeze(-1));
    const ours = floats(s.logprobs);
    let m = 0;
    for (let i = 0; i < lp.length; i++) m = Math.max(m, Math.abs(lp[i]! - ours[i]!));
    report('forked sampled logprob max abs vs no-cache', m);
    expect(m).toBeLessThan(1e-4);
    expect(new Set(Array.from({ length: 2 * G }, (_, r) => ints(s.tokens).slice(r * N, r * N + N).join(','))).size).toBeGreaterThan(2);
  });

  it('refuses right padding', async () => {
    const inputs = batchInputs(tiny.refs);
    const mask = inputs.attentionMask.flip([1]);
    await expect(tiny.model.generate({ ...inputs, attentionMask: mask })).rejects.toThrow(/left padded/);
  });
});
