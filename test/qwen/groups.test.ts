// GRPO groups (inputs.groupSize): G copies of each prompt with the visual inputs given once per prompt must give the
// same logits, positions and log-probs as the fully repeated batch (where the vision tower runs G times).
import { describe, expect, it } from 'vitest';

import { type Tensor, cat } from '../../lib/tensor/index.js';
import { batchInputs, floats, ints, relErr, report, useTinyQwen } from './helpers.js';

const tiny = useTinyQwen();

const G = 3;

function repeated(inputs: ReturnType<typeof batchInputs>) {
  const rep = <T extends Tensor>(t: T): T => t.repeatInterleave(G, 0) as T;
  const img = inputs.pixelValues;
  return {
    inputIds: rep(inputs.inputIds),
    attentionMask: rep(inputs.attentionMask),
    pixelValues: cat<'float32'>([...Array<Tensor<'float32'>>(G).fill(img.narrow(0, 0, 256)), ...Array<Tensor<'float32'>>(G).fill(img.narrow(0, 256, 256))], 0),
    imageGridThw: rep(inputs.imageGridThw),
    pixelValuesVideos: cat<'float32'>(Array<Tensor<'float32'>>(G).fill(inputs.pixelValuesVideos), 0),
    videoGridThw: rep(inputs.videoGridThw),
    secondPerGridTs: rep(inputs.secondPerGridTs!),
  };
}

describe('groupSize', () => {
  it('positions, logits and log-probs equal the fully repeated batch', async () => {
    const base = batchInputs(tiny.refs);
    const full = repeated(base);
    const grouped = { ...base, inputIds: full.inputIds, attentionMask: full.attentionMask, groupSize: G };
    expect(ints(tiny.model.ropeIndex(grouped).positionIds)).toEqual(ints(tiny.model.ropeIndex(full).positionIds));
    expect(ints(tiny.model.ropeIndex(grouped, 'truncate').positionIds)).toEqual(ints(tiny.model.ropeIndex(full, 'truncate').positionIds));
    const a = await tiny.model.forward(grouped);
    const b = await tiny.model.forward(full);
    const rel = relErr(a, b);
    report('grouped vs repeated logits rel', rel);
    expect(rel).toBeLessThan(1e-6);
    const comp = full.inputIds.narrow(1, 180, 5).contiguous();
    const la = floats((await tiny.model.logprobs(grouped, comp)).logprobs);
    const lb = floats((await tiny.model.logprobs(full, comp)).logprobs);
    let m = 0;
    for (let i = 0; i < la.length; i++) m = Math.max(m, Math.abs(la[i]! - lb[i]!));
    expect(m).toBeLessThan(1e-5);
  });

  it('rejects a group size that does not divide the batch', async () => {
    const base = batchInputs(tiny.refs);
    await expect(tiny.model.forward({ ...base, groupSize: 3 })).rejects.toThrow(/group_size 3 does not divide the batch 2/);
  });
});
