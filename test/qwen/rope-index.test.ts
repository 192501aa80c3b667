// 3-D M-RoPE positions (spec §3.2) against transformers 5.23 and the two published temporal rules re-implemented in
// the fixture script: exact equality on real tokens, padding slots = 1, rope deltas exact.
import { describe, expect, it } from 'vitest';

import { tensor } from '../../lib/tensor/index.js';
import { batchInputs, ints, ref, useTinyQwen } from './helpers.js';

const tiny = useTinyQwen();

describe.each([
  { mode: 'float', fixture: 'spec_float' },
  { mode: 'truncate', fixture: 'spec_trunc' },
] as const)('ropeIndex spgMode=$mode', ({ mode, fixture }) => {
  it.each(['spg', 'nospg'])('position ids and rope deltas equal the spec rule exactly (%s)', (tag) => {
    const { positionIds, ropeDeltas } = tiny.model.ropeIndex(batchInputs(tiny.refs, tag === 'spg'), mode);
    expect(positionIds.shape).toEqual([3, 2, 185]);
    expect(ints(positionIds)).toEqual(ints(ref(tiny.refs, `${fixture}.position_ids.${tag}`)));
    expect(ints(ropeDeltas)).toEqual(ints(ref(tiny.refs, `${fixture}.rope_deltas.${tag}`)));
  });
});

describe('ropeIndex vs transformers 5.23 itself', () => {
  it('float mode equals HF on every real token; HF pads with 0, we with 1 (HF <= 4.57); deltas differ by L - n_real', () => {
    const mask = ints(ref(tiny.refs, 'attention_mask'));
    const L = 185;
    for (const tag of ['spg', 'nospg']) {
      const ours = ints(tiny.model.ropeIndex(batchInputs(tiny.refs, tag === 'spg'), 'float').positionIds);
      const hf = ints(ref(tiny.refs, `hf.position_ids.${tag}`));
      for (let r = 0; r < 3; r++)
        for (let i = 0; i < 2 * L; i++) {
          if (mask[i]) expect(ours[r * 2 * L + i]).toBe(hf[r * 2 * L + i]);
          else expect(ours[r * 2 * L + i]).toBe(1);
        }
      const d = ints(tiny.model.ropeIndex(batchInputs(tiny.refs, tag === 'spg'), 'float').ropeDeltas);
      const hd = ints(ref(tiny.refs, `hf.rope_deltas.${tag}`));
      for (let b = 0; b < 2; b++) {
        const nReal = mask.slice(b * L, (b + 1) * L).reduce((s, x) => s + x, 0);
        expect(d[b]).toBe(hd[b]! + nReal - L);
      }
    }
  });

  it('the two modes differ where the spec says (video t steps {0,2,5} vs {0,2,4} for spg 1.25)', () => {
    const f = ints(tiny.model.ropeIndex(batchInputs(tiny.refs), 'float').positionIds);
    const t = ints(tiny.model.ropeIndex(batchInputs(tiny.refs), 'truncate').positionIds);
    const ids = ints(ref(tiny.refs, 'input_ids'));
    const vid = ids.map((x, i) => (x === 1014 && i < 185 ? i : -1)).filter((i) => i >= 0);
    const tf = [...new Set(vid.map((i) => f[i]!))];
    const tt = [...new Set(vid.map((i) => t[i]!))];
    const base = tf[0]!;
    expect(tf.map((x) => x - base)).toEqual([0, 2, 5]);
    expect(tt.map((x) => x - base)).toEqual([0, 2, 4]);
  });

  it('text only: cumsum(mask) - 1 with pads at 1; no mask: arange and delta 0', () => {
    const ids = tensor([[5, 6, 7, 8], [1002, 1002, 9, 10]], { dtype: 'int64' });
    const mask = tensor([[1, 1, 1, 1], [0, 0, 1, 1]], { dtype: 'int64' });
    const r = tiny.model.ropeIndex({ inputIds: ids, attentionMask: mask });
    expect(ints(r.positionIds).slice(0, 8)).toEqual([0, 1, 2, 3, 1, 1, 0, 1]);
    expect(ints(r.ropeDeltas)).toEqual([0, -2]);
    const r2 = tiny.model.ropeIndex({ inputIds: ids });
    expect(ints(r2.positionIds).slice(0, 8)).toEqual([0, 1, 2, 3, 0, 1, 2, 3]);
    expect(ints(r2.ropeDeltas)).toEqual([0, 0]);
  });

  it('names the problem when placeholders and grids disagree', () => {
    const inp = batchInputs(tiny.refs);
    expect(() => tiny.model.ropeIndex({ ...inp, videoGridThw: undefined, secondPerGridTs: undefined })).toThrow(
      /sample 0 has more videos than video_grid_thw rows \(0\)/,
    );
    expect(() => tiny.model.ropeIndex({ ...inp, videoGridThw: undefined })).toThrow(/second_per_grid_ts: expected 0 entries \(one per video\), found 1/);
  });
});
