// Synthetic videos: the boxes appear in exactly the frames of their time spans, in their colour, where placed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../lib/errors.js';
import { type BoxEvent, eventFrames, renderSyntheticVideo } from '../../lib/synthetic/render-video.js';
import { decodeFrames } from '../../lib/video/decode.js';
import { probeVideo } from '../../lib/video/probe.js';
import { preprocessVideo } from '../../lib/video/preprocess.js';
import { NPM_FFMPEG } from './binaries.js';

const tmp = mkdtempSync(join(tmpdir(), 'rarft-synth-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const events: BoxEvent[] = [
  { shape: 'box', color: 'red', start: 0.5, end: 1.5, x: 8, y: 8, w: 20, h: 16 },
  { shape: 'box', color: '0x0000FF', start: 1.2, end: 2.65, x: 36, y: 24, w: 20, h: 16 },
];
const RED = [255, 0, 0];
const BLUE = [0, 0, 255];
const BLACK = [0, 0, 0];

describe.each([['@ffmpeg-installer', NPM_FFMPEG]])('renderSyntheticVideo via %s', (_l, ffmpegPath) => {
  it('boxes are visible in exactly the frames of their spans', async () => {
    const path = join(tmp, `boxes-${_l.replace(/\W/g, '')}.mp4`);
    await renderSyntheticVideo({ ffmpegPath, path, duration: 3, fps: 10, width: 64, height: 48, events });
    const p = await probeVideo(path);
    expect(p).toMatchObject({ width: 64, height: 48, fps: 10, frameCount: 30 });
    const all = [...Array(30).keys()];
    const { frames } = await decodeFrames(path, p, all);
    const px = frames.toArray() as Uint8Array;
    const at = (f: number, y: number, x: number) => [0, 1, 2].map((c) => px[((f * 48 + y) * 64 + x) * 3 + c]!);
    const near = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]!) <= 12);
    const redFrames = eventFrames(events[0]!, 10, 30);
    const blueFrames = eventFrames(events[1]!, 10, 30);
    expect(redFrames).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]); // inclusive ends: t = 0.5 .. 1.5
    expect(blueFrames).toEqual([12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26]);
    for (const f of all) {
      // box centres, away from chroma-subsampled edges
      expect(near(at(f, 16, 18), redFrames.includes(f) ? RED : BLACK), `frame ${f} red box ${at(f, 16, 18)}`).toBe(true);
      expect(near(at(f, 32, 46), blueFrames.includes(f) ? BLUE : BLACK), `frame ${f} blue box ${at(f, 32, 46)}`).toBe(true);
      expect(near(at(f, 44, 2), BLACK), `frame ${f} background`).toBe(true);
    }
  });
});

describe('synthetic videos through the whole path', () => {
  it('preprocessVideo samples 2 fps and keeps the box in the sampled frames', async () => {
    const path = join(tmp, 'long.mkv');
    await renderSyntheticVideo({ path, duration: 8, fps: 25, width: 128, height: 96, events: [{ shape: 'box', color: 'green', start: 2, end: 5, x: 0, y: 0, w: 128, h: 96 }] });
    const out = await preprocessVideo(path);
    expect(out.indices).toHaveLength(16);
    expect(out.sampleFps).toBe(2);
    // 96x128 rounds to 84x140 = 11760 < min 12544, so the min-pixels branch scales up to 112x140
    expect(out.frameSize).toEqual({ height: 112, width: 140 });
    expect(out.videoGridThw).toEqual([8, 8, 10]);
    // temporal slice k holds sampled frames 2k, 2k+1; green (0x008000) is on for 2 s <= t <= 5 s
    const times = out.indices.map((i) => i / 25);
    const perSlice = 8 * 10;
    const greenMean = (k: number) => out.pixelValuesVideos.slice(0, k * perSlice, (k + 1) * perSlice).slice(1, 392, 784).mean().item();
    for (let k = 0; k < 8; k++) {
      const on = [times[2 * k]!, times[2 * k + 1]!].map((t) => t >= 2 && t <= 5);
      const g = greenMean(k);
      if (on[0] && on[1]) expect(g, `slice ${k} at t=${times[2 * k]}`).toBeGreaterThan(0.1); // (128 - 255*0.4578)/(255*0.2613) = 0.17
      if (!on[0] && !on[1]) expect(g, `slice ${k} at t=${times[2 * k]}`).toBeLessThan(-1.7); // black: -1.75
    }
  });
  it('a 7-minute video hits the 768-frame cap (a select filter of 768 terms) and the content lands in the right slices', async () => {
    const path = join(tmp, 'long.mp4');
    await renderSyntheticVideo({ path, duration: 420, fps: 25, width: 64, height: 48, events: [{ shape: 'box', color: 'white', start: 100, end: 200, x: 0, y: 0, w: 64, h: 48 }] });
    const out = await preprocessVideo(path);
    expect(out.probe.frameCount).toBe(10_500);
    expect(out.indices).toHaveLength(768);
    expect(out.sampleFps).toBe((768 / 10_500) * 25);
    expect(out.secondPerGridTs).toBe(1.09375);
    expect(out.videoGridThw).toEqual([384, 8, 10]);
    const perSlice = 8 * 10;
    for (const k of [0, 100, 150, 383]) {
      const t = out.indices[2 * k]! / 25;
      const m = out.pixelValuesVideos.slice(0, k * perSlice, (k + 1) * perSlice).mean().item();
      if (t >= 100 && out.indices[2 * k + 1]! / 25 <= 200) expect(m, `slice ${k} t=${t}`).toBeGreaterThan(1.8); // white
      else expect(m, `slice ${k} t=${t}`).toBeLessThan(-1.4); // black
    }
  });
  it('bad specs name the file and field', async () => {
    const path = join(tmp, 'bad.mp4');
    await expect(renderSyntheticVideo({ path, duration: 1, fps: 10, width: 63, height: 48, events: [] })).rejects.toThrow(DataError);
    await expect(renderSyntheticVideo({ path, duration: 1, fps: 10, width: 64, height: 48, events: [{ ...events[0]!, x: 60 }] })).rejects.toThrow(`${path}, field "events[0].w": box extends past the frame`);
    await expect(renderSyntheticVideo({ path, duration: 1, fps: 10, width: 64, height: 48, events: [{ ...events[0]!, color: 'red;rm' }] })).rejects.toThrow(/events\[0\]\.color/);
  });
});
