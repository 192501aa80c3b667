/** Padding and batching must not change an embedding: alone, in a padded batch, at any batch size, any order. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SbertEncoder } from '../../lib/sbert/encoder.js';
import { native } from '../../lib/tensor/native.js';
import { fromTypedArray } from '../../lib/tensor/factory.js';
import { Tensor } from '../../lib/tensor/tensor.js';
import { maxAbsDiff, reference } from './fixture.js';

describe('SbertEncoder batching', () => {
  let sbert: SbertEncoder;
  beforeAll(async () => {
    sbert = await SbertEncoder.load();
  });
  afterAll(() => sbert?.dispose());
  const texts = reference.sentences;

  it('gives each text the same embedding alone as in a padded batch of 12', async () => {
    const batched = await sbert.embed(texts);
    const dim = sbert.dim;
    let worst = 0;
    for (let i = 0; i < texts.length; i++) {
      const alone = await sbert.embed([texts[i]!]);
      worst = Math.max(worst, maxAbsDiff(alone, batched.subarray(i * dim, (i + 1) * dim)));
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('is invariant to batch size and input order', async () => {
    const a = await sbert.embed(texts, { batchSize: 32 });
    const b = await sbert.embed(texts, { batchSize: 5 });
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-6);
    const reversed = await sbert.embed([...texts].reverse(), { batchSize: 3 });
    const dim = sbert.dim;
    const back = new Float32Array(a.length);
    texts.forEach((_, i) => back.set(reversed.subarray((texts.length - 1 - i) * dim, (texts.length - i) * dim), i * dim));
    expect(maxAbsDiff(a, back)).toBeLessThan(1e-6);
  });

  it('ignores what sits under padding: extra padded columns leave the native output unchanged', async () => {
    const ids = reference.input_ids[0]!;
    const L = ids.length;
    const pad = 7;
    const mk = (extra: number, fill: bigint) => {
      const i = new BigInt64Array(L + extra).fill(fill);
      const m = new BigInt64Array(L + extra);
      ids.forEach((v, k) => ((i[k] = BigInt(v)), (m[k] = 1n)));
      return [fromTypedArray(i, [1, L + extra], 'int64'), fromTypedArray(m, [1, L + extra], 'int64')] as const;
    };
    const [i0, m0] = mk(0, 0n);
    const [i1, m1] = mk(pad, 2023n); // junk ids under the padding must not leak through attention or pooling
    const e0 = new Tensor<'float32'>(await native().sbertEncode(sbert.nativeId, i0.handle, m0.handle));
    const e1 = new Tensor<'float32'>(await native().sbertEncode(sbert.nativeId, i1.handle, m1.handle));
    expect(maxAbsDiff(e0.toArray(), e1.toArray())).toBeLessThan(1e-6);
    expect(maxAbsDiff(e0.toArray(), reference.embeddings[0]!)).toBeLessThan(1e-5);
    for (const t of [i0, m0, i1, m1, e0, e1]) t.dispose();
  });

  it('encodes each distinct text of a similarity() call once', async () => {
    const calls: number[] = [];
    const spy = sbert as unknown as { embed: (t: readonly string[]) => Promise<Float32Array> };
    const orig = spy.embed.bind(sbert);
    spy.embed = async (t) => {
      calls.push(t.length);
      return orig(t);
    };
    try {
      const got = await sbert.similarity([
        ['a cat', 'a dog'],
        ['a cat', 'a cat'],
        ['a dog', 'a cat'],
      ]);
      expect(calls).toEqual([2]);
      expect(got[1]).toBeCloseTo(1, 6);
      expect(got[0]).toBeCloseTo(got[2]!, 7);
    } finally {
      spy.embed = orig;
    }
    expect(await sbert.similarity([])).toEqual([]);
  });
});

