/**
 * Video path throughput on real clips: the whole path (probe + sampled decode + antialiased resize + normalise/
 * patchify, i.e. preprocessVideo) against a raw decode of the same clip by the same ffmpeg binary
 * (`ffmpeg -i clip -f null /dev/null`, which decodes every frame and does nothing else), and the cache-hit path.
 * Throughput is counted in SOURCE frames per second (frames of the clip consumed), so the ratio says how close the
 * whole path gets to the decoder's own speed; the sampled frames/s of the cache-hit path are reported separately.
 * The contenders run interleaved (raw, whole, whole with the ffmpeg probe, per repetition) so that load swings on a
 * shared machine hit them alike; medians of REPS repetitions after one warm-up. The 1-minute load average is
 * recorded before and after, since this box is shared.
 *
 * Also recorded, to show where the whole path's time goes (system ffmpeg): the stages on their own (default probe,
 * ffmpeg probe, sampled decode into the native sink without resize, then with the per-frame resize, then with the
 * per-pair patchify too), and, for comparison, the resize and the patchify of all sampled frames at once (the fast
 * uint8 resize kernel against the ATen float path it reproduces bit for bit).
 *
 * Run: npx vite-node bench/video.bench.ts   -> bench/results/video.json
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { preprocessVideoCached } from '../lib/video/cache.js';
import { TIMER1_MIN_PIXELS, TIMER1_TOTAL_PIXELS } from '../lib/video/constants.js';
import { decodeFrames, decodeResizedFrames } from '../lib/video/decode.js';
import { resolveFfmpeg } from '../lib/video/ffmpeg-binary.js';
import { patchifyU8Async } from '../lib/video/patchify.js';
import { preprocessVideo } from '../lib/video/preprocess.js';
import { probeVideo } from '../lib/video/probe.js';
import { resizeBicubicAAAsync, resizeInfo } from '../lib/video/resize.js';
import { sampleFrames } from '../lib/video/sampling.js';
import { videoFrameSize } from '../lib/video/smart-resize.js';
import { sharedDataset } from '../test/data/datasets-path.js';
import { NPM_FFMPEG } from '../test/video/binaries.js';
import { type BenchRecord, writeResults } from './write-results.js';

const REPS = Number(process.env.BENCH_REPS ?? 5);
const CLIPS = ['charades.mp4', 'OHOFG.mp4', 'flipping_a_pancake.mkv'];
const INSTALLER = NPM_FFMPEG;
// The npm-shipped ffmpeg always (it is what `npm ci` brings); a system ffmpeg (Debian's 5.1) beside it when installed.
const SYSTEM = existsSync('/usr/bin/ffmpeg') ? '/usr/bin/ffmpeg' : null;
const BINARIES: Array<[string, string]> = [
  ...(SYSTEM ? [['ffmpeg 5.1 (system)', SYSTEM] as [string, string]] : []),
  ['ffmpeg 4.1 (@ffmpeg-installer)', INSTALLER],
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeIt(fn: () => Promise<void> | void): Promise<number> {
  return (await timeInterleaved([fn]))[0]!;
}

/** Median seconds of each function, run in turn per repetition after one warm-up round. */
async function timeInterleaved(fns: Array<() => Promise<void> | void>): Promise<number[]> {
  for (const fn of fns) await fn(); // warm-up (page cache, libtorch thread pool, JIT)
  const ts: number[][] = fns.map(() => []);
  for (let i = 0; i < REPS; i++) {
    for (let k = 0; k < fns.length; k++) {
      const t0 = performance.now();
      await fns[k]!();
      ts[k]!.push((performance.now() - t0) / 1000);
    }
  }
  return ts.map(median);
}

