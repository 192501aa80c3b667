/**
 * Which frames of a video are sampled: qwen-vl-utils 0.0.10's `smart_nframes` and the reader-specific index
 * ranges (spec §5.3, rarft-reference §4.5). The default reader is Time-R1's `_read_video_decord_w_timestamp`, used
 * for every rollout and log-prob pass; 'decord' is the plain qwen-vl-utils reader (start 0, end T-1).
 */
import { linspace } from '../tensor/index.js';
import { FPS, FPS_MAX_FRAMES, FPS_MIN_FRAMES, FRAME_FACTOR } from './constants.js';
import { ceilByFactor, floorByFactor, roundByFactor } from './py-math.js';

export class FrameCountError extends Error {
  override name = 'FrameCountError';
}

export interface FrameCountOptions {
  /** ele.nframes: a fixed count (rounded to even); excludes fps. */
  nframes?: number;
  /** ele.fps, default 2.0. */
  fps?: number;
  /** ele.min_frames, default 4. */
  minFrames?: number;
  /** ele.max_frames, default min(768, total frames). */
  maxFrames?: number;
}

/** qwen-vl-utils `smart_nframes`: an even count in [2, totalFrames]. */
export function smartNframes(totalFrames: number, videoFps: number, opts: FrameCountOptions = {}): number {
  if (opts.nframes !== undefined && opts.fps !== undefined) throw new FrameCountError('only accept either `fps` or `nframes`');
  let nframes: number;
  if (opts.nframes !== undefined) {
    nframes = roundByFactor(opts.nframes, FRAME_FACTOR);
  } else {
    const fps = opts.fps ?? FPS;
    const minFrames = ceilByFactor(opts.minFrames ?? FPS_MIN_FRAMES, FRAME_FACTOR);
    const maxFrames = floorByFactor(opts.maxFrames ?? Math.min(FPS_MAX_FRAMES, totalFrames), FRAME_FACTOR);
    const n = (totalFrames / videoFps) * fps;
    nframes = floorByFactor(Math.min(Math.max(n, minFrames), maxFrames, totalFrames), FRAME_FACTOR);
  }
  if (!(FRAME_FACTOR <= nframes && nframes <= totalFrames)) {
    throw new FrameCountError(`nframes should be in the interval [${FRAME_FACTOR}, ${totalFrames}], but got ${nframes}`);
  }
  return nframes;
}

export type ReaderKind = 'timer1' | 'decord';

export interface SamplingOptions extends FrameCountOptions {
  /** Which reference reader's index rules to follow; default 'timer1'. */
  reader?: ReaderKind;
  /** ele.video_start / ele.video_end in seconds (timer1 reader only; Time-R1 passes neither for the pixels). */
  videoStart?: number;
  videoEnd?: number;
}

export interface FrameSampling {
  /** Sampled frame indices (presentation order), ascending, possibly with repeats for very short videos. */
  indices: number[];
  nframes: number;
  /** nframes / frames considered * video fps: the processor's `fps`, so second_per_grid_ts = 2 / sampleFps. */
  sampleFps: number;
  /** First frame considered and the count considered (end exclusive = start + count). */
  startFrame: number;
  framesConsidered: number;
}

/**
 * round(linspace(a, b, n)) with torch's float32 linspace and torch.round (half-to-even): computed by libtorch itself,
 * because the float32 rounding of linspace's two-sided stepping decides ties like 2.5 vs 2.4999998.
 */
export function linspaceRoundIndices(start: number, end: number, n: number): number[] {
  const t = linspace(start, end, n, { dtype: 'float32' });
  const r = t.round();
  const i = r.to('int64');
  const out = Array.from(i.toArray(), (v) => Number(v));
  t.dispose();
  r.dispose();
  i.dispose();
  return out;
}

/** Frame indices and sample fps for a video with `totalFrames` frames at `videoFps`. */
export function sampleFrames(totalFrames: number, videoFps: number, opts: SamplingOptions = {}): FrameSampling {
  const reader = opts.reader ?? 'timer1';
  if (reader === 'decord') {
    const nframes = smartNframes(totalFrames, videoFps, opts);
    return {
      indices: linspaceRoundIndices(0, totalFrames - 1, nframes),
      nframes,
      sampleFps: (nframes / Math.max(totalFrames, 1e-6)) * videoFps,
      startFrame: 0,
      framesConsidered: totalFrames,
    };
  }
  // Time-R1 `_read_video_decord_w_timestamp`: int() truncates; video_end defaults to total/fps, and
  // int(total/fps*fps) can come out as total-1 in floating point, which is kept on purpose (spec §5.3).
  const videoStart = opts.videoStart ?? 0;
  const videoEnd = opts.videoEnd ?? totalFrames / videoFps;
  let startFrame = Math.max(0, Math.trunc(videoStart * videoFps));
  let endFrame = Math.min(totalFrames, Math.trunc(videoEnd * videoFps));
  if (endFrame <= startFrame) {
    endFrame = startFrame + 1;
    if (endFrame > totalFrames) {
      endFrame = totalFrames;
      startFrame = Math.max(0, endFrame - 1);
    }
  }
  const effective = endFrame - startFrame;
  const nframes = smartNframes(effective, videoFps, opts);
  return {
    indices: linspaceRoundIndices(startFrame, endFrame - 1, nframes),
    nframes,
    sampleFps: (nframes / Math.max(effective, 1e-6)) * videoFps,
    startFrame,
    framesConsidered: effective,
  };
}
