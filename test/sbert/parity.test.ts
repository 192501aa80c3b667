/**
 * The libtorch port against sentence-transformers itself (fixture from the real all-MiniLM-L6-v2 weights):
 * embeddings within 1e-5 max-abs, cosines within 1e-5, on every fixture sentence (empty, Unicode, truncated...).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { SbertEncoder } from '../../lib/sbert/encoder.js';
import { reference, maxAbsDiff } from './fixture.js';

describe('SbertEncoder parity with sentence-transformers', () => {
  let sbert: SbertEncoder;
  beforeAll(async () => {
    sbert = await SbertEncoder.load();
  });
  afterAll(() => sbert?.dispose());

  it('loads the 22.7M-parameter MiniLM-L6 encoder (384-d)', () => {
    expect(sbert.dim).toBe(384);
    const info = sbert.info();
    expect(info.device).toBe('cpu');
    // word 30522*384 + pos 512*384 + type 2*384 + 6 layers + LNs; the pooler is not used and not loaded.
    expect(info.parameters).toBe(22_565_376);
  });

  it('embeds every fixture sentence within 1e-5 (max abs) of the reference, unit-norm', async () => {
    const flat = await sbert.embed(reference.sentences, { batchSize: 32 });
    const dim = sbert.dim;
    const diffs = reference.sentences.map((_, i) => maxAbsDiff(flat.subarray(i * dim, (i + 1) * dim), reference.embeddings[i]!));
    expect(Math.max(...diffs)).toBeLessThan(1e-5);
    for (let i = 0; i < reference.sentences.length; i++) {
      const row = flat.subarray(i * dim, (i + 1) * dim);
      expect(Math.hypot(...row)).toBeCloseTo(1, 5);
    }
  });

  it('encode() returns a [N, 384] float32 tensor equal to embed()', async () => {
    const t = await sbert.encode(reference.sentences.slice(0, 3));
    try {
      expect(t.shape).toEqual([3, 384]);
      expect(t.dtype).toBe('float32');
      expect(maxAbsDiff(t.toArray(), reference.embeddings.slice(0, 3).flat())).toBeLessThan(1e-5);
    } finally {
      t.dispose();
    }
  });

  it('similarity() equals the reference util.cos_sim matrix for all pairs', async () => {
    const n = reference.sentences.length;
    const pairs: [string, string][] = [];
    const expected: number[] = [];
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        pairs.push([reference.sentences[i]!, reference.sentences[j]!]);
        expected.push(reference.cosine[i]![j]!);
      }
    const got = await sbert.similarity(pairs);
    expect(got).toHaveLength(n * n);
    expect(maxAbsDiff(got, expected)).toBeLessThan(1e-5);
  });

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
