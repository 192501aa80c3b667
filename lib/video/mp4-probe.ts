/**
 * A probe for plain MP4/MOV files that reads the `moov` box in-process instead of starting ffprobe (~100 ms of
 * process start-up on this box, before the decode can begin: most of the gap between the video path and a raw
 * decode). It returns exactly what ffprobe reports for the fields the video path uses, or null whenever the file is
 * not a case it reproduces with certainty; the caller then runs ffprobe as before:
 *   nb_frames      = the video track's stsz sample count (libavformat's st->nb_frames);
 *   avg_frame_rate = timescale * Σ stts counts / Σ stts count*delta (mov.c's nb_frames_for_fps / duration_for_fps),
 *                    null unless both products fit in an int (av_reduce would otherwise approximate);
 *   width, height  = the visual sample entry's (H.264/HEVC/MPEG-4 only: the decoder reports the same);
 *   rotation       = 0/90/180/270 for a track matrix that is a pure quarter turn (unit scale, any translation) under
 *                    an identity movie matrix: the value parseFfprobeJson derives from ffprobe's display-matrix
 *                    rotation (phone videos; anything else, flips and scaled matrices included, goes to ffprobe).
 * Null also for: fragmented files (moof/mvex), several video tracks, edit lists other than one normal-rate entry, compact
 * sample sizes (stz2), a moov larger than 64 MiB. test/video/mp4-probe.test.ts checks every case against ffprobe.
 */
import { fstatSync, readSync } from 'node:fs';

import { readHeaderOrNull } from './header-file.js';
import { type StreamInfo, knownDuration } from './probe-parse.js';

interface Box {
  type: string;
  start: number; // payload start (after the header), absolute in the buffer or file
  end: number; // box end
}

const CODECS: Record<string, string> = { avc1: 'h264', avc3: 'h264', hvc1: 'hevc', hev1: 'hevc', mp4v: 'mpeg4' };
const MAX_MOOV = 64 * 2 ** 20;
const INT_MAX = 2 ** 31 - 1;

function readAt(fd: number, pos: number, n: number): Buffer {
  const b = Buffer.alloc(n);
  const got = readSync(fd, b, 0, n, pos);
  return got === n ? b : b.subarray(0, got);
}

/** Children of the payload [start, end) of `buf`. */
function children(buf: Buffer, start: number, end: number): Box[] | null {
  const out: Box[] = [];
  let p = start;
  while (p + 8 <= end) {
    let size = buf.readUInt32BE(p);
    const type = buf.toString('latin1', p + 4, p + 8);
    let header = 8;
    if (size === 1) {
      if (p + 16 > end) return null;
      size = Number(buf.readBigUInt64BE(p + 8));
      header = 16;
    } else if (size === 0) size = end - p;
    if (size < header || p + size > end) return null;
    out.push({ type, start: p + header, end: p + size });
    p += size;
  }
  return out;
}

const child = (buf: Buffer, b: Box, type: string) => children(buf, b.start, b.end)?.find((c) => c.type === type);

/** The `moov` box read from the file (it may sit before or after `mdat`), or null for anything unusual. */
function readMoov(fd: number): Buffer | null {
  const size = fstatSync(fd).size;
  let p = 0;
  while (p + 8 <= size) {
    const h = readAt(fd, p, 16);
    if (h.length < 8) return null;
    let boxSize = h.readUInt32BE(0);
    const type = h.toString('latin1', 4, 8);
    let header = 8;
    if (boxSize === 1) {
      if (h.length < 16) return null;
      boxSize = Number(h.readBigUInt64BE(8));
      header = 16;
    } else if (boxSize === 0) boxSize = size - p;
    if (boxSize < header) return null;
    if (type === 'moof') return null; // fragmented
    if (type === 'moov') {
      if (boxSize > MAX_MOOV || p + boxSize > size) return null;
      return readAt(fd, p, boxSize);
    }
    p += boxSize;
  }
  return null;
}

interface Track {
  handler: string;
  timescale: number;
  matrix: number[];
  codec: string | null;
  width: number;
  height: number;
  sampleCount: number | null;
  stts: Array<[number, number]>;
  plainEdits: boolean;
}

