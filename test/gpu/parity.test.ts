// Numerics on a real GPU against the committed HF transformers reference (test/fixtures/qwen) and against the CPU:
// fp32 logits, per-token log-probs (full rows and the shared-prompt form, with their gradients), and bf16 within the
// tolerance bf16 allows. Printed numbers go into the GPU check's table.
import { describe, expect, it } from 'vitest';

import { QwenVL } from '../../lib/qwen/qwen.js';
import { type Tensor, cat, ones } from '../../lib/tensor/index.js';
import { TINY, batchInputs, cosine, floats, maskedRows, ref, relErr, report } from '../qwen/helpers.js';
import { GPU, HAS_GPU, skipNote } from './gpu.js';
import { loadTinyModels } from './tiny-models.js';

let refs: Map<string, Tensor>;
let gpu: QwenVL;
let cpu: QwenVL;

const maxAbs = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

describe.runIf(HAS_GPU)(`parity on ${GPU}${skipNote()}`, () => {
  loadTinyModels((m) => ({ gpu, cpu, refs } = m));

  it('fp32 logits equal HF on the real tokens (relative error < 1e-5)', async () => {
    const logits = await gpu.forward(batchInputs(refs));
    const ours = maskedRows(logits.to('cpu'), ref(refs, 'attention_mask'));
    const hf = maskedRows(ref(refs, 'logits'), ref(refs, 'attention_mask'));
    let num = 0, den = 0;
    ours.forEach((r, i) => {
      num = Math.max(num, maxAbs(r, hf[i]!));
      den = Math.max(den, hf[i]!.reduce((m, x) => Math.max(m, Math.abs(x)), 0));
    });
    report('gpu fp32 logits rel err vs HF', num / den);
    expect(num / den).toBeLessThan(1e-5);
  });

  it('fp32 log-probs and their gradients equal the CPU, for full rows and the shared-prompt form', async () => {
    const inputs = batchInputs(refs);
    const completion = (await cpu.generate(inputs, { maxNewTokens: 6 })).tokens;
    const full = { ...inputs, inputIds: cat([inputs.inputIds, completion], 1), attentionMask: cat([inputs.attentionMask, ones(completion.shape, { dtype: 'int64' })], 1) };
    const a = (await gpu.logprobs(full, completion.to(GPU))).logprobs;
    const b = (await cpu.logprobs(full, completion)).logprobs;
    const d = maxAbs(floats(a.to('cpu')), floats(b));
    report('gpu vs cpu fp32 logprob max abs', d);
    expect(d).toBeLessThan(1e-4);
    // the GRPO update's form: one prompt, G completions (prompt computed once), gradients into the LM head
    const one = { ...inputs, inputIds: inputs.inputIds.narrow(0, 0, 1), attentionMask: inputs.attentionMask.narrow(0, 0, 1) };
    const row0 = { ...one, pixelValues: inputs.pixelValues.narrow(0, 0, 256), imageGridThw: inputs.imageGridThw.narrow(0, 0, 1), videoGridThw: inputs.videoGridThw, secondPerGridTs: inputs.secondPerGridTs };
    const G = completion.narrow(0, 0, 1).repeat([3, 1]);
    // the LM head (tied checkpoints have none: then the embedding is the head)
    const head = (m: QwenVL) => {
      const names = m.parameterNames();
      const i = names.includes('lm_head.weight') ? names.indexOf('lm_head.weight') : names.indexOf('model.embed_tokens.weight');
      return m.parameters()[i]!.requiresGrad_(true);
    };
    const heads = [head(gpu), head(cpu)];
    const la = (await gpu.groupLogprobs(row0, G.to(GPU))).logprobs;
    const lb = (await cpu.groupLogprobs(row0, G)).logprobs;
    await la.sum().backward();
    await lb.sum().backward();
    const gd = relErr(heads[0]!.grad!.to('cpu'), heads[1]!.grad!);
    report('gpu vs cpu lm_head grad rel err (shared prompt)', gd);
    expect(maxAbs(floats(la.to('cpu')), floats(lb))).toBeLessThan(1e-4);
    expect(gd).toBeLessThan(1e-4);
  });

  it('bf16 logits stay within bf16 tolerance of HF fp32 (rel err < 3e-2, top-1 agreement >= 95%)', async () => {
    const half = await QwenVL.load(TINY, { device: GPU, dtype: 'bfloat16' });
    try {
      const logits = (await half.forward(batchInputs(refs))).to('float32').to('cpu');
      const ours = maskedRows(logits, ref(refs, 'attention_mask'));
      const hf = maskedRows(ref(refs, 'logits'), ref(refs, 'attention_mask'));
      let num = 0, den = 0, agree = 0, cos = 1;
      ours.forEach((r, i) => {
        num = Math.max(num, maxAbs(r, hf[i]!));
        den = Math.max(den, hf[i]!.reduce((m, x) => Math.max(m, Math.abs(x)), 0));
        if (r.indexOf(Math.max(...r)) === hf[i]!.indexOf(Math.max(...hf[i]!))) agree++;
        cos = Math.min(cos, cosine(r, hf[i]!));
      });
      report('gpu bf16 logits rel err vs HF fp32', num / den);
      report('gpu bf16 top-1 agreement', agree / ours.length);
      report('gpu bf16 min row cosine', cos);
      expect(num / den).toBeLessThan(3e-2);
      expect(agree / ours.length).toBeGreaterThanOrEqual(0.95);
    } finally {
      half.dispose();
    }
  });
});
