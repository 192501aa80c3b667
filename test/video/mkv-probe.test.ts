// The in-process Matroska/WebM probe (lib/video/mkv-probe.ts) must report exactly what the ffprobe path reports
// (`ffprobe -count_packets`) for every StreamInfo field, and step aside (null) for every file it does not reproduce
// with certainty, in which case probeVideo still returns the ffprobe result.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { avReduce, probeMatroska } from '../../lib/video/mkv-probe.js';
import type { StreamInfo } from '../../lib/video/probe-parse.js';
import { type VideoProbe, probeVideo } from '../../lib/video/probe.js';
import { sharedDataset } from '../data/datasets-path.js';
import { NPM_FFMPEG, NPM_FFPROBE } from './binaries.js';

const FFMPEG = NPM_FFMPEG;
const dir = mkdtempSync(join(tmpdir(), 'rarft-mkvprobe-'));
const at = (name: string) => join(dir, name);

const SOURCE = ['-f', 'lavfi', '-i', 'testsrc=size=96x64:rate=30:duration=1.5'];
const SINE = ['-f', 'lavfi', '-i', 'sine=duration=1.5'];
const TINY_CLUSTERS = ['-cluster_size_limit', '2000', '-cluster_time_limit', '100'];
// [file, extra inputs, ffmpeg output args]: NTSC and film rates, 12.5 fps, audio beside video, tiny clusters, every
// codec the probe names, and BlockGroups (VP9 with alpha is written as BlockGroup + BlockAdditions)
const SAME: Array<[string, string[], string[]]> = [
  ['ntsc.mkv', [], ['-r', '30000/1001', '-c:v', 'libx264']],
  ['film.webm', SINE, ['-r', '24000/1001', '-c:v', 'libvpx-vp9', '-c:a', 'libopus']],
  ['half.mkv', SINE, ['-r', '12.5', '-c:v', 'libx264', '-c:a', 'aac']],
  ['vp8-tiny-clusters.webm', SINE, ['-r', '25', '-c:v', 'libvpx', '-c:a', 'libvorbis', ...TINY_CLUSTERS]],
  ['hevc-tiny-clusters.mkv', [], ['-r', '60', '-c:v', 'libx265', '-x265-params', 'log-level=error', ...TINY_CLUSTERS]],
  ['av1.mkv', [], ['-r', '24', '-c:v', 'libaom-av1', '-strict', 'experimental', '-cpu-used', '8']],
  ['alpha-blockgroups.webm', [], ['-vf', 'format=yuva420p', '-c:v', 'libvpx-vp9']],
];
// rotate tags: ffmpeg turns a `rotate` stream key into a display matrix, which its Matroska muxer drops (no tag,
// rotation 0 both ways; ffmpeg 5.1 keeps a `Rotate` key as a tag, the npm package's 4.1 drops it too); a global
// `rotate` reaches the file as a ROTATE SimpleTag. Track-level tags are also written by hand (writeMatroska).
const ROTATE: Array<[string, string[], string[]]> = [
  ['rotate-lower.mkv', [], ['-c:v', 'libx264', '-metadata:s:v:0', 'rotate=90']],
  ['rotate-tag.mkv', [], ['-c:v', 'libx264', '-metadata:s:v:0', 'Rotate=90']],
  ['rotate-global-tag.mkv', [], ['-c:v', 'libx264', '-metadata', 'rotate=180']],
];
// files the probe must leave to ffprobe
const NULL: Array<[string, string[], string[]]> = [
  ['live.webm', [], ['-c:v', 'libvpx-vp9', '-live', '1']], // unknown Segment size
  ['two-video-tracks.mkv', [], ['-map', '0:v', '-map', '0:v', '-c:v', 'libx264']],
  ['mpeg4.mkv', [], ['-c:v', 'mpeg4']], // V_MPEG4/ISO/ASP: not a codec the probe names
];

function ffmpeg(inputs: string[], args: string[], out: string): void {
  execFileSync(FFMPEG, ['-v', 'error', '-y', ...SOURCE, ...inputs, ...args, out]);
}

// ---- a minimal Matroska writer, for what ffmpeg never writes: laced video blocks, odd DefaultDurations ----

