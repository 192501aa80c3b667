import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VideoIndex } from '../../lib/eval/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'rarft-vidx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
for (const f of ['a/E6DLK.mp4', 'b/deep/s13-d21-cam-002.avi', 'dataset/videos/tvgbench/x.mp4', 'abc123.mkv', 'v_QOlSCBRmfWY.mp4', 'notes.txt']) {
  mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
  writeFileSync(path.join(dir, f), '');
}
const index = VideoIndex.build(dir);

describe('VideoIndex.resolve', () => {
  it('absolute path that exists, then DIR/<relative path>', () => {
    const abs = path.join(dir, 'a/E6DLK.mp4');
    expect(index.resolve(abs, 'E6DLK').path).toBe(abs);
    expect(index.resolve('dataset/videos/tvgbench/x.mp4', 'x').path).toBe(path.join(dir, 'dataset/videos/tvgbench/x.mp4'));
  });

  it("an author's absolute path falls back to the file name anywhere under DIR", () => {
    expect(index.resolve('/data/sungjoon/charades/E6DLK.mp4', 'E6DLK').path).toBe(path.join(dir, 'a/E6DLK.mp4'));
    expect(index.resolve('../dataset/selected_videos/s13-d21-cam-002.avi', 's13-d21-cam-002').path).toBe(path.join(dir, 'b/deep/s13-d21-cam-002.avi'));
  });

  it('a bare id finds a video of any extension; ActivityNet ids with or without "v_"', () => {
    expect(index.resolve('abc123.mp4', 'abc123').path).toBe(path.join(dir, 'abc123.mkv'));
    expect(index.resolve('v_QOlSCBRmfWY.mp4', 'v_QOlSCBRmfWY').path).toBe(path.join(dir, 'v_QOlSCBRmfWY.mp4'));
    expect(index.resolve('QOlSCBRmfWY.mp4', 'QOlSCBRmfWY').path).toBe(path.join(dir, 'v_QOlSCBRmfWY.mp4'));
  });

  it('a miss lists everything tried; non-video files are never matched', () => {
    const r = index.resolve('/data/x/notes.txt', 'notes');
    expect(r.path).toBeNull();
    expect(r.tried[0]).toBe('/data/x/notes.txt');
    expect(r.tried.join(' ')).toContain(`${dir}/**/notes.txt`);
  });

  it('a --videos that is not a directory is an error naming it', () => {
    expect(() => VideoIndex.build(path.join(dir, 'nope'))).toThrow(/nope: --videos is not a directory/);
  });
});
