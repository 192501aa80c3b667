/**
 * The in-process video probes (lib/video/mp4-probe.ts, mkv-probe.ts), which read untrusted container structures in
 * the trainer's own process: small MP4/MOV (moov before and after mdat) and Matroska/WebM files made with ffmpeg,
 * mutated as bytes, mostly inside the header region (moov; the EBML header, tracks and first clusters). The probes
 * return null for anything they do not reproduce with certainty; a non-null result must be a sane stream description.
 * The *-vs-ffprobe targets also check that result against ffprobe (the path probe.ts takes when the in-process
 * reader steps aside) wherever ffprobe accepts the mutated file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { resolveFfmpeg } from '../../../lib/video/ffmpeg-binary.js';
import { probeMatroska } from '../../../lib/video/mkv-probe.js';
import { probeMp4 } from '../../../lib/video/mp4-probe.js';
import type { StreamInfo } from '../../../lib/video/probe-parse.js';
import { probeVideo } from '../../../lib/video/probe.js';
import { int, mutateBytes, pick } from '../mutate.js';
import { type FuzzCase, defineTarget } from '../target.js';

const SOURCE = ['-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10:duration=1.2'];
const MP4S: Array<[string, string[]]> = [
  ['end.mp4', ['-c:v', 'libx264', '-bf', '0']],
  ['bframes-faststart.mp4', ['-c:v', 'libx264', '-movflags', '+faststart']],
  ['film.mov', ['-r', '24000/1001', '-c:v', 'mpeg4']],
];
const MKVS: Array<[string, string[]]> = [
  ['h264.mkv', ['-c:v', 'libx264', '-cluster_size_limit', '2000', '-cluster_time_limit', '200']],
  ['vp9.webm', ['-c:v', 'libvpx-vp9', '-deadline', 'realtime']],
  ['laced.mkv', ['-r', '25', '-c:v', 'mpeg4']],
];

type Base = Array<{ name: string; bytes: Buffer; focus: [number, number] }>;

interface Case extends FuzzCase {
  file: string;
}

/** Renders the base files once (ffmpeg from the usual places: lib/video/ffmpeg-binary.ts). */
function render(dir: string, list: Array<[string, string[]]>, focusOf: (b: Buffer) => [number, number]): Base {
  const ffmpeg = resolveFfmpeg().ffmpeg;
  return list.map(([name, args]) => {
    const file = join(dir, name);
    if (!existsSync(file)) execFileSync(ffmpeg, ['-v', 'error', '-y', ...SOURCE, ...args, file]);
    const bytes = readFileSync(file);
    return { name, bytes, focus: focusOf(bytes) };
  });
}

/** The moov box of an MP4 (where its probe reads), or the first 4 KiB. */
function moovRange(b: Buffer): [number, number] {
  const at = b.indexOf('moov') - 4;
  return at >= 0 ? [at, at + b.readUInt32BE(at)] : [0, 4096];
}

function make(rng: () => number, base: Base, dir: string): Case {
  const src = pick(rng, base);
  // mostly inside the header region; sometimes anywhere (Matroska's probe also walks every cluster's blocks)
  const bytes = mutateBytes(rng, src.bytes, int(rng, 10) < 8 ? src.focus : undefined);
  const file = join(dir, `fuzz-${src.name}`);
  writeFileSync(file, bytes);
  return { file, names: [file], mode: src.name };
}

/** What a non-null probe result must look like. */
function sane(s: StreamInfo): string | null {
  const posInt = (x: number) => Number.isInteger(x) && x > 0;
  if (typeof s.codec !== 'string' || !s.codec) return `codec ${JSON.stringify(s.codec)}`;
  if (!posInt(s.codedWidth) || !posInt(s.codedHeight)) return `size ${s.codedWidth}x${s.codedHeight}`;
  if (!(Number.isFinite(s.fps) && s.fps > 0)) return `fps ${s.fps}`;
  if (s.nbFrames !== null && !(Number.isInteger(s.nbFrames) && s.nbFrames >= 0)) return `nb_frames ${s.nbFrames}`;
  if (s.countedPackets !== undefined && !(Number.isInteger(s.countedPackets) && s.countedPackets >= 0)) return `counted packets ${s.countedPackets}`;
  if (s.durationSec !== null && !(Number.isFinite(s.durationSec) && s.durationSec >= 0)) return `duration ${s.durationSec}`;
  if (![0, 90, 180, 270].includes(s.rotation)) return `rotation ${s.rotation}`;
  return null;
}

const FIELDS: Array<keyof StreamInfo> = ['codec', 'codedWidth', 'codedHeight', 'fps', 'fpsSource', 'fpsExact', 'nbFrames', 'countedPackets', 'durationSec', 'rotation'];

/** Compares a non-null in-process result with ffprobe's, when ffprobe reads the file. */
async function againstFfprobe(file: string, ours: StreamInfo | null): Promise<string | null> {
  if (!ours) return null;
  let theirs;
  try {
    theirs = await probeVideo(file, { probe: 'ffprobe' });
  } catch {
    return null; // ffprobe (or the ffmpeg packet count after it) rejects the file: nothing to compare
  }
  const diff = FIELDS.filter((k) => JSON.stringify(ours[k]) !== JSON.stringify(theirs[k]));
  return diff.length ? diff.map((k) => `${k}: ours ${JSON.stringify(ours[k])}, ffprobe ${JSON.stringify(theirs[k])}`).join('; ') : null;
}

const probeTarget = (list: Array<[string, string[]]>, focusOf: (b: Buffer) => [number, number], probe: (f: string) => StreamInfo | null, vsFfprobe: boolean) =>
  defineTarget<Base, Case>({
    async setup(dir) {
      return render(dir, list, focusOf);
    },
    make,
    run: (c) => probe(c.file),
    tag: (result) => (result === null ? 'null' : 'info'),
    async check(c, result) {
      const s = result as StreamInfo | null;
      if (s === null) return null;
      const bad = sane(s);
      if (bad) return bad;
      return vsFfprobe ? againstFfprobe(c.file, s) : null;
    },
  });

const headerOfMkv = (b: Buffer): [number, number] => [0, Math.min(b.length, 4096)];

export const mp4Target = probeTarget(MP4S, moovRange, probeMp4, false);
export const matroskaTarget = probeTarget(MKVS, headerOfMkv, probeMatroska, false);
export const mp4VsFfprobe = probeTarget(MP4S, moovRange, probeMp4, true);
export const matroskaVsFfprobe = probeTarget(MKVS, headerOfMkv, probeMatroska, true);

/** The ffprobe the comparison would use, or null (then those targets cannot run). */
export function findFfprobe(): string | null {
  try {
    return resolveFfmpeg().ffprobe;
  } catch {
    return null;
  }
}
