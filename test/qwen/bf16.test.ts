// bf16 behaves like HF's bf16 model (spec §7.1-7.2): judged statistically, since rounding differs between attention
// kernels. Cosine ≥ 0.999 per real-token row against the fp32 reference, and against HF's own bf16 logits.
import { describe, expect, it } from 'vitest';

import { QwenVL } from '../../lib/qwen/qwen.js';
import type { Tensor } from '../../lib/tensor/index.js';
import { TINY, batchInputs, cosine, maskedRows, ref, reference, report, useTinyQwen } from './helpers.js';

const tiny = useTinyQwen({ dtype: 'bfloat16' });

function argmax(r: Float32Array): number {
  let best = 0;
  for (let i = 1; i < r.length; i++) if (r[i]! > r[best]!) best = i;
  return best;
}

describe('QwenVL bf16', () => {
  it('keeps bf16 weights and returns bf16 logits', async () => {
    expect(tiny.model.parameters()[0]!.dtype).toBe('bfloat16');
    const logits = await tiny.model.forward(batchInputs(tiny.refs));
    expect(logits.dtype).toBe('bfloat16');
  });

  it('logits cosine >= 0.999 per real token vs fp32 HF, and vs bf16 HF; top-1 agreement reported', async () => {
    const logits = await tiny.model.forward(batchInputs(tiny.refs));
    const mask = ref(tiny.refs, 'attention_mask');
    const ours = maskedRows(logits, mask);
    const f32 = maskedRows(ref(tiny.refs, 'logits'), mask);
    const hfb = maskedRows(ref(tiny.refs, 'logits.bf16'), mask);
    let minF = 1, minB = 1, agreeF = 0, agreeB = 0;
    ours.forEach((row, i) => {
      minF = Math.min(minF, cosine(row, f32[i]!));
      minB = Math.min(minB, cosine(row, hfb[i]!));
      agreeF += Number(argmax(row) === argmax(f32[i]!));
      agreeB += Number(argmax(row) === argmax(hfb[i]!));
    });
    report('bf16 min cosine vs fp32 HF', minF);
    report('bf16 min cosine vs bf16 HF', minB);
    report('bf16 top-1 agreement vs fp32 HF', agreeF / ours.length);
    report('bf16 top-1 agreement vs bf16 HF', agreeB / ours.length);
    expect(minF).toBeGreaterThanOrEqual(0.999);
    expect(minB).toBeGreaterThanOrEqual(0.999);
  });
});

describe('QwenVL fp16', () => {
  it('logits cosine >= 0.999 per real token vs fp32 HF; greedy tokens equal HF', async () => {
    const m = await QwenVL.load(TINY, { dtype: 'float16' });
    try {
      const logits = await m.forward(batchInputs(tiny.refs));
      expect(logits.dtype).toBe('float16');
      const mask = ref(tiny.refs, 'attention_mask');
      const ours = maskedRows(logits, mask), f32 = maskedRows(ref(tiny.refs, 'logits'), mask);
      let minF = 1;
      ours.forEach((row, i) => (minF = Math.min(minF, cosine(row, f32[i]!))));
      report('fp16 min cosine vs fp32 HF', minF);
      expect(minF).toBeGreaterThanOrEqual(0.999);
      const g = await m.generate(batchInputs(tiny.refs), { maxNewTokens: 4 });
      expect(Array.from(g.tokens.toArray() as BigInt64Array)).toEqual(Array.from(ref(tiny.refs, 'generate.tokens').toArray() as BigInt64Array));
    } finally {
      m.dispose();
    }
  });
});