/** An element: its ID as written, an 8-byte size, the payload. */
function el(id: number, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const size = Buffer.alloc(8);
  size.writeBigUInt64BE(BigInt(body.length));
  size[0] = 0x01; // the length marker of an 8-byte vint
  return Buffer.concat([Buffer.from(id.toString(16).padStart(2 * Math.ceil(id.toString(16).length / 2), '0'), 'hex'), size, body]);
}
const UNKNOWN_SIZE = Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
function uint(id: number, v: number | bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(v));
  return el(id, b);
}
function float(id: number, v: number, bytes: 4 | 8): Buffer {
  const b = Buffer.alloc(bytes);
  if (bytes === 4) b.writeFloatBE(v);
  else b.writeDoubleBE(v);
  return el(id, b);
}
const str = (id: number, s: string) => el(id, Buffer.from(s, 'latin1'));

/** The shortest vint holding v (sizes are unsigned; EBML lace differences signed, stored with a bias). */
function vint(v: number, signed = false): Buffer {
  for (let len = 1; len <= 8; len++) {
    const stored = signed ? v + 2 ** (7 * len - 1) - 1 : v;
    if (stored < 0 || stored >= 2 ** (7 * len) - 1) continue;
    const b = Buffer.alloc(len);
    let x = stored;
    for (let i = len - 1; i >= 0; i--, x = Math.floor(x / 256)) b[i] = x % 256;
    b[0]! |= 0x80 >> (len - 1);
    return b;
  }
  throw new Error(`no vint for ${v}`);
}

/** A SimpleBlock (or Block) payload of track `track` holding `frames`, laced by `lacing` (0 none, 1 Xiph, 2 fixed, 3 EBML). */
function block(track: number, time: number, lacing: number, frames: Buffer[]): Buffer {
  const head = Buffer.concat([vint(track), Buffer.from([(time >> 8) & 0xff, time & 0xff, 0x80 | (lacing << 1)])]);
  if (lacing === 0) return Buffer.concat([head, frames[0]!]);
  const sizes: Buffer[] = [Buffer.from([frames.length - 1])];
  for (let i = 0; i < frames.length - 1; i++) {
    const n = frames[i]!.length;
    if (lacing === 1) sizes.push(Buffer.alloc(Math.floor(n / 255), 255), Buffer.from([n % 255]));
    if (lacing === 3) sizes.push(i === 0 ? vint(n) : vint(n - frames[i - 1]!.length, true));
  }
  return Buffer.concat([head, ...sizes, ...frames]);
}

interface Written {
  defaultDuration?: number;
  /** Info/Duration in TimecodeScale units; null leaves it out. */
  duration?: number | null;
  durationBytes?: 4 | 8;
  timecodeScale?: number;
  unknownClusterSize?: boolean;
  /** Adds a block of a track number Tracks does not list. */
  strayBlock?: boolean;
  /** Adds a Tags element with a SimpleTag of this name (value 90) aimed at the video track. */
  trackTag?: string;
}

/**
 * VP8 frames in one Cluster: three Xiph-laced, three EBML-laced, a frame twice with fixed lacing, one in a
 * BlockGroup, the rest as plain SimpleBlocks. Returns the file and its number of video packets.
 */
function writeMatroska(frames: Buffer[], o: Written = {}): { file: Buffer; packets: number } {
  const f = frames;
  const blocks = [
    el(0xa3, block(1, 0, 1, f.slice(0, 3))),
    el(0xa3, block(1, 120, 3, f.slice(3, 6))),
    el(0xa3, block(1, 240, 2, [f[6]!, f[6]!])),
    el(0xa0, el(0xa1, block(1, 320, 0, [f[7]!]))),
    ...f.slice(8).map((fr, i) => el(0xa3, block(1, 360 + 40 * i, 0, [fr]))),
    ...(o.strayBlock ? [el(0xa3, block(2, 0, 0, [f[0]!]))] : []),
  ];
  const clusterBody = Buffer.concat([uint(0xe7, 0), ...blocks]);
  const cluster = o.unknownClusterSize
    ? Buffer.concat([Buffer.from('1f43b675', 'hex'), UNKNOWN_SIZE, clusterBody])
    : el(0x1f43b675, clusterBody);
  const duration = o.duration === undefined ? 40 * (f.length + 1) : o.duration;
  const info = el(0x1549a966, uint(0x2ad7b1, o.timecodeScale ?? 1000000), str(0x4d80, 'rarft test'), str(0x5741, 'rarft test'),
    ...(duration === null ? [] : [float(0x4489, duration, o.durationBytes ?? 8)]));
  const video = el(0xe0, uint(0xb0, 96), uint(0xba, 64));
  const track = el(0xae, uint(0xd7, 1), uint(0x73c5, 1), uint(0x83, 1), str(0x86, 'V_VP8'), uint(0x23e383, o.defaultDuration ?? 40000000), video);
  const header = el(0x1a45dfa3, uint(0x4286, 1), uint(0x42f7, 1), uint(0x42f2, 4), uint(0x42f3, 8), str(0x4282, 'webm'), uint(0x4287, 2), uint(0x4285, 2));
  // Tags > Tag > (Targets > TagTrackUID 1, SimpleTag > TagName, TagString)
  const tags = o.trackTag ? [el(0x1254c367, el(0x7373, el(0x63c0, uint(0x63c5, 1)), el(0x67c8, str(0x45a3, o.trackTag), str(0x4487, '90'))))] : [];
  const file = Buffer.concat([header, el(0x18538067, info, el(0x1654ae6b, track), ...tags, cluster)]);
  return { file, packets: 3 + 3 + 2 + 1 + (f.length - 8) };
}

