/**
 * The whole video path for one file, in two stages:
 *  1. `decodeResized`: probe -> sample indices (Time-R1 rules) -> decode those frames, each resized (torch's
 *     antialiased bicubic, to the per-frame budget) as ffmpeg delivers it. Output: uint8 frames [T, 3, H', W'] plus
 *     what the model inputs need. This is the expensive part and what the cache stores (4x smaller than float32).
 *  2. `toModelInputs`: normalise, pad, patchify (bit-identical to the HF processor), spg. Without the cache this
 *     too runs during the decode, pair by pair (decodeResized's `pixelsFor`).
 * `preprocessVideo` runs both: `pixel_values_videos`, `video_grid_thw`, `second_per_grid_ts` as Time-R1 feeds them.
 */
import { DataError } from '../errors.js';
import { type Tensor, tidy } from '../tensor/index.js';
import { TIMER1_MIN_PIXELS, TIMER1_TOTAL_PIXELS } from './constants.js';
import { type DecodeOptions, decodeResizedFrames } from './decode.js';
import { type NormalizeMode, type Patchified, normalizeFrames, patchify, patchifyU8Async } from './patchify.js';
import { type ProbeOptions, type VideoProbe, probeVideo } from './probe.js';
import { resizeBicubicAAAsync } from './resize.js';
import { type SamplingOptions, sampleFrames } from './sampling.js';
import { type PixelBudget, AspectRatioError, videoFrameSize } from './smart-resize.js';

/**
 * 'sample-fps': second_per_grid_ts = 2 / sample_fps, what rollouts (generate) receive.
 * 'one': 1.0, what Time-R1's policy/reference log-prob forward effectively uses (it drops the field; spec §5.7).
 */
export type SpgMode = 'sample-fps' | 'one';

export interface VideoPreprocessOptions extends DecodeOptions, ProbeOptions, SamplingOptions {
  /** Default Time-R1's 16*28*28. */
  minPixels?: number;
  /** Default Time-R1's 3584*28*28. */
  totalPixels?: number;
  maxPixels?: number;
  normalize?: NormalizeMode;
  spgMode?: SpgMode;
}

/** The settings that decide the decoded+resized frames (the cache key uses exactly these). */
export function frameSettings(opts: VideoPreprocessOptions = {}) {
  return {
    reader: opts.reader ?? 'timer1',
    fps: opts.fps ?? null,
    nframes: opts.nframes ?? null,
    minFrames: opts.minFrames ?? null,
    maxFrames: opts.maxFrames ?? null,
    videoStart: opts.videoStart ?? null,
    videoEnd: opts.videoEnd ?? null,
    minPixels: opts.minPixels ?? TIMER1_MIN_PIXELS,
    totalPixels: opts.totalPixels ?? TIMER1_TOTAL_PIXELS,
    maxPixels: opts.maxPixels ?? null,
    onCorrupt: opts.onCorrupt ?? 'pad',
  };
}

/** What stage 1 learns about the video, besides the frames (JSON-serialisable: stored in the cache). */
export interface FramesInfo {
  path: string;
  indices: number[];
  sampleFps: number;
  frameSize: { height: number; width: number };
  probe: Pick<VideoProbe, 'width' | 'height' | 'fps' | 'fpsExact' | 'frameCount' | 'rotation' | 'durationSec' | 'codec'>;
  warnings: string[];
}

export interface ResizedFrames {
  /** [T, 3, H', W'] uint8. */
  frames: Tensor<'uint8'>;
  info: FramesInfo;
  /** The pixel values in one normalisation, when decodeResized was asked for them (owned until toModelInputs takes them). */
  patchified?: Patchified & { normalize: NormalizeMode };
}

export interface PreprocessedVideo {
  /** [gt*gh*gw, 1176] float32. */
  pixelValuesVideos: Tensor<'float32'>;
  videoGridThw: [number, number, number];
  secondPerGridTs: number;
  sampleFps: number;
  indices: number[];
  frameSize: { height: number; width: number };
  probe: FramesInfo['probe'];
  warnings: string[];
  /** True when the frames came from the cache (no ffmpeg run). */
  cacheHit?: boolean;
}

/** The HF processor smart-resizes again with the checkpoint's 3136..12845056 range; it must be a no-op. */
const HF_MIN_PIXELS = 3136;
const HF_MAX_PIXELS = 12845056;

function checkProcessorRange(size: { height: number; width: number }): void {
  const area = size.height * size.width;
  if (area < HF_MIN_PIXELS || area > HF_MAX_PIXELS) {
    throw new RangeError(`frame size ${size.width}x${size.height} is outside the HF processor's pixel range [${HF_MIN_PIXELS}, ${HF_MAX_PIXELS}], which would resize it again`);
  }
}

/**
 * Stage 2: normalise + pad + patchify resized frames [T, 3, H', W'] (uint8 or float holding 0..255): uint8 goes
 * through the one-pass native table lookup, float through the tensor ops (the same values, bit for bit).
 */
