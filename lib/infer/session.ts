/**
 * A loaded checkpoint ready to answer queries: the Qwen2.5-VL model, its tokenizer and chat template, and the video
 * settings (Time-R1 sampling and pixel budget, §4.5, the same for training and inference). Videos go through the
 * on-disk cache when a cache folder is given, so a video is decoded once per configuration, not once per run.
 */
import { QwenVL } from '../qwen/qwen.js';
import type { Device } from '../tensor/index.js';
import { loadTextTokenizer, type TextTokenizer } from '../text/index.js';
import { type PreprocessedVideo, type VideoPreprocessOptions, preprocessVideo, preprocessVideoCached } from '../video/index.js';
import { checkpointDType, type ModelDType } from './checkpoint-dtype.js';

export interface SessionOptions {
  /** Default: the checkpoint's own dtype. */
  dtype?: ModelDType;
  device?: Device;
}

export interface VideoLoadOptions {
  settings?: VideoPreprocessOptions;
  /** Cache folder; absent = decode every time. */
  cacheDir?: string;
}

export class InferenceSession {
  private constructor(
    readonly model: QwenVL,
    readonly tokenizer: TextTokenizer,
    readonly dtype: ModelDType,
    readonly loadMs: number,
  ) {}

  static async open(dir: string, o: SessionOptions = {}): Promise<InferenceSession> {
    const t0 = performance.now();
    const dtype = o.dtype ?? checkpointDType(dir);
    // The tokenizer first: a checkpoint without tokenizer.json fails before the (slow) weight load.
    const tokenizer = loadTextTokenizer(dir);
    const model = await QwenVL.load(dir, { dtype, device: o.device ?? 'cpu' });
    return new InferenceSession(model, tokenizer, dtype, performance.now() - t0);
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** Preprocesses one video (optionally clipped to [start, end] seconds) into model inputs, through the cache if set. */
export async function loadVideo(path: string, o: VideoLoadOptions = {}, clip: readonly [number, number] | null = null): Promise<PreprocessedVideo> {
  const settings: VideoPreprocessOptions = { ...(o.settings ?? {}), ...(clip ? { videoStart: clip[0], videoEnd: clip[1] } : {}) };
  if (o.cacheDir) return preprocessVideoCached(path, settings, { dir: o.cacheDir });
  return preprocessVideo(path, settings);
}
