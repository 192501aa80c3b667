// Full forward parity (fp32) with transformers: inputs_embeds after the visual scatter, logits on real tokens, the
// no-spg variant, and the errors for inconsistent inputs.
import { describe, expect, it } from 'vitest';

import { QwenVL } from '../../lib/qwen/qwen.js';
import { type Tensor, tensor } from '../../lib/tensor/index.js';
import { batchInputs, floats, maskedRows, ref, reference, relErr, report, useTinyQwen } from './helpers.js';

const tiny = useTinyQwen();

function maskedRel(ours: Tensor, theirs: Tensor, mask: Tensor): number {
  const a = maskedRows(ours, mask), b = maskedRows(theirs, mask);
  let num = 0, den = 0;
  a.forEach((row, r) => row.forEach((x, i) => {
    num = Math.max(num, Math.abs(x - b[r]![i]!));
    den = Math.max(den, Math.abs(b[r]![i]!));
  }));
  return num / den;
}

describe('QwenVL forward (fp32) vs transformers', () => {
  it('inputs_embeds after the image/video scatter', async () => {
    const e = await tiny.model.embed(batchInputs(tiny.refs));
    const rel = maskedRel(e, ref(tiny.refs, 'inputs_embeds'), ref(tiny.refs, 'attention_mask'));
    report('inputs_embeds rel', rel);
    expect(rel).toBeLessThan(1e-4);
  });

  it('logits on real tokens within 1e-4 relative (second_per_grid_ts = 1.25, float rule)', async () => {
    const logits = await tiny.model.forward(batchInputs(tiny.refs), 'float');
    expect(logits.shape).toEqual([2, 185, 1024]);
    const rel = maskedRel(logits, ref(tiny.refs, 'logits'), ref(tiny.refs, 'attention_mask'));
    report('logits rel (fp32)', rel);
    expect(rel).toBeLessThan(1e-4);
    expect(floats(logits).every(Number.isFinite)).toBe(true); // padded rows too: no NaN anywhere
  });

  it('without second_per_grid_ts (spg = 1.0): last 8 positions match', async () => {
    const logits = await tiny.model.forward(batchInputs(tiny.refs, false));
    const last = logits.narrow(1, 185 - 8, 8);
    const rel = relErr(last, ref(tiny.refs, 'logits.nospg.last8'));
    report('logits.nospg rel (fp32)', rel);
    expect(rel).toBeLessThan(1e-4);
    // and the positions matter: the spg=1.25 reference differs there
    expect(relErr(last, ref(tiny.refs, 'logits').narrow(1, 185 - 8, 8))).toBeGreaterThan(1e-3);
  });

  it('the first greedy token equals HF generate (argmax of the last prompt position)', async () => {
    const logits = await tiny.model.forward(batchInputs(tiny.refs));
    const next = logits.select(1, 184).argmax(-1);
    const hf = ref(tiny.refs, 'generate.tokens').select(1, 0);
    expect(Array.from(next.toArray() as BigInt64Array)).toEqual(Array.from(hf.toArray() as BigInt64Array));
  });

  it('errors name the mismatch: placeholder count vs features, missing pixels, bad ids', async () => {
    const inp = batchInputs(tiny.refs);
    // Drop one image: 128 image placeholders but 64 feature rows.
    const oneImage = {
      ...inp,
      pixelValues: inp.pixelValues.narrow(0, 0, 256),
      imageGridThw: inp.imageGridThw.narrow(0, 0, 1),
    };
    await expect(tiny.model.forward(oneImage)).rejects.toThrow(/images: 128 placeholder tokens \(id 1013\) but 64 feature rows/);
    await expect(tiny.model.forward({ ...inp, pixelValuesVideos: undefined, videoGridThw: undefined })).rejects.toThrow(/video/);
    await expect(tiny.model.forward({ inputIds: tensor([[1, 2, 5000]], { dtype: 'int64' }) })).rejects.toThrow(/out of range/);
    await expect(tiny.model.visionFeatures(inp.pixelValues.narrow(0, 0, 100), inp.imageGridThw)).rejects.toThrow(
      /pixel values: expected shape \[512, 1176\].*found \[100, 1176\]/,
    );
  });
});
