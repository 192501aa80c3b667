// ffmpeg resolution order and errors; probing with ffprobe JSON and with `ffmpeg -i` alone, on the shared videos.
// The binaries are the npm-shipped ones (test/video/binaries.ts): no system ffmpeg is needed or used.
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../lib/errors.js';
import { FfmpegNotFoundError, describeFfmpegCandidates, passthroughFlags, resolveFfmpeg } from '../../lib/video/ffmpeg-binary.js';
import { knownDuration, normaliseRotation, parseFfmpegInfo, parseFfprobeJson, parseFramecrc, recoverPrintedFps, refineFps } from '../../lib/video/probe-parse.js';
import { probeVideo } from '../../lib/video/probe.js';
import { sharedDataset } from '../data/datasets-path.js';
import { NPM_FFMPEG, NPM_FFPROBE } from './binaries.js';

const video = (n: string) => sharedDataset(`videos/${n}`);

/** A folder holding links named `ffmpeg` (and `ffprobe` when asked) to the npm binaries, like a system bin/. */
function binDir(withProbe: boolean): string {
  const d = mkdtempSync(join(tmpdir(), 'rarft-bin-'));
  symlinkSync(NPM_FFMPEG, join(d, 'ffmpeg'));
  if (withProbe) symlinkSync(NPM_FFPROBE, join(d, 'ffprobe'));
  return d;
}

describe('ffmpeg resolution', () => {
  it('an explicit path wins, then FFMPEG_PATH; ffprobe beside it first', () => {
    const sys = binDir(true);
    expect(resolveFfmpeg({ ffmpegPath: join(sys, 'ffmpeg') }).source).toBe('option');
    const t = resolveFfmpeg({ env: { ...process.env, FFMPEG_PATH: join(sys, 'ffmpeg') } });
    expect(t).toMatchObject({ source: 'FFMPEG_PATH', ffmpeg: join(sys, 'ffmpeg'), ffprobe: join(sys, 'ffprobe'), ffprobeSource: 'beside ffmpeg' });
  });

  it('ffprobe: FFPROBE_PATH, beside ffmpeg, @ffprobe-installer, then PATH', () => {
    const onlyFfmpeg = binDir(false);
    const withProbe = binDir(true);
    const explicit = resolveFfmpeg({ ffmpegPath: join(withProbe, 'ffmpeg'), env: { FFPROBE_PATH: NPM_FFPROBE } });
    expect(explicit).toMatchObject({ ffprobe: NPM_FFPROBE, ffprobeSource: 'FFPROBE_PATH' });
    // nothing beside the npm ffmpeg: the npm ffprobe package, before an ffprobe on PATH
    expect(resolveFfmpeg({ ffmpegPath: join(onlyFfmpeg, 'ffmpeg'), env: { PATH: withProbe } })).toMatchObject({ ffprobe: NPM_FFPROBE, ffprobeSource: '@ffprobe-installer/linux-x64' });
    // without the npm packages: PATH
    expect(resolveFfmpeg({ ffmpegPath: join(onlyFfmpeg, 'ffmpeg'), env: { PATH: withProbe }, npmPackages: false })).toMatchObject({ ffprobe: join(withProbe, 'ffprobe'), ffprobeSource: 'PATH' });
    // none anywhere: probing falls back to `ffmpeg -i`
    expect(resolveFfmpeg({ ffmpegPath: join(onlyFfmpeg, 'ffmpeg'), env: { PATH: onlyFfmpeg }, npmPackages: false })).toMatchObject({ ffprobe: null, ffprobeSource: null });
    expect(() => resolveFfmpeg({ ffmpegPath: join(onlyFfmpeg, 'ffmpeg'), env: { FFPROBE_PATH: '/nonexistent/ffprobe' } })).toThrow(/ffprobe at \/nonexistent\/ffprobe \(FFPROBE_PATH\) is unusable/);
  });

  it('passthrough flags follow libavformat: -fps_mode from 59.27 (ffmpeg 5.1), -vsync 0 before', () => {
    const t = resolveFfmpeg({ ffmpegPath: NPM_FFMPEG });
    expect(t.libavformat).toEqual([58, 24]); // the npm package's static ffmpeg 4.1
    expect(passthroughFlags(t)).toEqual(['-vsync', '0']);
    expect(passthroughFlags({ ...t, libavformat: [59, 27] })).toEqual(['-fps_mode', 'passthrough']);
    expect(passthroughFlags({ ...t, libavformat: [59, 26] })).toEqual(['-vsync', '0']);
    expect(passthroughFlags({ ...t, libavformat: [60, 3] })).toEqual(['-fps_mode', 'passthrough']);
  });

  it('a broken explicit choice is an error, not silently replaced', () => {
    expect(() => resolveFfmpeg({ env: { ...process.env, FFMPEG_PATH: '/nonexistent/ffmpeg' } })).toThrow(/FFMPEG_PATH.*does not exist/);
    expect(() => resolveFfmpeg({ ffmpegPath: '/etc/hostname' })).toThrow(/ffmpeg at \/etc\/hostname \(option ffmpegPath\) is unusable/);
  });

  it('order: ffmpeg-static (only if its binary exists and runs), @ffmpeg-installer, PATH', () => {
    const sys = binDir(true);
    const c = describeFfmpegCandidates({ env: { PATH: sys } });
    expect(c.map((x) => x.source)).toEqual(['ffmpeg-static', '@ffmpeg-installer/linux-x64', 'PATH']);
    const st = c[0]!;
    // ffmpeg-static is an optional dependency whose install script downloads its binary (blocked or failing here):
    // the package may be absent, or present with a path to a missing file. Either way it must not be chosen.
    if (st.path === null) expect(st.usable).toBe(false);
    else if (!existsSync(st.path)) expect(st).toMatchObject({ usable: false, why: 'file does not exist' });
    else expect(st.usable).toBe(true);
    expect(c[1]).toMatchObject({ path: NPM_FFMPEG, usable: true });
    expect(c[2]).toMatchObject({ path: join(sys, 'ffmpeg'), usable: true });
    const t = resolveFfmpeg({ env: { PATH: sys } });
    expect(t.source).toBe(st.usable ? 'ffmpeg-static' : '@ffmpeg-installer/linux-x64');
    expect(t.libavformat?.[0]).toBeGreaterThanOrEqual(58);
    expect(t.ffprobe).toBe(NPM_FFPROBE); // none beside the static ffmpeg: the npm ffprobe package
    // without the npm packages, PATH's ffmpeg and the ffprobe beside it
    expect(resolveFfmpeg({ env: { PATH: sys }, npmPackages: false })).toMatchObject({ source: 'PATH', ffmpeg: join(sys, 'ffmpeg'), ffprobe: join(sys, 'ffprobe') });
  });

  it('nothing found: one error listing what was tried and the fixes', () => {
    let err: Error | undefined;
    try {
      resolveFfmpeg({ env: { PATH: '/nonexistent' }, npmPackages: false });
    } catch (e) {
      err = e as Error;
    }
    expect(err).toBeInstanceOf(FfmpegNotFoundError);
    expect(err!.message).toMatch(/PATH: no `ffmpeg` in any PATH directory/);
    expect(err!.message).toMatch(/`npm ci` without --omit=optional/);
    expect(err!.message).toMatch(/apt-get install -y ffmpeg/);
    expect(err!.message).toMatch(/FFMPEG_PATH/);
  });
});

