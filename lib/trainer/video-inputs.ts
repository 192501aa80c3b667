/**
 * Model-ready video tensors per file for the trainer: the on-disk frame cache (lib/video/cache.ts: decode once per
 * run configuration) plus a small in-memory LRU of the patchified tensors, so a video seen again within a few steps
 * (the refusable examples of the same record, the next epoch of a small dataset) costs nothing.
 * The tensors here are owned by this cache (kept out of any scope) until evicted or `dispose()`.
 */
import type { TrainConfig } from '../config/schema.js';
import { keep } from '../tensor/index.js';
import { type PreprocessedVideo, type VideoPreprocessOptions, preprocessVideoCached } from '../video/index.js';

export interface VideoTensors {
  pixelValuesVideos: PreprocessedVideo['pixelValuesVideos'];
  grid: [number, number, number];
  /** 2 / sample_fps: the rollout's M-RoPE time step (§7.11). */
  secondPerGridTs: number;
  sampleFps: number;
}

export function videoOptions(v: TrainConfig['video']): VideoPreprocessOptions {
  return { fps: v.fps, totalPixels: v.total_pixels, minPixels: v.min_pixels, minFrames: v.min_frames, maxFrames: v.max_frames };
}

export class VideoInputCache {
  readonly #mem = new Map<string, VideoTensors>();
  hits = 0;
  misses = 0;

  constructor(
    readonly opts: VideoPreprocessOptions,
    readonly cacheDir: string,
    readonly capacity = 32,
  ) {}

  async get(path: string): Promise<VideoTensors> {
    const m = this.#mem.get(path);
    if (m) {
      this.#mem.delete(path); // re-insert: Map order is the LRU order
      this.#mem.set(path, m);
      this.hits++;
      return m;
    }
    this.misses++;
    const v = await preprocessVideoCached(path, this.opts, { dir: this.cacheDir });
    const t: VideoTensors = { pixelValuesVideos: keep(v.pixelValuesVideos), grid: v.videoGridThw, secondPerGridTs: v.secondPerGridTs, sampleFps: v.sampleFps };
    this.#mem.set(path, t);
    if (this.#mem.size > this.capacity) {
      const [oldest, old] = this.#mem.entries().next().value as [string, VideoTensors];
      this.#mem.delete(oldest);
      old.pixelValuesVideos.dispose();
    }
    return t;
  }

  dispose(): void {
    for (const v of this.#mem.values()) v.pixelValuesVideos.dispose();
    this.#mem.clear();
  }
}
