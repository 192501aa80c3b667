/**
 * The model inputs of one prompt (text ids + its video) repeated for its G completions: rows are identical, so no
 * padding is needed, and the vision rows / grids / time steps are repeated once per row in row order (the layout the
 * model's scatter of video features expects). The same builder serves the rollout (prompt only) and the log-prob
 * passes (prompt + completion), so both see the same video tensors and, with `same_as_rollout`, the same M-RoPE
 * time step (§7.11).
 */
import type { QwenInputs } from '../qwen/qwen.js';
import { type Tensor, cat, fromTypedArray, tensor } from '../tensor/index.js';
import type { VideoTensors } from './video-inputs.js';

export interface PromptRows {
  /** [L] prompt ids. */
  promptIds: Int32Array;
  video: VideoTensors;
  rows: number;
}

/** Inputs for `rows` copies of the prompt, optionally followed by `completion` [rows, T]. */
export function repeatedInputs(p: PromptRows, opts: { completion?: Tensor<'int64'>; withSpg: boolean }): QwenInputs {
  const ids = fromTypedArray(BigInt64Array.from(p.promptIds, (x) => BigInt(x)), [1, p.promptIds.length], 'int64').expand([p.rows, p.promptIds.length]);
  const inputIds = (opts.completion ? cat([ids, opts.completion], 1) : ids.contiguous()) as Tensor<'int64'>;
  const grid = tensor(Array.from({ length: p.rows }, () => [...p.video.grid]), { dtype: 'int64' });
  const pixels = p.rows === 1 ? p.video.pixelValuesVideos : p.video.pixelValuesVideos.repeat([p.rows, 1]);
  return {
    inputIds,
    pixelValuesVideos: pixels as Tensor<'float32'>,
    videoGridThw: grid as Tensor<'int64'>,
    ...(opts.withSpg ? { secondPerGridTs: tensor(Array.from({ length: p.rows }, () => p.video.secondPerGridTs)) } : {}),
  };
}