/** VP8 frames from an IVF file (32-byte header; each frame: 4-byte little-endian size, 8-byte pts, data). */
function vp8Frames(): Buffer[] {
  ffmpeg([], ['-frames:v', '12', '-c:v', 'libvpx', '-f', 'ivf'], at('frames.ivf'));
  const ivf = readFileSync(at('frames.ivf'));
  const frames: Buffer[] = [];
  for (let p = ivf.readUInt16LE(6); p + 12 <= ivf.length; ) {
    const n = ivf.readUInt32LE(p);
    frames.push(ivf.subarray(p + 12, p + 12 + n));
    p += 12 + n;
  }
  return frames;
}

// ---- comparison with the ffprobe path ----

const FIELDS = ['codec', 'codedWidth', 'codedHeight', 'fps', 'fpsSource', 'fpsExact', 'nbFrames', 'countedPackets', 'durationSec', 'rotation'] as const;
const streamInfoOf = (p: VideoProbe): StreamInfo => Object.fromEntries(FIELDS.map((k) => [k, p[k]])) as unknown as StreamInfo;
const viaFfprobe = (f: string) => probeVideo(f, { ffmpegPath: FFMPEG, ffprobePath: NPM_FFPROBE, probe: 'ffprobe' });

/** probeMatroska equals the ffprobe path field by field, and probeVideo's default uses it. */
async function expectSameAsFfprobe(f: string): Promise<StreamInfo> {
  const want = await viaFfprobe(f);
  expect(want.probedWith).toBe('ffprobe');
  const ours = probeMatroska(f);
  expect(ours).toEqual(streamInfoOf(want));
  const auto = await probeVideo(f, { ffmpegPath: FFMPEG });
  expect(auto.probedWith).toBe('matroska header');
  expect({ ...auto, probedWith: 'ffprobe' }).toEqual(want);
  return ours!;
}

/** probeMatroska steps aside, and probeVideo's default gives what the ffprobe path gives (a result or an error). */
async function expectLeftToFfprobe(f: string): Promise<void> {
  expect(probeMatroska(f)).toBeNull();
  const settle = (p: Promise<VideoProbe>) => p.then((r) => ({ ok: r }), (e: Error) => ({ error: e.message }));
  const want = await settle(viaFfprobe(f));
  expect(await settle(probeVideo(f, { ffmpegPath: FFMPEG }))).toEqual(want);
}

let frames: Buffer[] = [];
beforeAll(() => {
  for (const [name, inputs, args] of [...SAME, ...ROTATE, ...NULL]) ffmpeg(inputs, args, at(name));
  // muxed to a pipe: not seekable, so the Segment keeps an unknown size and Info no Duration
  writeFileSync(at('piped.mkv'), execFileSync(FFMPEG, ['-v', 'error', ...SOURCE, '-c:v', 'libx264', '-f', 'matroska', '-']));
  frames = vp8Frames();
}, 120_000);

