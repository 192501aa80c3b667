// The video cache: a hit skips ffmpeg entirely and returns the same bits; keys follow file identity and settings.
import { copyFileSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Tensor } from '../../lib/tensor/index.js';
import { cacheEntryPath, cacheKey, preprocessVideoCached } from '../../lib/video/cache.js';
import { preprocessVideo } from '../../lib/video/preprocess.js';
import { sharedDataset } from '../data/datasets-path.js';

const tmp = mkdtempSync(join(tmpdir(), 'rarft-vcache-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const clip = join(tmp, 'clip.mkv');
copyFileSync(sharedDataset('videos/flipping_a_pancake.mkv'), clip);
const NO_FFMPEG = { ffmpegPath: '/nonexistent/ffmpeg' }; // any ffmpeg use would throw

const bytes = (t: Tensor) => {
  const a = t.toArray() as Float32Array;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
};

describe('video cache', () => {
  const dir = join(tmp, 'cache');
  it('miss decodes and stores; hit loads without ffmpeg and gives identical model inputs', async () => {
    const direct = await preprocessVideo(clip);
    const miss = await preprocessVideoCached(clip, {}, { dir });
    expect(miss.cacheHit).toBe(false);
    const hit = await preprocessVideoCached(clip, NO_FFMPEG, { dir });
    expect(hit.cacheHit).toBe(true);
    for (const r of [miss, hit]) {
      expect(bytes(r.pixelValuesVideos).equals(bytes(direct.pixelValuesVideos))).toBe(true);
      expect(r.videoGridThw).toEqual(direct.videoGridThw);
      expect(r.secondPerGridTs).toBe(direct.secondPerGridTs);
      expect(r.indices).toEqual(direct.indices);
    }
    // normalisation and spg are applied on load: the same entry serves the other modes
    const spg1 = await preprocessVideoCached(clip, { ...NO_FFMPEG, spgMode: 'one', normalize: 'hf451' }, { dir });
    expect(spg1).toMatchObject({ cacheHit: true, secondPerGridTs: 1 });
  });

  it('settings that change the frames change the key', async () => {
    const a = await cacheKey(clip, {});
    expect(await cacheKey(clip, { normalize: 'hf451', spgMode: 'one' })).toBe(a);
    expect(await cacheKey(clip, { totalPixels: 1000 * 784 })).not.toBe(a);
    expect(await cacheKey(clip, { reader: 'decord' })).not.toBe(a);
    expect(await cacheKey(clip, { fps: 1 })).not.toBe(a);
    const r = await preprocessVideoCached(clip, { totalPixels: 1000 * 784 }, { dir });
    expect(r.cacheHit).toBe(false);
  });

  it("'stat' identity misses after the file changes; 'content' identity survives a copy", async () => {
    const before = await cacheKey(clip, {});
    utimesSync(clip, new Date(), new Date(Date.now() + 5000));
    expect(await cacheKey(clip, {})).not.toBe(before);
    const copy = join(tmp, 'moved.mkv');
    copyFileSync(clip, copy);
    expect(await cacheKey(copy, {}, 'content')).toBe(await cacheKey(clip, {}, 'content'));
    const dir2 = join(tmp, 'cache-content');
    expect((await preprocessVideoCached(clip, {}, { dir: dir2, identity: 'content' })).cacheHit).toBe(false);
    expect((await preprocessVideoCached(copy, NO_FFMPEG, { dir: dir2, identity: 'content' })).cacheHit).toBe(true);
  });

  it('an unreadable entry is decoded again, replaced, and reported naming the video and the entry', async () => {
    const dir3 = join(tmp, 'cache-bad');
    await preprocessVideoCached(clip, {}, { dir: dir3 });
    const entry = cacheEntryPath(dir3, await cacheKey(clip, {}));
    writeFileSync(entry, 'garbage');
    const again = await preprocessVideoCached(clip, {}, { dir: dir3 });
    expect(again.cacheHit).toBe(false);
    expect(again.warnings.join('\n')).toContain(`${clip}: cache entry ${entry} was unreadable`);
    expect((await preprocessVideoCached(clip, NO_FFMPEG, { dir: dir3 })).cacheHit).toBe(true);
  });

  it('a missing video names the path', async () => {
    await expect(preprocessVideoCached(join(tmp, 'nope.mp4'), {}, { dir })).rejects.toThrow(`${join(tmp, 'nope.mp4')}: video file does not exist`);
  });
});
