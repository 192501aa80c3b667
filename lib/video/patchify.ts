/**
 * The HF processor's video path after resizing (spec §5.6): normalise, pad T to a multiple of 2 with copies of the
 * last frame, and patchify into `pixel_values_videos` [N, 1176] in merge-unit-major row order (spec §2.1):
 * rows (t, bh, bw, mh, mw), columns (c, frame-in-pair, y, x). Same view/permute as transformers'
 * Qwen2VLVideoProcessor.patchify, so the float32 values are bit-identical (test/video/hf-parity.test.ts).
 */
import { Tensor, arange, cat, keep, tensor, tidy } from '../tensor/index.js';
import { native } from '../tensor/native.js';
import { CLIP_MEAN, CLIP_STD, MERGE_SIZE, PATCH_DIM, PATCH_SIZE, TEMPORAL_PATCH_SIZE } from './constants.js';

/**
 * 'fused' (HF >= 4.52 video processor, default): (x - 255*mean) / (255*std) in float32, with 255*mean rounded to
 * float32 first exactly as torch.tensor(mean) * (1/rescale_factor) does.
 * 'hf451' (Time-R1's HF 4.51 image processor): x = float32(float64(x) * (1/255)), then (x - mean) / std in float32.
 */
export type NormalizeMode = 'fused' | 'hf451';

const f32 = Math.fround;

/** Per-channel [3] float32 constants as the reference computes them. */
export function normalizeConstants(mode: NormalizeMode): { mean: number[]; std: number[] } {
  if (mode === 'fused') {
    // float32(mean) * 255.0 in float32: the product of two float32s is exact in double, so one fround rounds it.
    return { mean: CLIP_MEAN.map((m) => f32(f32(m) * 255)), std: CLIP_STD.map((s) => f32(f32(s) * 255)) };
  }
  return { mean: CLIP_MEAN.map(f32), std: CLIP_STD.map(f32) };
}

/** Normalised float32 frames [T, 3, H, W] from uint8 or float frames holding 0..255 integers. */
export function normalizeFrames(frames: Tensor<'uint8'> | Tensor<'float32'>, mode: NormalizeMode = 'fused'): Tensor<'float32'> {
  return tidy(() => {
    const { mean, std } = normalizeConstants(mode);
    const m = tensor(mean).reshape([1, 3, 1, 1]);
    const s = tensor(std).reshape([1, 3, 1, 1]);
    let x: Tensor<'float32'>;
    if (mode === 'fused') x = frames.to('float32');
    else x = (frames.to('float64').mul(1 / 255) as Tensor<'float64'>).to('float32');
    return x.sub(m).div(s) as Tensor<'float32'>;
  });
}

export interface Patchified {
  /** [gt*gh*gw, 1176] float32. */
  pixelValues: Tensor<'float32'>;
  grid: [number, number, number];
}

/** Pads T to even (repeating the last frame) and patchifies normalised frames [T, 3, H, W]. */
export function patchify(frames: Tensor<'float32'>): Patchified {
  const [T, C, H, W] = frames.shape as [number, number, number, number];
  const unit = PATCH_SIZE * MERGE_SIZE;
  if (C !== 3 || H % unit !== 0 || W % unit !== 0) throw new RangeError(`patchify: expected [T,3,H,W] with H, W multiples of ${unit}, got [${frames.shape.join(', ')}]`);
  const pad = (TEMPORAL_PATCH_SIZE - (T % TEMPORAL_PATCH_SIZE)) % TEMPORAL_PATCH_SIZE;
  const gt = (T + pad) / TEMPORAL_PATCH_SIZE;
  const gh = H / PATCH_SIZE;
  const gw = W / PATCH_SIZE;
  const pixelValues = tidy(() => {
    const x = pad ? cat([frames, frames.slice(0, T - 1, T).expand([pad, C, H, W])], 0) : frames;
    return x
      .reshape([gt, TEMPORAL_PATCH_SIZE, C, gh / MERGE_SIZE, MERGE_SIZE, PATCH_SIZE, gw / MERGE_SIZE, MERGE_SIZE, PATCH_SIZE])
      .permute([0, 3, 6, 4, 7, 2, 1, 5, 8])
      .reshape([gt * gh * gw, PATCH_DIM]);
  });
  return { pixelValues, grid: [gt, gh, gw] };
}

const lutCache = new Map<NormalizeMode, Tensor<'float32'>>();

/**
 * The normalised value of every uint8 level per channel, [3, 256] float32, computed by normalizeFrames itself (the
 * tensor path checked bit-identical against HF), so a table lookup reproduces it exactly.
 */
export function normalizeLut(mode: NormalizeMode = 'fused'): Tensor<'float32'> {
  let lut = lutCache.get(mode);
  if (!lut || lut.isDisposed) {
    lut = tidy(() => {
      const levels = arange(0, 256, 1, { dtype: 'uint8' }).reshape([1, 1, 1, 256]).expand([1, 3, 1, 256]);
      return normalizeFrames(levels as Tensor<'uint8'>, mode).reshape([3, 256]);
    });
    // Module-lifetime constant: kept out of any caller's scope so a tidy() around the caller never frees it.
    keep(lut);
    lutCache.set(mode, lut);
  }
  return lut;
}

/**
 * normalizeFrames + patchify of uint8 frames [T, 3, H, W] in one native pass (table lookup, libtorch thread pool):
 * the fast path of the pipeline, bit-identical to the tensor-op path (test/video/patchify-native.test.ts).
 */
export async function patchifyU8Async(frames: Tensor<'uint8'>, mode: NormalizeMode = 'fused'): Promise<Patchified> {
  const [T, C, H, W] = frames.shape as [number, number, number, number];
  const unit = PATCH_SIZE * MERGE_SIZE;
  if (C !== 3 || H % unit !== 0 || W % unit !== 0) throw new RangeError(`patchify: expected [T,3,H,W] with H, W multiples of ${unit}, got [${frames.shape.join(', ')}]`);
  const h = await native().patchifyU8Async(frames.handle, normalizeLut(mode).handle, PATCH_SIZE, TEMPORAL_PATCH_SIZE, MERGE_SIZE);
  return { pixelValues: new Tensor<'float32'>(h, 'float32'), grid: [Math.ceil(T / TEMPORAL_PATCH_SIZE), H / PATCH_SIZE, W / PATCH_SIZE] };
}