describe('probeMatroska', () => {
  it('the shared Matroska/WebM clips equal ffprobe', async () => {
    expect(await expectSameAsFfprobe(sharedDataset('videos/flipping_a_pancake.mkv'))).toMatchObject({ fps: 30, countedPackets: 310 });
    expect(await expectSameAsFfprobe(sharedDataset('videos/video.webm'))).toMatchObject({ codec: 'vp9', fps: 25, countedPackets: 750 });
  });

  for (const [name] of SAME) {
    it(`${name}: equals ffprobe`, async () => {
      await expectSameAsFfprobe(at(name));
    });
  }

  it('laced blocks (Xiph, EBML, fixed) and a BlockGroup, written by hand: one packet per lace, as ffprobe counts', async () => {
    const { file, packets } = writeMatroska(frames);
    writeFileSync(at('laced.webm'), file);
    expect((await expectSameAsFfprobe(at('laced.webm'))).countedPackets).toBe(packets);
  });

  it('odd DefaultDurations, TimecodeScales and a 4-byte Duration: the rate and duration ffprobe prints', async () => {
    const cases: Written[] = [
      { defaultDuration: 33333333 }, { defaultDuration: 41708333 }, { defaultDuration: 33366667 }, { defaultDuration: 16683333 },
      { defaultDuration: 123456789, timecodeScale: 1000, duration: 1234567.891 },
      { defaultDuration: 3, durationBytes: 4, duration: 567.123 },
      { defaultDuration: 41666666, timecodeScale: 100000, duration: 4321.987654321 },
    ];
    for (const [i, c] of cases.entries()) {
      writeFileSync(at(`rate-${i}.webm`), writeMatroska(frames, c).file);
      await expectSameAsFfprobe(at(`rate-${i}.webm`));
    }
  });

  it('a file with a rotate tag (any case, any target) is left to ffprobe; one without equals it', async () => {
    const tagged: string[] = [];
    for (const [name] of ROTATE) {
      if (readFileSync(at(name)).includes('ROTATE')) {
        tagged.push(name);
        await expectLeftToFfprobe(at(name));
      } else await expectSameAsFfprobe(at(name));
    }
    expect(tagged).toContain('rotate-global-tag.mkv');
    expect(tagged.length).toBeLessThan(ROTATE.length); // both branches ran
    // a track-level tag in any case, whatever ffmpeg writes
    for (const name of ['Rotate', 'ROTATE', 'rotate']) {
      writeFileSync(at(`track-tag-${name}.webm`), writeMatroska(frames, { trackTag: name }).file);
      await expectLeftToFfprobe(at(`track-tag-${name}.webm`));
    }
    writeFileSync(at('track-tag-other.webm'), writeMatroska(frames, { trackTag: 'TITLE' }).file);
    await expectSameAsFfprobe(at('track-tag-other.webm'));
  });

  for (const [name] of NULL) {
    it(`${name}: left to ffprobe`, async () => {
      await expectLeftToFfprobe(at(name));
    });
  }

  it('steps aside for piped, truncated, non-Matroska and missing files', async () => {
    await expectLeftToFfprobe(at('piped.mkv'));
    const pancake = readFileSync(sharedDataset('videos/flipping_a_pancake.mkv'));
    writeFileSync(at('pancake-half.mkv'), pancake.subarray(0, pancake.length >> 1));
    await expectLeftToFfprobe(at('pancake-half.mkv'));
    const ntsc = readFileSync(at('ntsc.mkv'));
    writeFileSync(at('ntsc-cut.mkv'), ntsc.subarray(0, ntsc.length - 100)); // into the Cues at the end
    await expectLeftToFfprobe(at('ntsc-cut.mkv'));
    copyFileSync(sharedDataset('videos/charades.mp4'), at('charades.mkv')); // an MP4 with the wrong extension
    await expectLeftToFfprobe(at('charades.mkv'));
    expect(probeMatroska(at('absent.mkv'))).toBeNull();
  });

  it('steps aside for hand-written files it cannot reproduce: no Duration, an unknown-size Cluster, a stray track', async () => {
    for (const [name, o] of [['no-duration', { duration: null }], ['unknown-cluster', { unknownClusterSize: true }], ['stray-track', { strayBlock: true }]] as const) {
      writeFileSync(at(`${name}.webm`), writeMatroska(frames, o).file);
      await expectLeftToFfprobe(at(`${name}.webm`));
    }
  });
});

describe('avReduce (libavutil av_reduce)', () => {
  it('reduces exactly when the terms fit, else takes the best convergent or semi-convergent within max', () => {
    const r = (num: number, den: number, max = 30000) => avReduce(BigInt(num), BigInt(den), BigInt(max)).map(Number);
    expect(r(1e9, 40000000)).toEqual([25, 1]);
    expect(r(1e9, 33333333)).toEqual([30, 1]);
    expect(r(1e9, 41708333)).toEqual([24000, 1001]);
    expect(r(1e9, 33366667)).toEqual([30000, 1001]);
    expect(r(1e9, 41666667)).toEqual([24, 1]);
    expect(r(1e9, 3)).toEqual([30000, 1]); // the bound itself: 333333333.3 fps cannot be written within 30000
    expect(r(3, 1e9)).toEqual([0, 1]);
    expect(r(355, 113)).toEqual([355, 113]);
    expect(r(-6, 4)).toEqual([-3, 2]);
    expect(r(314159265, 100000000, 1000)).toEqual([355, 113]);
  });
});
