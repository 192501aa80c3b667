/**
 * The libtorch port against sentence-transformers itself (fixtures from the real all-MiniLM-L6-v2 and
 * all-mpnet-base-v2 weights): embeddings within 1e-5 max-abs, cosines within 1e-5, on every fixture sentence
 * (empty, Unicode, control characters, truncated...).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SbertEncoder } from '../../lib/sbert/encoder.js';
import { MODELS, maxAbsDiff, reference } from './fixture.js';

describe.each(MODELS)('SbertEncoder parity with sentence-transformers: $model', ({ model, ref, dim, parameters }) => {
  let sbert: SbertEncoder;
  beforeAll(async () => {
    sbert = await SbertEncoder.load({ model });
  });
  afterAll(() => sbert?.dispose());

  it(`loads the encoder: ${dim}-d, ${parameters} parameters (the unused pooler is not loaded)`, () => {
    expect(sbert.dim).toBe(dim);
    const info = sbert.info();
    expect(info.device).toBe('cpu');
    expect(info.parameters).toBe(parameters);
  });

  it('embeds every fixture sentence within 1e-5 (max abs) of the reference, unit-norm', async () => {
    const flat = await sbert.embed(ref.sentences, { batchSize: 32 });
    const diffs = ref.sentences.map((_, i) => maxAbsDiff(flat.subarray(i * dim, (i + 1) * dim), ref.embeddings[i]!));
    expect(Math.max(...diffs)).toBeLessThan(1e-5);
    for (let i = 0; i < ref.sentences.length; i++) {
      const row = flat.subarray(i * dim, (i + 1) * dim);
      expect(Math.hypot(...row)).toBeCloseTo(1, 5);
    }
  });

  it(`encode() returns a [N, ${dim}] float32 tensor equal to the reference`, async () => {
    const t = await sbert.encode(ref.sentences.slice(0, 3));
    try {
      expect(t.shape).toEqual([3, dim]);
      expect(t.dtype).toBe('float32');
      expect(maxAbsDiff(t.toArray(), ref.embeddings.slice(0, 3).flat())).toBeLessThan(1e-5);
    } finally {
      t.dispose();
    }
  });

  it('similarity() equals the reference util.cos_sim matrix for all pairs', async () => {
    const n = ref.sentences.length;
    const pairs: [string, string][] = [];
    const expected: number[] = [];
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        pairs.push([ref.sentences[i]!, ref.sentences[j]!]);
        expected.push(ref.cosine[i]![j]!);
      }
    const got = await sbert.similarity(pairs);
    expect(got).toHaveLength(n * n);
    expect(maxAbsDiff(got, expected)).toBeLessThan(1e-5);
  });

  it('gives a text the same embedding alone as inside the padded fixture batch', async () => {
    const i = 4;
    const alone = await sbert.embed([ref.sentences[i]!]);
    expect(maxAbsDiff(alone, ref.embeddings[i]!)).toBeLessThan(1e-5);
  });
});

describe('reward-like pairs (all-MiniLM-L6-v2)', () => {
  let sbert: SbertEncoder;
  beforeAll(async () => {
    sbert = await SbertEncoder.load();
  });
  afterAll(() => sbert?.dispose());

  it('scores the reward-like pairs of spec §1.3 as the reference does', async () => {
    const s = reference.sentences;
    const [ts, gt] = [s.indexOf('5.70 to 14.71'), s.indexOf('6.2 to 16.2')];
    const [refusal, fridge, paraphrase] = [2, 4, 5];
    const got = await sbert.similarity([
      [s[ts]!, s[gt]!],
      [s[ts]!, s[refusal]!],
      [s[fridge]!, s[paraphrase]!],
    ]);
    expect(got[0]).toBeCloseTo(reference.cosine[ts]![gt]!, 5);
    expect(got[1]).toBeCloseTo(reference.cosine[ts]![refusal]!, 5);
    expect(got[2]).toBeCloseTo(reference.cosine[fridge]![paraphrase]!, 5);
    // The orderings the reward relies on: timestamps resemble timestamps more than refusals; paraphrases are close.
    expect(got[0]!).toBeGreaterThan(got[1]! + 0.3);
    expect(got[2]!).toBeGreaterThan(0.7);
  });
});
