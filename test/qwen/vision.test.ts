// Vision tower parity with transformers (fixture: scripts/fixtures/make_qwen_fixtures.py): window layout exact,
// rotary angles exact, patch embed, every block and the merged features within 1e-4 relative in fp32.
import { describe, expect, it } from 'vitest';

import type { Tensor } from '../../lib/tensor/index.js';
import { imageRows, ints, ref, relErr, report, useTinyQwen, videoRows } from './helpers.js';

const tiny = useTinyQwen();

const cases = [
  { tag: 'video', rows: videoRows, grid: 'video_grid_thw', checksum: 'pixel_values_videos.checksum' },
  { tag: 'image', rows: imageRows, grid: 'image_grid_thw', checksum: 'pixel_values.checksum' },
] as const;

describe.each(cases)('vision tower: $tag', ({ tag, rows, grid, checksum }) => {
  it('rebuilt pixel rows match the fixture checksums', () => {
    const d = rows(tiny.refs).to('float64');
    const sums = ref(tiny.refs, checksum).toArray() as Float64Array;
    // float64 sums of ~500k float32 values: equal rows give equal sums up to summation order
    expect(Math.abs((d.sum().item() as number) - sums[0]!)).toBeLessThan(1e-6 * Math.abs(sums[1]!));
    expect(Math.abs((d.abs().sum().item() as number) - sums[1]!)).toBeLessThan(1e-9 * sums[1]!);
  });

  it('window index and cu_window_seqlens equal HF exactly; rotary angles exact', () => {
    const lay = tiny.model.visionLayout(ref(tiny.refs, grid));
    expect(lay.windowIndex).toEqual(ints(ref(tiny.refs, `${tag}.window_index`)));
    expect(lay.cuWindow).toEqual(ints(ref(tiny.refs, `${tag}.cu_window_seqlens`)));
    expect(relErr(lay.rotAngles, ref(tiny.refs, `${tag}.rot_pos_emb`))).toBe(0);
  });

  it('patch embed, every block and the merged features match within 1e-4 relative (fp32)', async () => {
    const tr = await tiny.model.visionTrace(rows(tiny.refs), ref(tiny.refs, grid));
    const pe = relErr(tr.patchEmbed, ref(tiny.refs, `${tag}.patch_embed`));
    report(`${tag}.patch_embed rel`, pe);
    expect(pe).toBeLessThan(1e-4);
    expect(tr.blocks.length).toBe(2);
    tr.blocks.forEach((b, i) => {
      const e = relErr(b, ref(tiny.refs, `${tag}.block${i}`));
      report(`${tag}.block${i} rel`, e);
      expect(e).toBeLessThan(1e-4);
    });
    const fe = relErr(tr.features, ref(tiny.refs, `${tag}.features`));
    report(`${tag}.features rel`, fe);
    expect(fe).toBeLessThan(1e-4);
  });
});

describe('vision layout: spec §2.4 worked examples', () => {
  it('grid (1,10,14) and (1,16,16) (the zero-length-window dedupe)', async () => {
    const { tensor } = await import('../../lib/tensor/index.js');
    const a = tiny.model.visionLayout(tensor([[1, 10, 14]], { dtype: 'int64' }));
    expect(a.windowIndex).toEqual([0, 1, 2, 3, 7, 8, 9, 10, 14, 15, 16, 17, 21, 22, 23, 24, 4, 5, 6, 11, 12, 13, 18, 19, 20, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34]);
    expect(a.cuWindow).toEqual([0, 64, 112, 128, 140]);
    const b = tiny.model.visionLayout(tensor([[1, 16, 16]], { dtype: 'int64' }));
    expect(b.cuWindow).toEqual([0, 64, 128, 192, 256]);
    expect(b.cuFull).toEqual([0, 256]);
  });
});
