/**
 * Frame size selection, exactly as qwen-vl-utils 0.0.10 (`smart_resize` and the per-frame video budget of
 * `fetch_video`; spec §5.2 and §5.4). Pure arithmetic in doubles, which JS and CPython share bit for bit.
 */
import { FRAME_FACTOR, IMAGE_FACTOR, MAX_RATIO, VIDEO_MAX_PIXELS } from './constants.js';
import { ceilByFactor, floorByFactor, roundByFactor } from './py-math.js';

export class AspectRatioError extends Error {
  override name = 'AspectRatioError';
}

/**
 * qwen-vl-utils' `smart_resize`: both sides multiples of `factor`, area within [minPixels, maxPixels], aspect ratio
 * kept as far as possible. Note `max(factor, ...)` is applied to the rounded size only (HF's own version differs).
 */
export function smartResize(
  height: number,
  width: number,
  { factor = IMAGE_FACTOR, minPixels, maxPixels }: { factor?: number; minPixels: number; maxPixels: number },
): { height: number; width: number } {
  if (Math.max(height, width) / Math.min(height, width) > MAX_RATIO) {
    throw new AspectRatioError(
      `absolute aspect ratio must be smaller than ${MAX_RATIO}, got ${Math.max(height, width) / Math.min(height, width)} (${width}x${height})`,
    );
  }
  let h = Math.max(factor, roundByFactor(height, factor));
  let w = Math.max(factor, roundByFactor(width, factor));
  if (h * w > maxPixels) {
    const beta = Math.sqrt((height * width) / maxPixels);
    h = floorByFactor(height / beta, factor);
    w = floorByFactor(width / beta, factor);
  } else if (h * w < minPixels) {
    const beta = Math.sqrt(minPixels / (height * width));
    h = ceilByFactor(height * beta, factor);
    w = ceilByFactor(width * beta, factor);
  }
  return { height: h, width: w };
}

export interface PixelBudget {
  /** ele.min_pixels (Time-R1: 16*28*28). */
  minPixels: number;
  /** ele.total_pixels (Time-R1: 3584*28*28). */
  totalPixels: number;
  /** ele.max_pixels: can only lower the computed per-frame budget. */
  maxPixels?: number;
}

/**
 * The per-frame maximum area for a video of `nframes` sampled frames (a float, as in Python):
 * max(min(768*784, total/n*2), int(min*1.05)), then lowered to ele.max_pixels if given.
 */
export function videoMaxPixels(nframes: number, budget: PixelBudget): number {
  let maxPixels = Math.max(Math.min(VIDEO_MAX_PIXELS, (budget.totalPixels / nframes) * FRAME_FACTOR), Math.trunc(budget.minPixels * 1.05));
  if (budget.maxPixels !== undefined) maxPixels = Math.min(budget.maxPixels, maxPixels);
  return maxPixels;
}

/** The size every sampled frame is resized to. */
export function videoFrameSize(height: number, width: number, nframes: number, budget: PixelBudget): { height: number; width: number } {
  return smartResize(height, width, { minPixels: budget.minPixels, maxPixels: videoMaxPixels(nframes, budget) });
}
