/**
 * The whole video path for one file: probe -> sample indices (Time-R1 rules) -> decode those frames at the
 * original size -> torch antialiased bicubic resize to the per-frame budget -> normalise, pad, patchify.
 * Output matches what Time-R1 feeds Qwen2.5-VL: `pixel_values_videos`, `video_grid_thw`, `second_per_grid_ts`.
 */
import { DataError } from '../errors.js';
import { type Tensor, tidy } from '../tensor/index.js';
import { TIMER1_MIN_PIXELS, TIMER1_TOTAL_PIXELS } from './constants.js';
import { type DecodeOptions, decodeFrames } from './decode.js';
import { type NormalizeMode, normalizeFrames, patchify } from './patchify.js';
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

export interface PreprocessedVideo {
  /** [gt*gh*gw, 1176] float32. */
  pixelValuesVideos: Tensor<'float32'>;
  videoGridThw: [number, number, number];
  secondPerGridTs: number;
  sampleFps: number;
  indices: number[];
  frameSize: { height: number; width: number };
  probe: VideoProbe;
  warnings: string[];
}

/** The settings that determine the output (the cache key uses exactly these). */
export function effectiveSettings(opts: VideoPreprocessOptions = {}) {
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
    normalize: opts.normalize ?? 'fused',
    spgMode: opts.spgMode ?? 'sample-fps',
  };
}

/** The HF processor smart-resizes again with the checkpoint's 3136..12845056 range; it must be a no-op. */
const HF_MIN_PIXELS = 3136;
const HF_MAX_PIXELS = 12845056;

/** Resize + normalise + patchify already-decoded frames [T, H, W, 3] uint8 (the part the fixture pins down). */
export async function framesToPixelValues(
  framesTHWC: Tensor<'uint8'>,
  size: { height: number; width: number },
  normalize: NormalizeMode = 'fused',
): Promise<{ pixelValues: Tensor<'float32'>; grid: [number, number, number] }> {
  const area = size.height * size.width;
  if (area < HF_MIN_PIXELS || area > HF_MAX_PIXELS) {
    throw new RangeError(`frame size ${size.width}x${size.height} is outside the HF processor's pixel range [${HF_MIN_PIXELS}, ${HF_MAX_PIXELS}], which would resize it again`);
  }
  const tchw = framesTHWC.permute([0, 3, 1, 2]);
  const resized = await resizeBicubicAAAsync(tchw, size.height, size.width);
  const out = tidy(() => patchify(normalizeFrames(resized, normalize)));
  tchw.dispose();
  resized.dispose();
  return { pixelValues: out.pixelValues, grid: out.grid };
}

export async function preprocessVideo(path: string, opts: VideoPreprocessOptions = {}): Promise<PreprocessedVideo> {
  const s = effectiveSettings(opts);
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
  const warnings: string[] = [];
  if (!probe.fpsExact) warnings.push(`${path}: frame rate ${probe.fps} read from ffmpeg's 2-decimal print (no ffprobe): sample_fps may differ slightly from decord's`);
  const decoded = await decodeFrames(path, probe, sampling.indices, opts);
  warnings.push(...decoded.warnings);
  try {
    const { pixelValues, grid } = await framesToPixelValues(decoded.frames, frameSize, s.normalize);
    return {
      pixelValuesVideos: pixelValues,
      videoGridThw: grid,
      secondPerGridTs: s.spgMode === 'one' ? 1.0 : 2 / sampling.sampleFps,
      sampleFps: sampling.sampleFps,
      indices: sampling.indices,
      frameSize,
      probe,
      warnings,
    };
  } finally {
    decoded.frames.dispose();
  }
}
