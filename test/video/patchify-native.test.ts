// The one-pass native patchify (lookup table) equals the tensor-op path bit for bit: both modes, odd and even T,
// non-square frames, every uint8 level.
import { describe, expect, it } from 'vitest';
import { fromTypedArray, type Tensor } from '../../lib/tensor/index.js';
import { normalizeFrames, normalizeLut, patchify, patchifyU8Async } from '../../lib/video/patchify.js';

function prng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}
const bytes = (t: Tensor) => {
  const a = t.toArray() as Float32Array;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
};

describe('patchifyU8Async', () => {
  for (const mode of ['fused', 'hf451'] as const) {
    for (const [T, H, W] of [[3, 56, 84], [4, 28, 56], [1, 84, 28]] as const) {
      it(`${mode}, T=${T}, ${H}x${W}`, async () => {
        const r = prng(T * 1000 + H + W);
        const data = Uint8Array.from({ length: T * 3 * H * W }, () => Math.floor(r() * 256));
        data.set(Uint8Array.from({ length: 256 }, (_, i) => i)); // every level at least once
        const frames = fromTypedArray(data, [T, 3, H, W], 'uint8');
        const ref = patchify(normalizeFrames(frames, mode));
        const fast = await patchifyU8Async(frames, mode);
        expect(fast.grid).toEqual(ref.grid);
        expect(fast.pixelValues.shape).toEqual(ref.pixelValues.shape);
        expect(bytes(fast.pixelValues).equals(bytes(ref.pixelValues))).toBe(true);
      });
    }
  }
  it('the tables differ between modes (so the mode really reaches the native op)', () => {
    expect(bytes(normalizeLut('fused')).equals(bytes(normalizeLut('hf451')))).toBe(false);
  });
  it('rejects bad shapes', async () => {
    await expect(patchifyU8Async(fromTypedArray(new Uint8Array(2 * 3 * 30 * 28), [2, 3, 30, 28], 'uint8'))).rejects.toThrow(/multiples of 28/);
  });
});