export async function patchifyFrames(resized: Tensor<'uint8'> | Tensor<'float32'>, normalize: NormalizeMode = 'fused'): Promise<{ pixelValues: Tensor<'float32'>; grid: [number, number, number] }> {
  checkProcessorRange({ height: resized.size(2), width: resized.size(3) });
  if (resized.dtype === 'uint8') return patchifyU8Async(resized as Tensor<'uint8'>, normalize);
  return tidy(() => patchify(normalizeFrames(resized, normalize)));
}

/** Resize + normalise + patchify already-decoded frames [T, H, W, 3] uint8 (the part the fixture pins down). */
export async function framesToPixelValues(
  framesTHWC: Tensor<'uint8'>,
  size: { height: number; width: number },
  normalize: NormalizeMode = 'fused',
): Promise<{ pixelValues: Tensor<'float32'>; grid: [number, number, number] }> {
  checkProcessorRange(size);
  const tchw = framesTHWC.permute([0, 3, 1, 2]);
  const resized = await resizeBicubicAAAsync(tchw, size.height, size.width);
  try {
    return await patchifyFrames(resized, normalize);
  } finally {
    tchw.dispose();
    resized.dispose();
  }
}

/**
 * Stage 1: probe, sample, decode, resize. With `pixelsFor`, stage 2's pixel values are computed during the decode
 * too (in `patchified`, which toModelInputs then hands over instead of recomputing).
 */
export async function decodeResized(path: string, opts: VideoPreprocessOptions = {}, pixelsFor?: NormalizeMode): Promise<ResizedFrames> {
  const s = frameSettings(opts);
  const probe = await probeVideo(path, opts);
  let sampling;
  try {
    sampling = sampleFrames(probe.frameCount, probe.fps, opts);
  } catch (e) {
    throw new DataError(`${(e as Error).message} (${probe.frameCount} frames at ${probe.fps} fps)`, { file: path });
  }
  const budget: PixelBudget = { minPixels: s.minPixels, totalPixels: s.totalPixels, ...(opts.maxPixels !== undefined ? { maxPixels: opts.maxPixels } : {}) };
  let frameSize;
  try {
    frameSize = videoFrameSize(probe.height, probe.width, sampling.nframes, budget);
  } catch (e) {
    if (e instanceof AspectRatioError) throw new DataError(e.message, { file: path });
    throw e;
  }
  checkProcessorRange(frameSize);
  const warnings: string[] = [];
  if (!probe.fpsExact) warnings.push(`${path}: frame rate ${probe.fps} read from ffmpeg's 2-decimal print (no ffprobe): sample_fps may differ slightly from decord's`);
  // Each frame is resized (and, when asked, each pair patchified) natively the moment ffmpeg delivers it: equal to
  // one resize + patchify of all frames (test/video/preprocess.test.ts).
  const decoded = await decodeResizedFrames(path, probe, sampling.indices, frameSize, opts, pixelsFor);
  warnings.push(...decoded.warnings);
  const { width, height, fps, fpsExact, frameCount, rotation, durationSec, codec } = probe;
  return {
    frames: decoded.frames,
    info: { path, indices: sampling.indices, sampleFps: sampling.sampleFps, frameSize, probe: { width, height, fps, fpsExact, frameCount, rotation, durationSec, codec }, warnings },
    ...(decoded.patchified && pixelsFor ? { patchified: { ...decoded.patchified, normalize: pixelsFor } } : {}),
  };
}

/**
 * Stage 2 plus spg: the model inputs from resized frames. Does not dispose `r.frames`; takes over `r.patchified` when
 * it is in the requested normalisation (and clears it), else patchifies.
 */
export async function toModelInputs(r: ResizedFrames, opts: Pick<VideoPreprocessOptions, 'normalize' | 'spgMode'> = {}): Promise<PreprocessedVideo> {
  const mode = opts.normalize ?? 'fused';
  let patchified: Patchified;
  if (r.patchified?.normalize === mode) {
    patchified = r.patchified;
    delete r.patchified;
  } else {
    patchified = await patchifyFrames(r.frames, mode);
  }
  const { pixelValues, grid } = patchified;
  return {
    pixelValuesVideos: pixelValues,
    videoGridThw: grid,
    secondPerGridTs: (opts.spgMode ?? 'sample-fps') === 'one' ? 1.0 : 2 / r.info.sampleFps,
    sampleFps: r.info.sampleFps,
    indices: r.info.indices,
    frameSize: r.info.frameSize,
    probe: r.info.probe,
    warnings: r.info.warnings,
  };
}

export async function preprocessVideo(path: string, opts: VideoPreprocessOptions = {}): Promise<PreprocessedVideo> {
  const r = await decodeResized(path, opts, opts.normalize ?? 'fused');
  try {
    return await toModelInputs(r, opts);
  } finally {
    r.frames.dispose();
    r.patchified?.pixelValues.dispose(); // only left when toModelInputs failed before taking it
  }
}
