/** Qwen2.5-VL's spatial merge: 2×2 patches become one LLM token. */
export const SPATIAL_MERGE_SIZE = 2;
export const VIDEO_PAD = '<|video_pad|>';
export const IMAGE_PAD = '<|image_pad|>';

/** A video's grid in patches: [t, h, w] = (frames/2, height/14, width/14) — `video_grid_thw`. */
export type VideoGrid = readonly [number, number, number];

/** LLM tokens of one video: t·h·w / merge² (qwen25vl-spec §6). */
export function videoTokenCount(grid: VideoGrid, mergeSize = SPATIAL_MERGE_SIZE): number {
  const [t, h, w] = grid;
  for (const v of grid) if (!Number.isInteger(v) || v <= 0) throw new Error(`video grid [${grid.join(', ')}] must hold positive integers`);
  const n = (t * h * w) / (mergeSize * mergeSize);
  if (!Number.isInteger(n)) throw new Error(`video grid [${grid.join(', ')}] is not divisible by merge size ${mergeSize}²`);
  return n;
}

/**
 * Replaces the k-th `<|video_pad|>` with N_k copies, in order, before tokenisation — what the HF processor does. The
 * copies go through a placeholder first (as HF does) so expanded pads are never matched again. The number of pads
 * must equal the number of grids.
 */
export function expandVideoPads(text: string, grids: readonly VideoGrid[], mergeSize = SPATIAL_MERGE_SIZE): string {
  const parts = text.split(VIDEO_PAD);
  if (parts.length - 1 !== grids.length) {
    throw new Error(`prompt has ${parts.length - 1} ${VIDEO_PAD} but ${grids.length} video grid(s) were given`);
  }
  let out = parts[0]!;
  grids.forEach((grid, k) => {
    out += VIDEO_PAD.repeat(videoTokenCount(grid, mergeSize)) + parts[k + 1]!;
  });
  return out;
}
