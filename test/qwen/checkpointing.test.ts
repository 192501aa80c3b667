// Activation checkpointing changes memory, not math: gradients with it equal gradients without (vision block,
// merger, decoder layer, lm_head), including when the block input itself needs no grad (frozen patch embed).
import { describe, expect, it } from 'vitest';

import { native } from '../../lib/tensor/native.js';
import type { Tensor } from '../../lib/tensor/index.js';
import { batchInputs, floats, report, useTinyQwen } from './helpers.js';

const tiny = useTinyQwen();

const PICK = ['visual.blocks.0.attn.qkv.weight', 'visual.merger.mlp.0.weight', 'model.layers.1.mlp.down_proj.weight', 'lm_head.weight'];

async function grads(checkpoint: boolean, pick = PICK): Promise<{ loss: number; g: Float32Array[] }> {
  tiny.model.setGradientCheckpointing(checkpoint);
  const names = tiny.model.parameterNames();
  const params = tiny.model.parameters();
  const idx = pick.map((n) => names.indexOf(n));
  idx.forEach((i) => params[i]!.requiresGrad_(true));
  try {
    const inputs = batchInputs(tiny.refs);
    const comp = inputs.inputIds.narrow(1, 185 - 6, 6).contiguous();
    const r = await tiny.model.logprobs(inputs, comp, { chunk: 2 });
    const loss = r.logprobs.sum();
    await loss.backward();
    return { loss: loss.item() as number, g: idx.map((i) => floats(params[i]!.grad!)) };
  } finally {
    idx.forEach((i) => {
      params[i]!.zeroGrad();
      params[i]!.requiresGrad_(false);
    });
    tiny.model.setGradientCheckpointing(false);
  }
}

describe('gradient checkpointing', () => {
  it('skips blocks where nothing needs a gradient (frozen ViT and decoder, only lm_head trained)', async () => {
    const n0 = native().qwenCheckpointRecomputations();
    const r = await grads(true, ['lm_head.weight']);
    expect(native().qwenCheckpointRecomputations() - n0).toBe(0);
    expect(r.g[0]!.some((x) => x !== 0)).toBe(true);
  });

  it('gives the same loss and gradients as the plain forward', async () => {
    const n0 = native().qwenCheckpointRecomputations();
    const a = await grads(false);
    expect(native().qwenCheckpointRecomputations()).toBe(n0);
    const b = await grads(true);
    // 2 vision blocks x 2 calls (images, videos) + 2 decoder layers were recomputed in backward
    expect(native().qwenCheckpointRecomputations() - n0).toBe(6);
    expect(b.loss).toBe(a.loss);
    a.g.forEach((g, k) => {
      let m = 0, scale = 0;
      for (let i = 0; i < g.length; i++) {
        m = Math.max(m, Math.abs(g[i]! - b.g[k]![i]!));
        scale = Math.max(scale, Math.abs(g[i]!));
      }
      report(`checkpointing grad rel ${PICK[k]}`, m / scale);
      expect(scale).toBeGreaterThan(0);
      expect(m / scale).toBeLessThan(1e-6);
    });
  });
});
