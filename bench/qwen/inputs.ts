/**
 * Bench inputs: text prompts of random non-special token ids (no padding: equal lengths), and a video prompt for a
 * config whose special ids are given (vision_start, video pads, vision_end between text), with pixel rows built by
 * lib/video's normalise + patchify from seeded random uint8 frames (the compute does not depend on the content).
 */
import { Generator, type Tensor, cat, full, randint, tensor, tidy } from '../../lib/tensor/index.js';
import { normalizeFrames, patchify } from '../../lib/video/index.js';
import type { QwenInputs } from '../../lib/qwen/qwen.js';

/** [B, L] ids drawn from [0, maxId) (keep maxId below the special-token range). */
export function textPrompt(B: number, L: number, maxId: number, seed = 1): QwenInputs {
  const g = new Generator(seed);
  const inputIds = randint(0, maxId, [B, L], { generator: g });
  g.dispose();
  return { inputIds };
}

export interface VideoPromptSpec {
  frames: number;
  height: number;
  width: number;
  textBefore: number;
  textAfter: number;
  maxId: number;
  ids: { visionStart: number; visionEnd: number; video: number };
}

/** One row: text, <vision_start>, video pads (one per merged token), <vision_end>, text; plus the pixel rows. */
export function videoPrompt(s: VideoPromptSpec, seed = 2): QwenInputs & { videoTokens: number } {
  const g = new Generator(seed);
  const frames = randint(0, 256, [s.frames, 3, s.height, s.width], { generator: g, dtype: 'uint8' }) as Tensor<'uint8'>;
  const { pixelValues, grid } = patchify(normalizeFrames(frames));
  const videoTokens = (grid[0] * grid[1] * grid[2]) / 4;
  const inputIds = tidy(() =>
    cat([
      randint(0, s.maxId, [1, s.textBefore], { generator: g }),
      tensor([[s.ids.visionStart]], { dtype: 'int64' }),
      full([1, videoTokens], s.ids.video, { dtype: 'int64' }),
      tensor([[s.ids.visionEnd]], { dtype: 'int64' }),
      randint(0, s.maxId, [1, s.textAfter], { generator: g }),
    ], 1),
  ) as Tensor<'int64'>;
  g.dispose();
  frames.dispose();
  return {
    inputIds,
    pixelValuesVideos: pixelValues,
    videoGridThw: tensor([grid], { dtype: 'int64' }),
    secondPerGridTs: tensor([1.0]),
    videoTokens,
  };
}

/** The same prompt repeated `n` times as a plain batch (pixel rows and grids repeated too: no sharing at all). */
export function repeatPrompt(p: QwenInputs, n: number): QwenInputs {
  return {
    inputIds: p.inputIds.repeat([n, 1]),
    pixelValuesVideos: p.pixelValuesVideos?.repeat([n, 1]),
    videoGridThw: p.videoGridThw?.repeat([n, 1]),
    secondPerGridTs: p.secondPerGridTs?.repeat([n]),
  };
}
