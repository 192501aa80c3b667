/** The native encoder's argument checks reach TS as TorchErrors that name the op and the problem. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { TorchError } from '../../lib/native/errors.js';
import { SbertEncoder } from '../../lib/sbert/encoder.js';
import { native } from '../../lib/tensor/native.js';
import { fromTypedArray } from '../../lib/tensor/factory.js';
import { Tensor } from '../../lib/tensor/tensor.js';
import { maxAbsDiff } from './fixture.js';

describe('sbert native bindings', () => {
  let sbert: SbertEncoder;
  beforeAll(async () => {
    sbert = await SbertEncoder.load();
  });
  afterAll(() => sbert?.dispose());

  const ints = (values: number[], shape: number[]) => fromTypedArray(BigInt64Array.from(values, BigInt), shape, 'int64');

  it('rejects an out-of-vocabulary id instead of reading outside the table', async () => {
    const ids = ints([101, 30522, 102], [1, 3]);
    const mask = ints([1, 1, 1], [1, 3]);
    const p = native().sbertEncode(sbert.nativeId, ids.handle, mask.handle);
    await expect(p).rejects.toThrow(TorchError);
    await expect(p).rejects.toThrow(/sbertEncode.*token id out of range \[0, 30522\)/);
    ids.dispose();
    mask.dispose();
  });

  it('rejects mismatched shapes and over-long inputs', async () => {
    const ids = ints([101, 102], [1, 2]);
    const mask = ints([1, 1, 1], [1, 3]);
    await expect(native().sbertEncode(sbert.nativeId, ids.handle, mask.handle)).rejects.toThrow(/both be \[batch, length\]/);
    const long = ints(Array(513).fill(100), [1, 513]);
    const longMask = ints(Array(513).fill(1), [1, 513]);
    await expect(native().sbertEncode(sbert.nativeId, long.handle, longMask.handle)).rejects.toThrow(/exceeds max_position_embeddings 512/);
    for (const t of [ids, mask, long, longMask]) t.dispose();
  });

  it('sbertHidden: zeros at padding; its masked mean, normalised, is the embedding', async () => {
    const ids = ints([101, 1037, 4937, 102, 0, 0], [1, 6]);
    const mask = ints([1, 1, 1, 1, 0, 0], [1, 6]);
    const h = new Tensor<'float32'>(await native().sbertHidden(sbert.nativeId, ids.handle, mask.handle));
    const e = new Tensor<'float32'>(await native().sbertEncode(sbert.nativeId, ids.handle, mask.handle));
    expect(h.shape).toEqual([1, 6, 384]);
    const hv = h.toArray();
    expect(hv.subarray(4 * 384).every((v) => v === 0)).toBe(true);
    const mean = new Float32Array(384);
    for (let t = 0; t < 4; t++) for (let d = 0; d < 384; d++) mean[d]! += hv[t * 384 + d]! / 4;
    const norm = Math.hypot(...mean);
    expect(maxAbsDiff(mean.map((v) => v / norm), e.toArray())).toBeLessThan(1e-6);
    for (const t of [ids, mask, h, e]) t.dispose();
  });

  it('a disposed encoder is refused by name, and dispose is idempotent', async () => {
    const other = await SbertEncoder.load();
    const id = other.nativeId;
    other.dispose();
    other.dispose();
    expect(other.isDisposed).toBe(true);
    await expect(other.similarity([['a', 'b']])).rejects.toThrow(/used after dispose/);
    expect(() => native().sbertInfo(id)).toThrow(/not a live SBERT encoder/);
    expect(native().sbertDispose(id)).toBe(false);
  });

  it('a missing or corrupt safetensors file is reported with its path', async () => {
    const cfg = sbert.config.native;
    await expect(native().sbertLoad('/nonexistent/model.safetensors', cfg)).rejects.toThrow(/\/nonexistent\/model\.safetensors/);
  });

  it('a config that does not match the weights names the mis-shaped tensor', async () => {
    const cfg = { ...sbert.config.native, hiddenSize: 768, numHeads: 12 };
    await expect(native().sbertLoad(`${sbert.config.dir}/model.safetensors`, cfg)).rejects.toThrow(
      /embeddings\.word_embeddings\.weight' has shape \[30522, 384\], config implies \[30522, 768\]/,
    );
  });
});