function readTrack(buf: Buffer, trak: Box): Track | null {
  const tkhd = child(buf, trak, 'tkhd');
  const mdia = child(buf, trak, 'mdia');
  if (!tkhd || !mdia) return null;
  const v = buf.readUInt8(tkhd.start);
  const mOff = tkhd.start + (v === 1 ? 52 : 40);
  if (mOff + 36 > tkhd.end) return null;
  const matrix = Array.from({ length: 9 }, (_, i) => buf.readInt32BE(mOff + 4 * i));
  const hdlr = child(buf, mdia, 'hdlr');
  const mdhd = child(buf, mdia, 'mdhd');
  if (!hdlr || !mdhd) return null;
  const handler = buf.toString('latin1', hdlr.start + 8, hdlr.start + 12);
  const mv = buf.readUInt8(mdhd.start);
  const timescale = buf.readUInt32BE(mdhd.start + (mv === 1 ? 20 : 12));
  // edit list: only none, or one entry that plays the media at normal rate
  let plainEdits = true;
  const edts = child(buf, trak, 'edts');
  const elst = edts ? child(buf, edts, 'elst') : undefined;
  if (elst) {
    const ev = buf.readUInt8(elst.start);
    const n = buf.readUInt32BE(elst.start + 4);
    if (n !== 1) plainEdits = false;
    else {
      const e = elst.start + 8;
      const mediaTime = ev === 1 ? Number(buf.readBigInt64BE(e + 8)) : buf.readInt32BE(e + 4);
      const rate = buf.readInt32BE(e + (ev === 1 ? 16 : 8));
      // one normal-rate entry (the usual B-frame delay of x264 files) changes neither field; an empty edit does
      plainEdits = mediaTime >= 0 && rate === 0x10000;
    }
  }
  const stbl = (() => {
    const minf = child(buf, mdia, 'minf');
    return minf ? child(buf, minf, 'stbl') : undefined;
  })();
  if (!stbl) return null;
  let codec: string | null = null;
  let width = 0, height = 0;
  const stsd = child(buf, stbl, 'stsd');
  if (stsd && buf.readUInt32BE(stsd.start + 4) >= 1) {
    const entry = stsd.start + 8;
    codec = buf.toString('latin1', entry + 4, entry + 8);
    if (entry + 36 <= stsd.end) {
      width = buf.readUInt16BE(entry + 32);
      height = buf.readUInt16BE(entry + 34);
    }
  }
  const stsz = child(buf, stbl, 'stsz');
  const sampleCount = stsz ? buf.readUInt32BE(stsz.start + 8) : null;
  const sttsBox = child(buf, stbl, 'stts');
  const stts: Array<[number, number]> = [];
  if (sttsBox) {
    const n = buf.readUInt32BE(sttsBox.start + 4);
    if (sttsBox.start + 8 + 8 * n > sttsBox.end) return null;
    for (let i = 0; i < n; i++) stts.push([buf.readUInt32BE(sttsBox.start + 8 + 8 * i), buf.readUInt32BE(sttsBox.start + 12 + 8 * i)]);
  }
  return { handler, timescale, matrix, codec, width, height, sampleCount, stts, plainEdits };
}

const IDENTITY = [0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000];
const ONE = 0x10000; // 16.16 fixed point

/**
 * Clockwise rotation that makes frames upright for a quarter-turn track matrix [a b u; c d v; x y w], or null.
 * libavformat exports the matrix as display-matrix side data; ffprobe's rotation is -atan2(b, a) in degrees and
 * normaliseRotation turns that into decord's convention: (0, 1, -1, 0) -> 90, (-1, 0, 0, -1) -> 180, (0, -1, 1, 0) -> 270.
 */
function quarterTurn(m: readonly number[]): number | null {
  const [a, b, u, c, d, v, , , w] = m;
  if (u !== 0 || v !== 0 || w !== 0x40000000) return null;
  if (a === ONE && b === 0 && c === 0 && d === ONE) return 0;
  if (a === 0 && b === ONE && c === -ONE && d === 0) return 90;
  if (a === -ONE && b === 0 && c === 0 && d === -ONE) return 180;
  if (a === 0 && b === -ONE && c === ONE && d === 0) return 270;
  return null;
}

/** The movie header's matrix (it composes with every track's). */
function movieMatrix(buf: Buffer, mvhd: Box): number[] {
  const off = mvhd.start + (buf.readUInt8(mvhd.start) === 1 ? 48 : 36);
  return Array.from({ length: 9 }, (_, i) => buf.readInt32BE(off + 4 * i));
}

/** ffprobe-equal stream info for a plain MP4/MOV, or null (then use ffprobe). Never throws on odd files. */
export function probeMp4(path: string): StreamInfo | null {
  return readHeaderOrNull(path, fromMoov);
}

/** The stream info from the file's moov box, or null; throws on a truncated or malformed box (see readHeaderOrNull). */
function fromMoov(fd: number): StreamInfo | null {
  const buf = readMoov(fd);
  if (!buf) return null;
  const moov: Box = { type: 'moov', start: 8, end: buf.length };
  if (buf.readUInt32BE(0) === 1) moov.start = 16;
  const kids = children(buf, moov.start, moov.end);
  if (!kids || kids.some((k) => k.type === 'mvex')) return null;
  const mvhd = kids.find((k) => k.type === 'mvhd');
  const tracks = kids.filter((k) => k.type === 'trak').map((t) => readTrack(buf, t));
  if (tracks.some((t) => t === null)) return null;
  const video = tracks.filter((t) => t!.handler === 'vide');
  if (video.length !== 1) return null;
  const t = video[0]!;
  const codec = t.codec ? CODECS[t.codec] : undefined;
  if (!codec || !t.width || !t.height || t.sampleCount === null || t.sampleCount < 1 || !t.plainEdits) return null;
  if (mvhd && movieMatrix(buf, mvhd).some((x, i) => x !== IDENTITY[i])) return null;
  const rotation = quarterTurn(t.matrix);
  if (rotation === null) return null;
  let frames = 0, duration = 0;
  for (const [count, delta] of t.stts) {
    frames += count;
    duration += count * delta;
  }
  if (!(frames > 0 && duration > 0 && t.timescale > 0) || t.timescale * frames > INT_MAX || duration > INT_MAX) return null;
  let durationSec: number | null = null;
  if (mvhd) {
    const v = buf.readUInt8(mvhd.start);
    const ts = buf.readUInt32BE(mvhd.start + (v === 1 ? 20 : 12));
    const d = v === 1 ? Number(buf.readBigUInt64BE(mvhd.start + 24)) : buf.readUInt32BE(mvhd.start + 16);
    // libavformat keeps the container duration in microseconds (av_rescale, rounding to nearest)
    if (ts > 0 && d * 1e6 < Number.MAX_SAFE_INTEGER) durationSec = knownDuration(Math.round((d * 1e6) / ts) / 1e6);
  }
  return {
    codec,
    codedWidth: t.width,
    codedHeight: t.height,
    fps: (t.timescale * frames) / duration,
    fpsSource: 'avg_frame_rate',
    fpsExact: true,
    nbFrames: t.sampleCount,
    durationSec,
    rotation,
  };
}
