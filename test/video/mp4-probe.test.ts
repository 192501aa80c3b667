// The in-process MP4/MOV header probe (lib/video/mp4-probe.ts) must report exactly what ffprobe reports for the
// fields the video path uses, and step aside (null) for every file it does not reproduce with certainty.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { probeMp4 } from '../../lib/video/mp4-probe.js';
import { parseFfprobeJson } from '../../lib/video/probe-parse.js';
import { sharedDataset } from '../data/datasets-path.js';
import { NPM_FFMPEG, NPM_FFPROBE } from './binaries.js';

const ffprobe = (f: string) => parseFfprobeJson(execFileSync(NPM_FFPROBE, ['-v', 'error', '-select_streams', 'v:0', '-show_streams', '-show_format', '-of', 'json', f]).toString());

const dir = mkdtempSync(join(tmpdir(), 'rarft-mp4probe-'));
// [file, ffmpeg output args]: frame rates with and without exact decimals, B-frames (edit list with a delay) or
// not, faststart or moov at the end, audio beside video, MOV and M4V containers, H.264 / HEVC / MPEG-4 Part 2
const PLAIN: Array<[string, string[]]> = [
  ['ntsc.mp4', ['-r', '30000/1001', '-c:v', 'libx264']],
  ['pal-faststart.mp4', ['-r', '25', '-c:v', 'libx264', '-movflags', '+faststart']],
  ['film.mov', ['-r', '24', '-c:v', 'libx264']],
  ['half.mp4', ['-r', '12.5', '-c:v', 'libx264', '-bf', '0']],
  ['mpeg4.mp4', ['-r', '15', '-c:v', 'mpeg4']],
  ['hevc.mp4', ['-r', '30', '-c:v', 'libx265', '-x265-params', 'log-level=error']],
  ['hfr.m4v', ['-r', '60', '-c:v', 'libx264']],
];

beforeAll(() => {
  for (const [name, args] of PLAIN) {
    const audio = name === 'pal-faststart.mp4' ? ['-f', 'lavfi', '-i', 'sine=duration=2', '-c:a', 'aac'] : [];
    execFileSync(NPM_FFMPEG, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=96x64:rate=30:duration=2.3', ...audio.slice(0, 4), ...args, ...audio.slice(4), join(dir, name)]);
  }
  execFileSync(NPM_FFMPEG, ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=96x64:rate=25:duration=2', '-c:v', 'libx264', '-movflags', 'frag_keyframe+empty_moov', join(dir, 'fragmented.mp4')]);
}, 120_000);

describe('probeMp4', () => {
  for (const [name] of PLAIN) {
    it(`${name}: equals ffprobe`, () => {
      const ours = probeMp4(join(dir, name));
      expect(ours).not.toBeNull();
      expect(ours).toEqual(ffprobe(join(dir, name)));
    });
  }

  it('the shared MP4/MOV clips, the rotated phone clip included, equal ffprobe', () => {
    for (const name of ['charades.mp4', 'OHOFG.mp4', 'corrupted.mp4', 'unordered.mov', 'video_0.mov', 'video_90.mov']) {
      const f = sharedDataset(`videos/${name}`);
      expect(probeMp4(f), name).toEqual(ffprobe(f));
    }
    expect(probeMp4(sharedDataset('videos/video_90.mov'))!.rotation).toBe(90);
  });

  // ffmpeg 5.1 no longer turns `-metadata rotate=` into a matrix, so the track matrix is written into tkhd directly
  // (version 0: the matrix sits 40 bytes into the payload), translation included as phones write it.
  const withMatrix = (name: string, m: number[]) => {
    const b = Buffer.from(readFileSync(join(dir, 'half.mp4')));
    const at = b.indexOf('tkhd') + 4 + 40;
    m.forEach((x, i) => b.writeInt32BE(x, at + 4 * i));
    writeFileSync(join(dir, name), b);
    return join(dir, name);
  };
  const O = 0x10000, W = 0x40000000;
  for (const [deg, m] of [
    [90, [0, O, 0, -O, 0, 0, 64 * O, 0, W]],
    [180, [-O, 0, 0, 0, -O, 0, 96 * O, 64 * O, W]],
    [270, [0, -O, 0, O, 0, 0, 0, 96 * O, W]],
  ] as Array<[number, number[]]>) {
    it(`a ${deg} degree track matrix: rotation ${deg}, equal to ffprobe`, () => {
      const f = withMatrix(`rot${deg}.mp4`, m);
      const theirs = ffprobe(f);
      expect(theirs.rotation).toBe(deg);
      expect(probeMp4(f)).toEqual(theirs);
    });
  }
  it('a mirrored or scaled track matrix is left to ffprobe', () => {
    expect(probeMp4(withMatrix('mirror.mp4', [-O, 0, 0, 0, O, 0, 96 * O, 0, W]))).toBeNull();
    expect(probeMp4(withMatrix('scaled.mp4', [2 * O, 0, 0, 0, 2 * O, 0, 0, 0, W]))).toBeNull();
  });

  it('steps aside for fragmented, truncated, non-MP4 and missing files', () => {
    expect(probeMp4(join(dir, 'fragmented.mp4'))).toBeNull();
    const whole = readFileSync(sharedDataset('videos/charades.mp4'));
    const cut = join(dir, 'truncated.mp4');
    writeFileSync(cut, whole.subarray(0, whole.length - 4000)); // the moov sits at the end: cut into it
    expect(probeMp4(cut)).toBeNull();
    const mkv = join(dir, 'pancake.mp4');
    copyFileSync(sharedDataset('videos/flipping_a_pancake.mkv'), mkv); // a Matroska file with the wrong extension
    expect(probeMp4(mkv)).toBeNull();
    expect(probeMp4(join(dir, 'absent.mp4'))).toBeNull();
  });
});
