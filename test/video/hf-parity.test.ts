// Bit-identity with the reference preprocessing given the same decoded frames (fixture from
// scripts/fixtures/make_video_fixtures.py): torchvision's antialiased bicubic resize, then HF's normalise + pad +
// patchify (>= 4.52 fused path, and the 4.51 path as an option).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadSafetensors } from '../../lib/io/safetensors.js';
import { type Tensor, fromTypedArray } from '../../lib/tensor/index.js';
import { framesToPixelValues } from '../../lib/video/preprocess.js';
import { resizeBicubicAA } from '../../lib/video/resize.js';
import { patchify } from '../../lib/video/patchify.js';

const dir = new URL('../fixtures/video/', import.meta.url).pathname;
const expected = JSON.parse(readFileSync(`${dir}expected.json`, 'utf8')) as {
  cases: Record<string, { frames: string; size: [number, number]; grid: [number, number, number]; hf451_vs_fused_max_abs?: number }>;
};

function bytesOf(t: Tensor): Buffer {
  const a = t.toArray() as ArrayBufferView;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** Exact equality of two tensors' bytes, with a useful message (count and first index) when they differ. */
function expectBitIdentical(ours: Tensor, ref: Tensor, what: string): void {
  expect(ours.shape, `${what}: shape`).toEqual(ref.shape);
  expect(ours.dtype, `${what}: dtype`).toBe(ref.dtype);
  const a = bytesOf(ours);
  const b = bytesOf(ref);
  if (a.equals(b)) return;
  const ea = ours.toArray() as Float32Array;
  const eb = ref.toArray() as Float32Array;
  let n = 0;
  let first = -1;
  for (let i = 0; i < ea.length; i++) if (ea[i] !== eb[i] && (n++, first < 0)) first = i;
  expect.fail(`${what}: ${n} of ${ea.length} elements differ; first at ${first}: ${ea[first]} vs ${eb[first]}`);
}

describe('HF processor parity on our decoded frames', async () => {
  const frames = await loadSafetensors(`${dir}frames.safetensors`);
  const ref = await loadSafetensors(`${dir}expected.safetensors`);

  for (const [name, c] of Object.entries(expected.cases)) {
    it(`${name}: resize is torchvision's antialiased bicubic, bit for bit`, () => {
      const thwc = frames.tensors.get(c.frames) as Tensor<'uint8'>;
      const resized = resizeBicubicAA(thwc.permute([0, 3, 1, 2]), c.size[0], c.size[1]);
      expectBitIdentical(resized, ref.tensors.get(`${name}_resized`)!, `${name} resized`);
    });

    it(`${name}: pixel_values_videos and grid are bit-identical (HF >= 4.52 fused normalisation)`, async () => {
      const thwc = frames.tensors.get(c.frames) as Tensor<'uint8'>;
      const { pixelValues, grid } = await framesToPixelValues(thwc, { height: c.size[0], width: c.size[1] });
      expect(grid).toEqual(c.grid);
      expectBitIdentical(pixelValues, ref.tensors.get(`${name}_pixel_values`)!, `${name} pixel_values_videos`);
    });
  }

  it('pancake_crop (odd T = 3, padded with the last frame): the HF 4.51 path matches too, and differs from fused by <= 2.4e-7', async () => {
    const c = expected.cases.pancake_crop!;
    const thwc = frames.tensors.get(c.frames) as Tensor<'uint8'>;
    const { pixelValues } = await framesToPixelValues(thwc, { height: c.size[0], width: c.size[1] }, 'hf451');
    expectBitIdentical(pixelValues.slice(0, 0, 8), ref.tensors.get('pancake_crop_pixel_values_hf451_head')!, 'hf451 head');
    const fused = ref.tensors.get('pancake_crop_pixel_values')!;
    const diff = pixelValues.sub(fused as Tensor<'float32'>).abs().max().item();
    expect(diff).toBe(c.hf451_vs_fused_max_abs);
    expect(diff).toBeGreaterThan(0); // the two modes really are different code paths
  });

  it('an unchanged size leaves the frames untouched (torchvision short-circuit)', () => {
    const thwc = frames.tensors.get('webm_frames') as Tensor<'uint8'>;
    const tchw = thwc.permute([0, 3, 1, 2]);
    const same = resizeBicubicAA(tchw, 28, 50);
    expect(same.dtype).toBe('uint8');
    expect(bytesOf(same).equals(bytesOf(tchw))).toBe(true);
  });

  it('patchify row order is merge-unit-major (spec §2.1 example)', () => {
    // A frame pair whose value at (c, y, x) encodes the patch (y/14, x/14): rows must come out as
    // (0,0) (0,1) (1,0) (1,1) (0,2) (0,3) (1,2) (1,3) ... for a 4x6 patch grid.
    const h = 56;
    const w = 84;
    const data = new Float32Array(2 * 3 * h * w);
    for (let f = 0; f < 2; f++) for (let ch = 0; ch < 3; ch++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++)
      data[((f * 3 + ch) * h + y) * w + x] = Math.floor(y / 14) * 100 + Math.floor(x / 14);
    const { pixelValues, grid } = patchify(fromTypedArray(data, [2, 3, h, w], 'float32'));
    expect(grid).toEqual([1, 4, 6]);
    const rows = pixelValues.select(1, 0).toArray();
    const got = Array.from(rows, (v) => [Math.floor(v / 100), v % 100]);
    expect(got.slice(0, 16)).toEqual([[0, 0], [0, 1], [1, 0], [1, 1], [0, 2], [0, 3], [1, 2], [1, 3], [0, 4], [0, 5], [1, 4], [1, 5], [2, 0], [2, 1], [3, 0], [3, 1]]);
  });
});
