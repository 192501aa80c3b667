// The whole path per file, and sampling/budget cross-checked against the Python port of qwen-vl-utils / Time-R1
// run on the same probe numbers (test/fixtures/video/expected.json, from make_video_fixtures.py).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../lib/errors.js';
import { decodeResized, preprocessVideo } from '../../lib/video/preprocess.js';
import { decodeFrames } from '../../lib/video/decode.js';
import { resizeBicubicAA } from '../../lib/video/resize.js';
import { probeVideo } from '../../lib/video/probe.js';
import { sampleFrames } from '../../lib/video/sampling.js';
import { TIMER1_MIN_PIXELS, TIMER1_TOTAL_PIXELS } from '../../lib/video/constants.js';
import { videoFrameSize } from '../../lib/video/smart-resize.js';
import { sharedDataset } from '../data/datasets-path.js';

const video = (n: string) => sharedDataset(`videos/${n}`);
interface RefSampling {
  probe: { frames: number; fps: number; height: number; width: number };
  indices?: number[];
  nframes?: number;
  sample_fps?: number;
  second_per_grid_ts?: number;
  size?: [number, number];
  grid?: [number, number, number];
  error?: string;
}
const ref = (JSON.parse(readFileSync(new URL('../fixtures/video/expected.json', import.meta.url), 'utf8')) as { timer1_sampling: Record<string, RefSampling> }).timer1_sampling;

describe('sampling and budget equal the Python reference on every shared video', () => {
  for (const [name, r] of Object.entries(ref)) {
    it(name, async () => {
      const p = await probeVideo(video(name));
      expect({ frames: p.frameCount, fps: p.fps, height: p.height, width: p.width }).toEqual(r.probe);
      if (r.error) {
        expect(() => sampleFrames(p.frameCount, p.fps)).toThrow(r.error.replace('should in interval', 'should be in the interval').replace(/\.$/, ''));
        return;
      }
      const s = sampleFrames(p.frameCount, p.fps);
      expect(s.indices).toEqual(r.indices);
      expect(s.nframes).toBe(r.nframes);
      expect(s.sampleFps).toBe(r.sample_fps); // exact double equality, not approximate
      expect(2 / s.sampleFps).toBe(r.second_per_grid_ts);
      const size = videoFrameSize(p.height, p.width, s.nframes, { minPixels: TIMER1_MIN_PIXELS, totalPixels: TIMER1_TOTAL_PIXELS });
      expect([size.height, size.width]).toEqual(r.size);
    });
  }
});

describe('the resize done frame by frame during the decode equals one resize of all frames', () => {
  for (const name of ['charades.mp4', 'corrupted.mp4']) {
    it(name, async () => {
      const path = video(name);
      const staged = await decodeResized(path); // each frame resized as ffmpeg delivers it (+ padding for corrupted)
      const p = await probeVideo(path);
      const { frames } = await decodeFrames(path, p, staged.info.indices);
      const oneShot = resizeBicubicAA(frames.permute([0, 3, 1, 2]), staged.info.frameSize.height, staged.info.frameSize.width);
      expect(staged.frames.shape).toEqual(oneShot.shape);
      expect(staged.frames.shape[0]).toBe(staged.info.indices.length);
      const a = staged.frames.toArray() as Uint8Array;
      const b = oneShot.toArray() as Uint8Array;
      expect(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))).toBe(true);
    });
  }
});

describe('preprocessVideo end to end', () => {
  it('flipping_a_pancake.mkv: grid, spg, shapes', async () => {
    const r = ref['flipping_a_pancake.mkv']!;
    const out = await preprocessVideo(video('flipping_a_pancake.mkv'));
    expect(out.videoGridThw).toEqual(r.grid);
    expect(out.pixelValuesVideos.shape).toEqual([r.grid![0] * r.grid![1] * r.grid![2], 1176]);
    expect(out.pixelValuesVideos.dtype).toBe('float32');
    expect(out.secondPerGridTs).toBe(r.second_per_grid_ts);
    expect(out.indices).toEqual(r.indices);
    expect(out.warnings).toEqual([]);
    // values are normalised CLIP pixels: within [(0-255m)/255s, (255-255m)/255s]
    expect(out.pixelValuesVideos.min().item()).toBeGreaterThanOrEqual(-1.8);
    expect(out.pixelValuesVideos.max().item()).toBeLessThanOrEqual(2.2);
    const one = await preprocessVideo(video('flipping_a_pancake.mkv'), { spgMode: 'one' });
    expect(one.secondPerGridTs).toBe(1);
  });
  it('video.webm (50x28): the min-pixels path upsizes to 84x168', async () => {
    const out = await preprocessVideo(video('video.webm'));
    expect(out.frameSize).toEqual({ height: 84, width: 168 });
    expect(out.videoGridThw).toEqual([30, 6, 12]);
  });
  it('video_90.mov: budget uses the upright size (568 tall)', async () => {
    const out = await preprocessVideo(video('video_90.mov'));
    expect(out.frameSize.height).toBeGreaterThan(out.frameSize.width);
    expect(out.videoGridThw[0]).toBe(1); // 3 frames -> nframes 2
  });
  it('corrupted.mp4: processed with warnings naming the file', async () => {
    const out = await preprocessVideo(video('corrupted.mp4'));
    expect(out.videoGridThw[0]).toBe(5);
    expect(out.warnings.some((w) => w.startsWith(video('corrupted.mp4')))).toBe(true);
    await expect(preprocessVideo(video('corrupted.mp4'), { onCorrupt: 'error' })).rejects.toThrow(DataError);
  });
  it('a missing file is a DataError naming it', async () => {
    await expect(preprocessVideo('/nonexistent/a.mp4')).rejects.toThrow('/nonexistent/a.mp4: video file does not exist');
  });
});
