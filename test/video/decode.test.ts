// Decoding the sampled frames through the ffmpeg pipe, on the hard shared videos. The reference for "right frames"
// is a plain sequential decode of EVERY frame by a separate ffmpeg run (autorotate on, no frame selection, every
// frame passed through), indexed in our sampled positions: same pixels, same order. The ffmpeg is the npm-shipped
// one (test/video/binaries.ts), so no system package is needed.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../lib/errors.js';
import { loadSafetensors } from '../../lib/io/safetensors.js';
import type { Tensor } from '../../lib/tensor/index.js';
import { decodeFrames } from '../../lib/video/decode.js';
import { probeVideo } from '../../lib/video/probe.js';
import { sharedDataset } from '../data/datasets-path.js';
import { NPM_FFMPEG } from './binaries.js';

const BINARIES = [['@ffmpeg-installer 4.1', NPM_FFMPEG]] as const;
const video = (n: string) => sharedDataset(`videos/${n}`);

/** Every frame, decoded sequentially by ffmpeg (upright via its autorotate), as one buffer. */
function referenceDecode(path: string): Buffer {
  // `-vsync 0`: every decoded frame passes through (ffmpeg 4.1's spelling of 5.1's `-fps_mode passthrough`)
  const r = spawnSync(NPM_FFMPEG, ['-v', 'error', '-i', path, '-map', '0:v:0', '-vsync', '0', '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'], { maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`reference decode of ${path} failed: ${r.stderr}`);
  return r.stdout;
}

function frameBytes(t: Tensor, k: number): Buffer {
  const a = t.toArray() as Uint8Array;
  const n = a.length / t.shape[0]!;
  return Buffer.from(a.buffer, a.byteOffset + k * n, n);
}

async function expectFramesMatchReference(name: string, indices: number[], ffmpegPath: string) {
  const path = video(name);
  const p = await probeVideo(path);
  const { frames, warnings } = await decodeFrames(path, p, indices, { ffmpegPath });
  expect(frames.shape).toEqual([indices.length, p.height, p.width, 3]);
  const ref = referenceDecode(path);
  const fb = p.width * p.height * 3;
  indices.forEach((i, k) => expect(frameBytes(frames, k).equals(ref.subarray(i * fb, (i + 1) * fb)), `${name} frame ${i} (position ${k})`).toBe(true));
  frames.dispose();
  return warnings;
}

describe.each(BINARIES)('decode via %s', (_label, ffmpegPath) => {
  it('unordered.mov (B-frames, out-of-order pts): presentation order, every frame', async () => {
    expect(await expectFramesMatchReference('unordered.mov', [0, 1, 2, 3], ffmpegPath)).toEqual([]);
  });
  it('unsorted and repeated indices come back in the order asked', async () => {
    expect(await expectFramesMatchReference('unordered.mov', [3, 0, 3, 1], ffmpegPath)).toEqual([]);
  });
  it('video_90.mov (display-matrix rotation): frames come out upright, 568 rows x 320 columns', async () => {
    expect(await expectFramesMatchReference('video_90.mov', [0, 1, 2], ffmpegPath)).toEqual([]);
  });
  it('flipping_a_pancake.mkv (Matroska, no frame count in the container)', async () => {
    expect(await expectFramesMatchReference('flipping_a_pancake.mkv', [0, 15, 31, 155, 309], ffmpegPath)).toEqual([]);
  });
  it('video.webm (VP9, 50x28)', async () => {
    expect(await expectFramesMatchReference('video.webm', [0, 13, 374, 749], ffmpegPath)).toEqual([]);
  });
});

describe('corrupted.mp4 (50 packets, frame 30 undecodable)', () => {
  it("default 'pad': decodes what is decodable, repeats the last frame for the missing tail, and warns naming the file", async () => {
    const path = video('corrupted.mp4');
    const p = await probeVideo(path);
    const { frames, warnings } = await decodeFrames(path, p, [0, 10, 20, 49]);
    expect(frames.shape).toEqual([4, 720, 1280, 3]);
    expect(warnings.join('\n')).toContain(`${path}: decoder reported errors`);
    expect(warnings.join('\n')).toContain(`${path}: only 3 of 4 sampled frames could be decoded`);
    expect(frameBytes(frames, 3).equals(frameBytes(frames, 2))).toBe(true);
    // frames before the damage are exact
    const ref = referenceDecode(path);
    const fb = 1280 * 720 * 3;
    expect(frameBytes(frames, 1).equals(ref.subarray(10 * fb, 11 * fb))).toBe(true);
  });
  it("'error' policy: a DataError naming the file", async () => {
    const path = video('corrupted.mp4');
    const p = await probeVideo(path);
    await expect(decodeFrames(path, p, [0, 10, 20, 49], { onCorrupt: 'error' })).rejects.toThrow(DataError);
    await expect(decodeFrames(path, p, [0, 40], { onCorrupt: 'error' })).rejects.toThrow(new RegExp(`^${path}: decoder reported errors`));
  });
  it('damage after the last selected frame is never reached: ffmpeg stops at that frame (-frames:v)', async () => {
    const path = video('corrupted.mp4');
    const p = await probeVideo(path);
    const { frames, warnings } = await decodeFrames(path, p, [0, 10], { onCorrupt: 'error' });
    expect(warnings).toEqual([]);
    const fb = 1280 * 720 * 3;
    expect(frameBytes(frames, 1).equals(referenceDecode(path).subarray(10 * fb, 11 * fb))).toBe(true);
  });
});

describe('the committed fixture frames are what our pipe decodes', () => {
  it.each(BINARIES)('%s reproduces test/fixtures/video/frames.safetensors exactly', async (_l, ffmpegPath) => {
    const { tensors } = await loadSafetensors(new URL('../fixtures/video/frames.safetensors', import.meta.url).pathname);
    const webm = await decodeFrames(video('video.webm'), await probeVideo(video('video.webm')), [0, 250, 500, 749], { ffmpegPath });
    expect(Buffer.from((webm.frames.toArray() as Uint8Array)).equals(Buffer.from(tensors.get('webm_frames')!.toArray() as Uint8Array))).toBe(true);
    const mkv = await decodeFrames(video('flipping_a_pancake.mkv'), await probeVideo(video('flipping_a_pancake.mkv')), [0, 155, 309], { ffmpegPath });
    const crop = mkv.frames.slice(1, 80, 176).slice(2, 160, 272).contiguous();
    expect(Buffer.from(crop.toArray() as Uint8Array).equals(Buffer.from(tensors.get('pancake_crop_frames')!.toArray() as Uint8Array))).toBe(true);
  });
});

describe('errors', () => {
  it('a missing file names the path', async () => {
    await expect(decodeFrames('/nonexistent/v.mp4', { width: 2, height: 2, rotation: 0 }, [0])).rejects.toThrow(/^\/nonexistent\/v.mp4: ffmpeg failed to decode/);
  });
});