describe('probe parsing', () => {
  it('recovers exact NTSC and integer rates from ffmpeg prints', () => {
    expect(recoverPrintedFps('29.97')).toEqual({ fps: 30000 / 1001, exact: true });
    expect(recoverPrintedFps('14.99')).toEqual({ fps: 15000 / 1001, exact: true });
    expect(recoverPrintedFps('25')).toEqual({ fps: 25, exact: true });
    expect(recoverPrintedFps('1k')).toEqual({ fps: 1000, exact: true });
    expect(recoverPrintedFps('9.53')).toEqual({ fps: 9.53, exact: false });
  });
  it('packet lists: count, time base, constant duration; exact fps only when consistent with the print', () => {
    const list = '#tb 0: 1/10000\n#media_type 0: video\n0,  -2098,  0,  1049,  9813, 0x1\n0, -1049, 4196, 1049, 100, 0x2\n';
    const p = parseFramecrc(list);
    expect(p).toEqual({ count: 2, timeBase: [1, 10000], constantDuration: 1049 });
    const base = parseFfmpegInfo('  Stream #0:0: Video: h264, yuv420p, 640x360, 9.53 fps, 9.53 tbr, 10k tbn\n');
    expect(refineFps(base, p)).toMatchObject({ fps: 10000 / 1049, fpsExact: true });
    expect(refineFps(base, { ...p, constantDuration: 1000 })).toMatchObject({ fps: 9.53, fpsExact: false }); // 10 fps disagrees
    expect(refineFps(base, { ...p, constantDuration: null })).toMatchObject({ fpsExact: false });
    // Matroska: 33 ms packets (1000/33 = 30.3) must not override an exact integer print
    const mkv = parseFfmpegInfo('  Stream #0:0: Video: h264 (Main), yuv420p(progressive), 426x240, 30 fps, 30 tbr, 1k tbn\n');
    expect(refineFps(mkv, { count: 310, timeBase: [1, 1000], constantDuration: 33 }).fps).toBe(30);
  });
  it('rotation follows decord: rotate tag, else minus the display matrix angle', () => {
    expect(normaliseRotation(null, -90)).toBe(90);
    expect(normaliseRotation(90, -90)).toBe(90);
    expect(normaliseRotation(null, 90)).toBe(270);
    expect(normaliseRotation(null, 180)).toBe(180);
    expect(normaliseRotation(null, null)).toBe(0);
  });
  it('a zero container duration is unknown (null), from ffprobe 4.x JSON, `ffmpeg -i` and the rule itself', () => {
    const stream = { codec_type: 'video', codec_name: 'h264', width: 64, height: 48, avg_frame_rate: '25/1', r_frame_rate: '25/1' };
    expect(parseFfprobeJson(JSON.stringify({ streams: [stream], format: { duration: '0.000000' } })).durationSec).toBeNull();
    expect(parseFfprobeJson(JSON.stringify({ streams: [stream], format: { duration: '2.500000' } })).durationSec).toBe(2.5);
    expect(parseFfprobeJson(JSON.stringify({ streams: [stream], format: {} })).durationSec).toBeNull();
    expect(parseFfmpegInfo('  Duration: 00:00:00.00, start: 0.000000\n  Stream #0:0: Video: h264, yuv420p, 64x48, 25 fps, 25 tbr\n').durationSec).toBeNull();
    expect([knownDuration(0), knownDuration(-1), knownDuration(NaN), knownDuration(0.04)]).toEqual([null, null, null, 0.04]);
  });

  it('reads ffmpeg 5.1 stream dumps (codec tags with 0x... are not sizes)', () => {
    const s = [
      "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x.mov':",
      '  Duration: 00:00:00.10, start: 0.000000, bitrate: 1235 kb/s',
      '  Stream #0:0[0x1]: Video: h264 (Baseline) (avc1 / 0x31637661), yuv420p(tv, bt709, progressive), 568x320, 1172 kb/s, 29.97 fps, 30 tbr, 19200 tbn (default)',
      '    Side data:',
      '      displaymatrix: rotation of -90.00 degrees',
      '  Stream #0:1: Audio: aac',
    ].join('\n');
    expect(parseFfmpegInfo(s)).toMatchObject({ codec: 'h264', codedWidth: 568, codedHeight: 320, fps: 30000 / 1001, rotation: 90, durationSec: 0.1 });
  });
});

