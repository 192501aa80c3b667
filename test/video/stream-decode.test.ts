// The native frame sink (csrc/video/frame_stream.cpp): frames resized and pairs patchified as ffmpeg delivers them
// must equal the whole-tensor ops on the decoded frames, byte for byte, also with repeated/unsorted indices, an odd
// frame count and a corrupt tail; and its failures become DataErrors / rejected promises, never a hang or a crash.
import { closeSync, openSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../lib/errors.js';
import type { Tensor } from '../../lib/tensor/index.js';
import { decodeFrames, decodeResizedFrames } from '../../lib/video/decode.js';
import { native } from '../../lib/tensor/native.js';
import { patchifyU8Async } from '../../lib/video/patchify.js';
import { probeVideo } from '../../lib/video/probe.js';
import { resizeBicubicAA } from '../../lib/video/resize.js';
import { sharedDataset } from '../data/datasets-path.js';

const video = (n: string) => sharedDataset(`videos/${n}`);
const bytes = (t: Tensor) => {
  const a = t.contiguous().toArray() as Uint8Array | Float32Array;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
};

async function expectStreamEqualsWholeOps(name: string, indices: number[], size: { height: number; width: number }) {
  const path = video(name);
  const p = await probeVideo(path);
  const streamed = await decodeResizedFrames(path, p, indices, size, {}, 'fused');
  const plain = await decodeFrames(path, p, indices);
  const resized = resizeBicubicAA(plain.frames.permute([0, 3, 1, 2]), size.height, size.width);
  const whole = await patchifyU8Async(resized.contiguous(), 'fused');
  expect(streamed.frames.shape).toEqual([indices.length, 3, size.height, size.width]);
  expect(bytes(streamed.frames).equals(bytes(resized))).toBe(true);
  expect(streamed.patchified!.grid).toEqual(whole.grid);
  expect(bytes(streamed.patchified!.pixelValues).equals(bytes(whole.pixelValues))).toBe(true);
  const noAddresses = (ws: string[]) => ws.map((w) => w.replace(/ @ 0x[0-9a-f]+/g, ''));
  expect(noAddresses(streamed.warnings)).toEqual(noAddresses(plain.warnings));
  return streamed;
}

describe('streamed resize + patchify equal the whole-tensor ops', () => {
  it('charades.mp4, 12 sorted frames (even T)', async () => {
    await expectStreamEqualsWholeOps('charades.mp4', [0, 40, 80, 120, 160, 200, 240, 280, 320, 360, 400, 459], { height: 224, width: 392 });
  });
  it('unordered.mov, repeated and unsorted indices, odd T (the last pair repeats its frame)', async () => {
    await expectStreamEqualsWholeOps('unordered.mov', [3, 0, 3, 1, 2], { height: 56, width: 84 });
  });
  it('video.webm upsized (50x28 -> 168x84)', async () => {
    await expectStreamEqualsWholeOps('video.webm', [0, 13, 374, 749], { height: 84, width: 168 });
  });
  it('corrupted.mp4: the undelivered tail is padded with the last delivered frame, with the same warnings', async () => {
    const r = await expectStreamEqualsWholeOps('corrupted.mp4', [0, 10, 20, 49], { height: 28, width: 56 });
    expect(r.warnings.join('\n')).toContain('only 3 of 4 sampled frames could be decoded');
  });
  it('unchanged size: frames are the decoded frames, channels first', async () => {
    const path = video('unordered.mov');
    const p = await probeVideo(path);
    const streamed = await decodeResizedFrames(path, p, [0, 2], { height: p.height, width: p.width });
    const plain = await decodeFrames(path, p, [0, 2]);
    expect(bytes(streamed.frames).equals(bytes(plain.frames.permute([0, 3, 1, 2])))).toBe(true);
    expect(streamed.patchified).toBeUndefined();
  });
});

describe('concurrency', () => {
  it('more concurrent decodes than libuv pool threads all finish, each equal to its sequential result', async () => {
    const path = video('charades.mp4');
    const p = await probeVideo(path);
    const sets = Array.from({ length: 6 }, (_, k) => [k, 100 + k, 200 + k, 459 - k]);
    const size = { height: 56, width: 84 };
    const together = await Promise.all(sets.map((ix) => decodeResizedFrames(path, p, ix, size)));
    for (const [k, ix] of sets.entries()) {
      const alone = await decodeResizedFrames(path, p, ix, size);
      expect(bytes(together[k]!.frames).equals(bytes(alone.frames))).toBe(true);
    }
  });
});

describe('failures', () => {
  it('more frames on the pipe than selected (a wrong assumed size) is a DataError naming the file', async () => {
    const path = video('unordered.mov');
    const p = await probeVideo(path);
    // Half the real width: every real frame reads as two, so the pipe carries twice the selected count.
    await expect(decodeFrames(path, { ...p, width: p.width / 2 }, [0, 1])).rejects.toThrow(
      new RegExp(`^${path}: ffmpeg produced more than the 2 frames selected`),
    );
  });
  it('an output that is not whole frames is a DataError', async () => {
    const path = video('unordered.mov');
    const p = await probeVideo(path);
    await expect(decodeFrames(path, { ...p, width: p.width + 1 }, [0, 1, 2, 3])).rejects.toThrow(DataError);
  });
  it('a read error in the native sink rejects the promise (a JS exception, not a crash)', async () => {
    const fd = openSync('/dev/null', 'w'); // write-only: read() fails with EBADF
    await expect(native().consumeFrames(fd, 2, 2, 2, 2, [0], 1, true, null, 14, 2, 2)).rejects.toThrow(/reading the decoder's output failed/);
    expect(() => closeSync(fd)).toThrow(); // the sink closed it
  });
  it('bad arguments are rejected synchronously and the fd is still closed', () => {
    const fd = openSync('/dev/null', 'r');
    // @ts-expect-error slotSource must be a number[]: the binding's own argument check is what this test covers
    expect(() => native().consumeFrames(fd, 2, 2, 2, 2, 'x', 1, true, null, 14, 2, 2)).toThrow();
    expect(() => closeSync(fd)).toThrow();
  });
});
