// `rarft-data preprocess`: parallel cache filling, skip on hits, failures reported per file with exit status 1.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { listVideoDir, preprocessCommand, readVideoList, runPreprocess } from '../../lib/cli/preprocess-command.js';
import { renderSyntheticVideo } from '../../lib/synthetic/render-video.js';
import { sharedDataset } from '../data/datasets-path.js';

const tmp = mkdtempSync(join(tmpdir(), 'rarft-prep-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});
const sink = () => {
  const out: string[] = [];
  return { out, write: (s: string) => out.push(s), isTTY: false };
};

describe('preprocess command', () => {
  it('fills the cache with N jobs; a second run only hits; failures and warnings name their file', async () => {
    const list = join(tmp, 'videos.txt');
    const missing = join(tmp, 'missing.mp4');
    writeFileSync(list, ['# shared test videos', sharedDataset('videos/flipping_a_pancake.mkv'), sharedDataset('videos/video.webm'), '', sharedDataset('videos/corrupted.mp4'), missing].join('\n'));
    const videos = readVideoList(list);
    expect(videos).toHaveLength(4);
    const cacheDir = join(tmp, 'cache');
    const s1 = sink();
    const first = await runPreprocess({ videos, cacheDir, jobs: 3, stream: s1 });
    expect(first).toMatchObject({ total: 4, decoded: 3, hits: 0 });
    expect(first.failed).toEqual([{ path: missing, error: `${missing}: video file does not exist` }]);
    expect(first.warnings.some((w) => w.startsWith(sharedDataset('videos/corrupted.mp4')))).toBe(true);
    expect(s1.out.join('')).toContain(`error: ${missing}: video file does not exist`);
    expect(s1.out.at(-1)).toMatch(/^preprocess 4\/4 \(100%\) [\d.]+\/s ETA 0s\n$/);

    const second = await runPreprocess({ videos, cacheDir, jobs: 2, stream: sink(), settings: { ffmpegPath: '/nonexistent/ffmpeg' } });
    expect(second).toMatchObject({ decoded: 0, hits: 3 });
    expect(second.failed).toHaveLength(1);
  });

  it('--videos DIR finds videos recursively; the command sets exit status 1 only on failure', async () => {
    const dir = join(tmp, 'dir');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    await renderSyntheticVideo({ path: join(dir, 'a.mp4'), duration: 2, fps: 10, width: 64, height: 48, events: [] });
    await renderSyntheticVideo({ path: join(dir, 'sub', 'b.mkv'), duration: 2, fps: 10, width: 64, height: 48, events: [] });
    writeFileSync(join(dir, 'notes.txt'), 'not a video');
    expect(listVideoDir(dir)).toEqual([join(dir, 'a.mp4'), join(dir, 'sub', 'b.mkv')]);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await preprocessCommand().parseAsync(['--videos', dir, '--cache', join(tmp, 'cache2'), '--jobs', '2'], { from: 'user' });
    expect(process.exitCode).toBeUndefined();
    expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(/preprocess: 2 videos in [\d.]+ s: 2 decoded, 0 already cached, 0 failed/);
    writeFileSync(join(dir, 'broken.mp4'), 'not a video at all');
    await preprocessCommand().parseAsync(['--videos', dir, '--cache', join(tmp, 'cache2')], { from: 'user' });
    expect(process.exitCode).toBe(1);
    expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(/2 already cached, 1 failed/);
  });

  it('argument errors', async () => {
    const cmd = preprocessCommand().exitOverride().configureOutput({ writeErr: () => {} });
    await expect(cmd.parseAsync(['--cache', tmp], { from: 'user' })).rejects.toThrow(/exactly one of --videos DIR or --list FILE/);
    await expect(preprocessCommand().exitOverride().configureOutput({ writeErr: () => {} }).parseAsync(['--videos', tmp, '--cache', tmp, '--jobs', '0'], { from: 'user' })).rejects.toThrow(/positive integer/);
    expect(() => listVideoDir(join(tmp, 'nope'))).toThrow(`${join(tmp, 'nope')}: not a directory`);
  });
});