describe('probing the shared videos', () => {
  const cases: Array<[string, Partial<Awaited<ReturnType<typeof probeVideo>>>]> = [
    ['charades.mp4', { width: 480, height: 270, fps: 15000 / 1001, frameCount: 460, frameCountSource: 'nb_frames', rotation: 0 }],
    ['flipping_a_pancake.mkv', { width: 426, height: 240, fps: 30, frameCount: 310, frameCountSource: 'counted packets' }],
    ['video.webm', { codec: 'vp9', width: 50, height: 28, fps: 25, frameCount: 750, frameCountSource: 'counted packets' }],
    ['video_90.mov', { codedWidth: 568, codedHeight: 320, width: 320, height: 568, rotation: 90, frameCount: 3 }],
    ['unordered.mov', { width: 50, height: 50, fps: 32, frameCount: 4 }],
    ['corrupted.mp4', { width: 1280, height: 720, fps: 10, frameCount: 50 }],
  ];
  for (const [name, want] of cases) {
    it(`${name}: ffprobe JSON, ffmpeg-only parsing and the default (in-process header read when plain) agree`, async () => {
      const a = await probeVideo(video(name), { ffmpegPath: NPM_FFMPEG, ffprobePath: NPM_FFPROBE, probe: 'ffprobe' });
      expect(a.probedWith).toBe('ffprobe');
      expect(a).toMatchObject(want);
      const d = await probeVideo(video(name), { ffmpegPath: NPM_FFMPEG });
      // MP4/MOV (the rotated phone clip included) and Matroska/WebM files are all read in-process
      const inProcess = /\.(mkv|webm)$/.test(name) ? 'matroska header' : 'mp4 header';
      expect(d.probedWith).toBe(inProcess);
      const { probedWith: _a, ...fa } = a;
      const { probedWith: _d, ...fd } = d;
      expect(fd).toEqual(fa);
      const b = await probeVideo(video(name), { ffmpegPath: NPM_FFMPEG, noFfprobe: true });
      expect(b.probedWith).toBe('ffmpeg');
      expect(b).toMatchObject({ ...want, frameCountSource: 'counted packets' });
    });
  }
  it('OHOFG.mp4 (10000/1049 fps, printed 9.53): exact with ffprobe, and from the packet durations without it', async () => {
    expect((await probeVideo(video('OHOFG.mp4'), { probe: 'ffprobe' })).fps).toBe(10000 / 1049);
    expect((await probeVideo(video('OHOFG.mp4'))).fps).toBe(10000 / 1049);
    const b = await probeVideo(video('OHOFG.mp4'), { ffmpegPath: NPM_FFMPEG, probe: 'ffmpeg' });
    expect(b).toMatchObject({ fps: 10000 / 1049, fpsExact: true, fpsSource: 'packet durations', frameCount: 335, probedWith: 'ffmpeg' });
  });
  it('bad input is a DataError naming the file', async () => {
    await expect(probeVideo('/nonexistent/clip.mp4')).rejects.toThrow(DataError);
    await expect(probeVideo('/nonexistent/clip.mp4')).rejects.toThrow('/nonexistent/clip.mp4: video file does not exist');
    const notVideo = new URL('./ffmpeg-probe.test.ts', import.meta.url).pathname;
    await expect(probeVideo(notVideo)).rejects.toThrow(new RegExp(`^${notVideo}: ffprobe cannot read the file`));
    await expect(probeVideo(notVideo, { noFfprobe: true })).rejects.toThrow(new RegExp(`^${notVideo}: `));
  });
});
