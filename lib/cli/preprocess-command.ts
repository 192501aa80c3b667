/**
 * `rarft-data preprocess`: fills the video cache ahead of training/eval, so runs never wait on ffmpeg.
 *   rarft-data preprocess --videos DIR | --list FILE --cache DIR [--jobs N] [sampling/budget options]
 * Videos are decoded by N concurrent ffmpeg processes (each frame resized natively as it arrives); cached
 * videos are skipped after a cheap key check. Progress on stderr; warnings and failures are printed with the file
 * they concern, and any failure makes the exit status 1 (after all other videos are done).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DataError } from '../errors.js';
import { ItemProgress, type ProgressStream } from '../logging/progress.js';
import { positiveInt, positiveNumber } from '../util/cli-args.js';
import { type CacheIdentity, cachedDecodeResized } from '../video/cache.js';
import type { VideoPreprocessOptions } from '../video/preprocess.js';

export const VIDEO_EXTENSIONS = ['.mp4', '.mkv', '.webm', '.mov', '.avi', '.m4v', '.mpg', '.mpeg', '.flv', '.wmv', '.3gp'];

/** Video files under `dir` (recursive, sorted, by extension). */
export function listVideoDir(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new DataError('not a directory', { file: dir });
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (VIDEO_EXTENSIONS.includes(extname(e.name).toLowerCase())) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** One path per line; blank lines and '#' comments skipped; relative paths are relative to the list's folder. */
export function readVideoList(file: string): string[] {
  if (!existsSync(file)) throw new DataError('list file does not exist', { file });
  const base = dirname(resolve(file));
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => (isAbsolute(l) ? l : join(base, l)));
}

export interface PreprocessRunOptions {
  videos: string[];
  cacheDir: string;
  jobs: number;
  identity?: CacheIdentity;
  settings?: VideoPreprocessOptions;
  stream?: ProgressStream;
}

export interface PreprocessSummary {
  total: number;
  decoded: number;
  hits: number;
  failed: Array<{ path: string; error: string }>;
  warnings: string[];
  seconds: number;
}

export async function runPreprocess(o: PreprocessRunOptions): Promise<PreprocessSummary> {
  const t0 = performance.now();
  const progress = new ItemProgress({ total: o.videos.length, label: 'preprocess', ...(o.stream ? { stream: o.stream } : {}) });
  const summary: PreprocessSummary = { total: o.videos.length, decoded: 0, hits: 0, failed: [], warnings: [], seconds: 0 };
  let next = 0;
  const worker = async () => {
    while (next < o.videos.length) {
      const path = o.videos[next++]!;
      try {
        const r = await cachedDecodeResized(path, o.settings ?? {}, { dir: o.cacheDir, identity: o.identity ?? 'stat' });
        r.frames.dispose();
        if (r.hit) summary.hits++;
        else {
          summary.decoded++;
          for (const w of r.info.warnings) {
            summary.warnings.push(w);
            progress.log(`warning: ${w}`);
          }
        }
      } catch (e) {
        const msg = e instanceof DataError ? e.message : `${path}: ${(e as Error).message}`;
        summary.failed.push({ path, error: msg });
        progress.log(`error: ${msg}`);
      }
      progress.tick();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(o.jobs, o.videos.length)) }, worker));
  progress.done();
  summary.seconds = (performance.now() - t0) / 1000;
  return summary;
}

export function preprocessCommand(): Command {
  return new Command('preprocess')
    .description('decode, sample (Time-R1: 2 fps) and resize videos once into the video cache')
    .option('--videos <dir>', 'a folder of videos (searched recursively)')
    .option('--list <file>', 'a file with one video path per line (relative to the file)')
    .requiredOption('--cache <dir>', 'the video cache folder')
    .option('--jobs <n>', 'concurrent ffmpeg processes', positiveInt, 2)
    .option('--fps <n>', 'sampling fps (qwen-vl-utils default 2)', positiveNumber)
    .option('--total-pixels <n>', 'video pixel budget (default Time-R1: 3584*28*28)', positiveInt)
    .option('--min-pixels <n>', 'per-frame minimum (default Time-R1: 16*28*28)', positiveInt)
    .option('--max-pixels <n>', 'per-frame maximum (can only lower the budget)', positiveInt)
    .addOption(new Option('--reader <kind>', 'frame index rules').choices(['timer1', 'decord']).default('timer1'))
    .addOption(new Option('--identity <mode>', 'cache key file identity').choices(['stat', 'content']).default('stat'))
    .addOption(new Option('--on-corrupt <policy>', 'undecodable frames: pad with the last frame (warn) or fail').choices(['pad', 'error']).default('pad'))
    .addOption(new Option('--probe <method>', "auto: ffprobe when present; ffmpeg: one ffmpeg process (faster with a static ffmpeg)").choices(['auto', 'ffmpeg']).default('auto'))
    .option('--ffmpeg <path>', 'the ffmpeg executable (else FFMPEG_PATH, npm packages, PATH)')
    .action(async (o: Record<string, string | number | undefined>) => {
      if (!o.videos === !o.list) throw new InvalidArgumentError('give exactly one of --videos DIR or --list FILE');
      const videos = o.videos ? listVideoDir(String(o.videos)) : readVideoList(String(o.list));
      const settings: VideoPreprocessOptions = {
        reader: o.reader as 'timer1' | 'decord',
        onCorrupt: o.onCorrupt as 'pad' | 'error',
        probe: o.probe as 'auto' | 'ffmpeg',
        ...(o.fps !== undefined ? { fps: Number(o.fps) } : {}),
        ...(o.totalPixels !== undefined ? { totalPixels: Number(o.totalPixels) } : {}),
        ...(o.minPixels !== undefined ? { minPixels: Number(o.minPixels) } : {}),
        ...(o.maxPixels !== undefined ? { maxPixels: Number(o.maxPixels) } : {}),
        ...(o.ffmpeg !== undefined ? { ffmpegPath: String(o.ffmpeg) } : {}),
      };
      const s = await runPreprocess({ videos, cacheDir: String(o.cache), jobs: Number(o.jobs), identity: o.identity as CacheIdentity, settings });
      process.stderr.write(
        `preprocess: ${s.total} videos in ${s.seconds.toFixed(1)} s: ${s.decoded} decoded, ${s.hits} already cached, ${s.failed.length} failed, ${s.warnings.length} warnings\n`,
      );
      if (s.failed.length) process.exitCode = 1;
    });
}