const records: BenchRecord[] = [{ name: '1-minute load average before the suite (2 cores, shared)', value: loadavg()[0]!, unit: 'load' }];
const cacheDir = mkdtempSync(join(tmpdir(), 'rarft-vbench-'));
const rinfo = resizeInfo();
try {
  // Where the time goes: each stage alone, with the first ffmpeg of BINARIES, interleaved.
  for (const clip of CLIPS) {
    const ffmpegPath = BINARIES[0]![1];
    const path = sharedDataset(`videos/${clip}`);
    const p = await probeVideo(path, { ffmpegPath });
    const s = sampleFrames(p.frameCount, p.fps, {});
    const size = videoFrameSize(p.height, p.width, s.nframes, { minPixels: TIMER1_MIN_PIXELS, totalPixels: TIMER1_TOTAL_PIXELS });
    const decoded = (await decodeFrames(path, p, s.indices, { ffmpegPath })).frames;
    const tchw = decoded.permute([0, 3, 1, 2]);
    const resized = await resizeBicubicAAAsync(tchw, size.height, size.width);
    const times = await timeInterleaved([
      async () => void (await probeVideo(path, { ffmpegPath })),
      async () => void (await probeVideo(path, { ffmpegPath, probe: 'ffmpeg' })),
      async () => (await decodeFrames(path, p, s.indices, { ffmpegPath })).frames.dispose(),
      async () => (await decodeResizedFrames(path, p, s.indices, size, { ffmpegPath })).frames.dispose(),
      async () => {
        const r = await decodeResizedFrames(path, p, s.indices, size, { ffmpegPath }, 'fused');
        r.frames.dispose();
        r.patchified!.pixelValues.dispose();
      },
      async () => (await resizeBicubicAAAsync(tchw, size.height, size.width, 'fast')).dispose(),
      async () => (await resizeBicubicAAAsync(tchw, size.height, size.width, 'aten')).dispose(),
      async () => (await patchifyU8Async(resized)).pixelValues.dispose(),
    ]);
    const what = `${clip}, ${s.indices.length} frames ${p.width}x${p.height} -> ${size.width}x${size.height}`;
    const names = [
      'probe (default: in-process header read, else ffprobe)', "probe (probe: 'ffmpeg')", 'sampled decode into the native sink, no resize',
      'sampled decode, each frame resized on arrival', 'sampled decode, each frame resized and each pair patchified on arrival (whole path minus probe)',
      `resize of all frames at once, fast uint8 kernel (${rinfo.capability})`, 'resize of all frames at once, ATen float path', 'normalise+patchify of all frames at once',
    ];
    names.forEach((n, i) => records.push({ name: `stage alone: ${n}, ${what}, ffmpeg 5.1`, value: times[i]! * 1000, unit: 'ms' }));
    records.push({ name: `resize speed-up of the fast kernel over ATen (bit-identical), ${what}`, value: times[6]! / times[5]!, unit: 'x' });
    for (const t of [decoded, tchw, resized]) t.dispose();
  }
  for (const [label, ffmpegPath] of BINARIES) {
    const tools = resolveFfmpeg({ ffmpegPath });
    for (const clip of CLIPS) {
      const path = sharedDataset(`videos/${clip}`);
      const p = await probeVideo(path);
      let sampled = 0;
      let grid = '';
      const [raw, whole, wholeFast] = await timeInterleaved([
        () => {
          const r = spawnSync(tools.ffmpeg, ['-nostdin', '-v', 'error', '-i', path, '-f', 'null', '/dev/null']);
          if (r.status !== 0) throw new Error(`raw decode failed: ${r.stderr}`);
        },
        async () => {
          const out = await preprocessVideo(path, { ffmpegPath });
          sampled = out.indices.length;
          grid = out.videoGridThw.join('x');
          out.pixelValuesVideos.dispose();
        },
        // The single-process ffmpeg probe instead of ffprobe (no second dynamically linked process to start).
        async () => (await preprocessVideo(path, { ffmpegPath, probe: 'ffmpeg' })).pixelValuesVideos.dispose(),
      ]);
      const rawFps = p.frameCount / raw!;
      const wholeFps = p.frameCount / whole!;
      const what = `${clip} ${p.width}x${p.height}, ${p.frameCount} frames, ${sampled} sampled, grid ${grid}, ${label}`;
      records.push({ name: `raw decode (ffmpeg -i clip -f null), ${what}`, value: rawFps, unit: 'source frames/s' });
      records.push({ name: `whole video path (probe+decode+resize+patchify), ${what}`, value: wholeFps, unit: 'source frames/s' });
      records.push({ name: `whole path / raw decode, ${what}`, value: wholeFps / rawFps, unit: 'ratio', note: 'target >= 0.8' });
      records.push({ name: `whole path with probe 'ffmpeg' / raw decode, ${what}`, value: p.frameCount / wholeFast! / rawFps, unit: 'ratio', note: 'target >= 0.8' });
      if (ffmpegPath === BINARIES[0]![1]) {
        await preprocessVideoCached(path, { ffmpegPath }, { dir: cacheDir }); // fill
        const hit = await timeIt(async () => {
          const out = await preprocessVideoCached(path, { ffmpegPath }, { dir: cacheDir });
          if (!out.cacheHit) throw new Error('expected a cache hit');
          out.pixelValuesVideos.dispose();
        });
        records.push({ name: `cache hit (load uint8 frames + normalise/patchify), ${clip}`, value: hit * 1000, unit: 'ms/video' });
        records.push({ name: `cache hit speed-up over the whole path, ${clip}`, value: whole! / hit, unit: 'x' });
      }
    }
  }
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}
records.push({ name: '1-minute load average after the suite', value: loadavg()[0]!, unit: 'load' });
writeResults('video', records);
