/**
 * A probe for Matroska/WebM files that reads the EBML structure in-process instead of starting ffprobe (~95 ms of
 * process start-up plus a packet-counting pass, the biggest cost of the video path for these files). It returns
 * exactly what `ffprobe -count_packets` reports (libavformat's matroskadec, ffmpeg 4.x/5.x) for the fields the video
 * path uses, or null whenever the file is not a case it reproduces with certainty; the caller then runs ffprobe:
 *   avg_frame_rate  = av_reduce(1e9, DefaultDuration, 30000) of the video track (matroskadec's only source when
 *                     DefaultDuration is set; find_stream_info keeps a demuxer-set rate);
 *   nb_read_packets = the video track's frames over every Cluster: one per SimpleBlock or BlockGroup/Block, one per
 *                     lace for a laced block (matroskadec emits each lace as its own packet);
 *   duration        = Info/Duration * TimecodeScale, truncated to whole microseconds as libavformat stores it;
 *   width, height   = Video/PixelWidth, PixelHeight (H.264/HEVC/VP8/VP9/AV1 only: the decoder reports the same);
 *   rotation 0      = no Projection element and no `rotate` tag (anything else goes to ffprobe).
 * Null also for: another DocType, unknown (live-stream) element sizes, several video tracks, ContentEncodings on the
 * video track, attachments (they add video streams), no DefaultDuration or Duration, blocks of unknown tracks, empty
 * frames, trailing data after the Segment, truncated or malformed files. Only element headers and the first bytes of
 * each block are read (payloads are skipped by position), so a long file costs one small read per block.
 * test/video/mkv-probe.test.ts checks every case against ffprobe.
 */
import { fstatSync, readSync } from 'node:fs';

import { readHeaderOrNull } from './header-file.js';
import { type StreamInfo, knownDuration } from './probe-parse.js';

/** EBML element IDs (the Matroska specification), kept with their length-marker bits as they are written. */
const ID = {
  EBML: 0x1a45dfa3, EBMLReadVersion: 0x42f7, EBMLMaxIDLength: 0x42f2, EBMLMaxSizeLength: 0x42f3,
  DocType: 0x4282, DocTypeReadVersion: 0x4285,
  Segment: 0x18538067, Info: 0x1549a966, TimecodeScale: 0x2ad7b1, Duration: 0x4489,
  Tracks: 0x1654ae6b, TrackEntry: 0xae, TrackNumber: 0xd7, TrackType: 0x83, CodecID: 0x86, DefaultDuration: 0x23e383,
  TrackTimecodeScale: 0x23314f, FlagEnabled: 0xb9, ContentEncodings: 0x6d80, TrackOperation: 0xe2,
  Video: 0xe0, PixelWidth: 0xb0, PixelHeight: 0xba, Projection: 0x7670,
  PixelCropBottom: 0x54aa, PixelCropTop: 0x54bb, PixelCropLeft: 0x54cc, PixelCropRight: 0x54dd,
  Tags: 0x1254c367, Tag: 0x7373, SimpleTag: 0x67c8, TagName: 0x45a3,
  Attachments: 0x1941a469,
  Cluster: 0x1f43b675, SimpleBlock: 0xa3, BlockGroup: 0xa0, Block: 0xa1, EncryptedBlock: 0xaf,
  Void: 0xec,
} as const;

const CODECS: Record<string, string> = {
  'V_MPEG4/ISO/AVC': 'h264', 'V_MPEGH/ISO/HEVC': 'hevc', V_VP9: 'vp9', V_VP8: 'vp8', V_AV1: 'av1',
};
const VIDEO_TRACK = 1;
/** Info, Tracks and Tags are read whole; real ones are kilobytes (a bigger one is not a case worth reproducing). */
const MAX_MASTER = 16 * 2 ** 20;
const MIN_WINDOW = 8 * 1024;
const MAX_WINDOW = 1024 * 1024;
const INT64_MAX = 2n ** 63n - 1n;

/** Thrown for anything the probe does not reproduce with certainty; probeMatroska turns it into null. */
class NotCertain extends Error {}

function need(cond: unknown): asserts cond {
  if (!cond) throw new NotCertain();
}

/**
 * Reads at arbitrary positions through one buffered window. A read that continues where the window ended (a run of
 * small elements) widens the next window; a jump past it (a skipped payload) narrows it, so big frames are not read.
 */
class WindowReader {
  private buf = Buffer.alloc(0);
  private bufPos = 0;
  private window = MIN_WINDOW;

  constructor(
    private readonly fd: number,
    readonly size: number,
  ) {}

  /** n bytes at pos, or fewer at the end of the file. */
  bytes(pos: number, n: number): Buffer {
    const end = this.bufPos + this.buf.length;
    if (pos >= this.bufPos && pos + n <= end) return this.buf.subarray(pos - this.bufPos, pos - this.bufPos + n);
    this.window = pos >= this.bufPos && pos <= end ? Math.min(this.window * 2, MAX_WINDOW) : MIN_WINDOW;
    const len = Math.max(0, Math.min(Math.max(n, this.window), this.size - pos));
    const b = Buffer.allocUnsafe(len);
    const got = readSync(this.fd, b, 0, len, pos);
    this.buf = b.subarray(0, got);
    this.bufPos = pos;
    return this.buf.subarray(0, Math.min(n, got));
  }
}

interface Vint {
  value: number;
  length: number;
  /** All value bits set: EBML's "unknown size" (live streams). */
  allOnes: boolean;
}

/** An EBML variable-length integer at b[at]; `keepMarker` for element IDs, which are compared with the marker. */
function readVint(b: Buffer, at: number, maxLength: number, keepMarker: boolean): Vint {
  need(at < b.length);
  const first = b[at]!;
  let length = 1;
  while (length <= 8 && !(first & (0x80 >> (length - 1)))) length++;
  need(length <= maxLength && at + length <= b.length);
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i++) {
    const byte = b[at + i]!;
    value = value * 256 + byte;
    allOnes &&= byte === 0xff;
  }
  need(allOnes || Number.isSafeInteger(value)); // an unknown size is reported as such, not as a too-big number
  return { value, length, allOnes };
}

interface Element {
  id: number;
  /** Payload start and end, absolute (in the file or in the buffer it was read from). */
  start: number;
  end: number;
}

/** The element whose header sits at b[at] (b's offsets shifted by `base`), within a parent ending at `parentEnd`. */
function elementAt(b: Buffer, at: number, base: number, parentEnd: number): Element {
  const id = readVint(b, at, 4, true);
  const size = readVint(b, at + id.length, 8, false);
  need(!size.allOnes); // unknown size: a live stream, whose end only a full parse finds
  const start = base + at + id.length + size.length;
  need(start + size.value <= parentEnd);
  return { id: id.value, start, end: start + size.value };
}

/** The children of a master element held in memory (`b` starts at file offset `base`). */
function children(b: Buffer, base: number, parent: Element): Element[] {
  const out: Element[] = [];
  for (let p = parent.start; p < parent.end; ) {
    const e = elementAt(b, p - base, base, parent.end);
    out.push(e);
    p = e.end;
  }
  return out;
}

/** A master element's children, read from the file one header at a time (payloads are not read). */
function* streamChildren(r: WindowReader, parent: Element): Generator<Element> {
  for (let p = parent.start; p < parent.end; ) {
    const e = elementAt(r.bytes(p, 12), 0, p, parent.end);
    yield e;
    p = e.end;
  }
}

/** A master element read whole, for the small header elements. */
function readWhole(r: WindowReader, e: Element): { b: Buffer; base: number } {
  need(e.end - e.start <= MAX_MASTER);
  const b = r.bytes(e.start, e.end - e.start);
  need(b.length === e.end - e.start);
  return { b, base: e.start };
}

/** Unsigned integer payload (0 to 8 bytes, as EBML allows), as a bigint so 64-bit values stay exact. */
function uintOf(b: Buffer, base: number, e: Element): bigint {
  need(e.end - e.start <= 8);
  let v = 0n;
  for (let i = e.start; i < e.end; i++) v = (v << 8n) | BigInt(b[i - base]!);
  return v;
}

function smallUint(b: Buffer, base: number, e: Element): number {
  const v = uintOf(b, base, e);
  need(v <= BigInt(Number.MAX_SAFE_INTEGER));
  return Number(v);
}

/** Float payload: matroskadec accepts 4 or 8 bytes (0 bytes reads as 0, which it treats as "no duration"). */
function floatOf(b: Buffer, base: number, e: Element): number {
  const n = e.end - e.start;
  need(n === 4 || n === 8);
  return n === 4 ? b.readFloatBE(e.start - base) : b.readDoubleBE(e.start - base);
}

/** String payload as libavformat sees it: a C string, so it ends at the first NUL. */
function stringOf(b: Buffer, base: number, e: Element): string {
  return b.toString('latin1', e.start - base, e.end - base).split('\0')[0]!;
}

/** Checks the EBML header as matroska_read_header does; returns where the next element starts. */
function checkEbmlHeader(r: WindowReader): number {
  const head = elementAt(r.bytes(0, 12), 0, 0, r.size);
  need(head.id === ID.EBML);
  const { b, base } = readWhole(r, head);
  let docType = '';
  for (const e of children(b, base, head)) {
    if (e.id === ID.DocType) docType = stringOf(b, base, e);
    else if (e.id === ID.EBMLReadVersion) need(uintOf(b, base, e) <= 1n);
    else if (e.id === ID.EBMLMaxIDLength) need(uintOf(b, base, e) <= 4n);
    else if (e.id === ID.EBMLMaxSizeLength) need(uintOf(b, base, e) <= 8n);
    else if (e.id === ID.DocTypeReadVersion) need(uintOf(b, base, e) <= 3n);
  }
  need(docType === 'matroska' || docType === 'webm');
  return head.end;
}

/** The Segment, which must follow the header (Void elements aside) and end exactly at the end of the file. */
function findSegment(r: WindowReader, from: number): Element {
  let p = from;
  for (;;) {
    const e = elementAt(r.bytes(p, 12), 0, p, r.size);
    if (e.id === ID.Segment) {
      need(e.end === r.size); // shorter: truncated (caught by elementAt); longer: trailing data or a second Segment
      return e;
    }
    need(e.id === ID.Void);
    p = e.end;
  }
}

interface SegmentInfo {
  /** libavformat's AVFormatContext.duration, in microseconds. */
  durationUs: number;
}

/** Info: ctx->duration = (int64)(Duration * TimecodeScale * 1000 / AV_TIME_BASE), evaluated in double as matroskadec does. */
function readInfo(r: WindowReader, info: Element): SegmentInfo {
  const { b, base } = readWhole(r, info);
  let scale = 1000000;
  let duration: number | null = null;
  for (const e of children(b, base, info)) {
    if (e.id === ID.TimecodeScale) scale = smallUint(b, base, e);
    else if (e.id === ID.Duration) duration = floatOf(b, base, e);
  }
  need(scale > 0);
  // no (or a zero) Duration: libavformat estimates one from bit rates, which is not reproduced here
  need(duration !== null && Number.isFinite(duration) && duration > 0);
  const durationUs = Math.trunc((duration * scale * 1000) / 1000000);
  need(durationUs > 0 && Number.isSafeInteger(durationUs));
  return { durationUs };
}

interface VideoTrack {
  number: number;
  codec: string;
  width: number;
  height: number;
  defaultDuration: bigint;
}

interface TrackEntry {
  number: number;
  type: number;
  video: VideoTrack | null;
}

/** Video children that change what ffprobe reports: a Projection (a rotation source), pixel cropping. */
const LEFT_TO_FFPROBE = new Set<number>([ID.Projection, ID.PixelCropBottom, ID.PixelCropTop, ID.PixelCropLeft, ID.PixelCropRight]);

/** Video settings: the coded size. */
function readVideo(b: Buffer, base: number, video: Element): { width: number; height: number } {
  let width = 0;
  let height = 0;
  for (const e of children(b, base, video)) {
    if (e.id === ID.PixelWidth) width = smallUint(b, base, e);
    else if (e.id === ID.PixelHeight) height = smallUint(b, base, e);
    else need(!LEFT_TO_FFPROBE.has(e.id));
  }
  return { width, height };
}

function readTrackEntry(b: Buffer, base: number, entry: Element): TrackEntry {
  let number = 0;
  let type = 0;
  let codecId = '';
  let defaultDuration = 0n;
  let size: { width: number; height: number } | null = null;
  let plain = true;
  for (const e of children(b, base, entry)) {
    if (e.id === ID.TrackNumber) number = smallUint(b, base, e);
    else if (e.id === ID.TrackType) type = smallUint(b, base, e);
    else if (e.id === ID.CodecID) codecId = stringOf(b, base, e);
    else if (e.id === ID.DefaultDuration) defaultDuration = uintOf(b, base, e);
    else if (e.id === ID.Video) size = readVideo(b, base, e);
    else if (e.id === ID.FlagEnabled) plain &&= uintOf(b, base, e) === 1n;
    // compressed or encrypted frames, a per-track time scale, combined planes: not reproduced
    else if (e.id === ID.ContentEncodings || e.id === ID.TrackTimecodeScale || e.id === ID.TrackOperation) plain = false;
  }
  need(number > 0);
  if (type !== VIDEO_TRACK) return { number, type, video: null };
  const codec = CODECS[codecId];
  need(plain && codec && size && size.width > 0 && size.height > 0);
  // without DefaultDuration matroskadec falls back to Video/FrameRate or leaves the rate to find_stream_info
  need(defaultDuration > 0n);
  return { number, type, video: { number, codec, ...size, defaultDuration } };
}

/** The one video track, and every track number (a block naming another number is an error for matroskadec). */
function readTracks(r: WindowReader, tracks: Element): { video: VideoTrack; numbers: Set<number> } {
  const { b, base } = readWhole(r, tracks);
  const entries = children(b, base, tracks).filter((e) => e.id === ID.TrackEntry).map((e) => readTrackEntry(b, base, e));
  const numbers = new Set(entries.map((t) => t.number));
  need(numbers.size === entries.length);
  const video = entries.filter((t) => t.type === VIDEO_TRACK);
  need(video.length === 1 && video[0]!.video);
  return { video: video[0]!.video, numbers };
}

/** True when a SimpleTag (at any depth) is named rotate in any case: rotation is left to ffprobe. */
function hasRotateTag(b: Buffer, base: number, parent: Element): boolean {
  for (const e of children(b, base, parent)) {
    if (e.id === ID.TagName && stringOf(b, base, e).toLowerCase() === 'rotate') return true;
    if ((e.id === ID.Tag || e.id === ID.SimpleTag) && hasRotateTag(b, base, e)) return true;
  }
  return false;
}

/** Reads one byte of a lace header, keeping it inside the block. */
function laceByte(r: WindowReader, pos: number, end: number): number {
  need(pos < end);
  const b = r.bytes(pos, 1);
  need(b.length === 1);
  return b[0]!;
}

/**
 * Frames in a laced block payload [pos, end) (count byte first): matroskadec emits each lace as a packet. The lace
 * sizes are checked as matroska_parse_laces does, and an empty lace (which no packet would come from) is not certain.
 */
function laceCount(r: WindowReader, pos: number, end: number, lacing: number): number {
  const n = laceByte(r, pos, end) + 1;
  let p = pos + 1;
  const sizes: number[] = [];
  if (lacing === 1) {
    // Xiph: each size but the last as a run of 255s plus a final byte
    for (let i = 0; i < n - 1; i++) {
      let size = 0;
      let byte = 255;
      while (byte === 255) {
        byte = laceByte(r, p++, end);
        size += byte;
      }
      sizes.push(size);
    }
  } else if (lacing === 3) {
    // EBML: the first size as an unsigned vint, the others as signed differences from the previous one
    for (let i = 0; i < n - 1; i++) {
      const v = readVint(r.bytes(p, 8), 0, 8, false);
      need(!v.allOnes && p + v.length <= end);
      p += v.length;
      const prev = sizes[i - 1];
      sizes.push(prev === undefined ? v.value : prev + v.value - (2 ** (7 * v.length - 1) - 1));
    }
  } else {
    // fixed: equal sizes that divide the payload
    need((end - p) % n === 0 && end > p);
    return n;
  }
  const total = sizes.reduce((a, s) => a + s, 0);
  need(sizes.every((s) => s > 0) && p + total < end);
  return n;
}

/** Video frames in one SimpleBlock or Block payload [start, end); 0 for another track's block. */
function blockFrames(r: WindowReader, start: number, end: number, video: number, tracks: Set<number>): number {
  const head = r.bytes(start, Math.min(end - start, 12));
  const track = readVint(head, 0, 8, false);
  // matroskadec rejects a block of an unknown track or one shorter than timecode + flags, then resyncs
  need(tracks.has(track.value) && end - start >= track.length + 3);
  if (track.value !== video) return 0;
  const flags = head[track.length + 2]!;
  const lacing = (flags >> 1) & 3;
  const payload = start + track.length + 3;
  if (lacing === 0) {
    need(end > payload); // an empty frame gives no packet after the parser
    return 1;
  }
  return laceCount(r, payload, end, lacing);
}

function blockGroupFrames(r: WindowReader, group: Element, video: number, tracks: Set<number>): number {
  const blocks = [...streamChildren(r, group)].filter((e) => e.id === ID.Block);
  need(blocks.length === 1); // a second Block would replace the first in matroskadec's parse
  return blockFrames(r, blocks[0]!.start, blocks[0]!.end, video, tracks);
}

function clusterFrames(r: WindowReader, cluster: Element, video: number, tracks: Set<number>): number {
  let frames = 0;
  for (const e of streamChildren(r, cluster)) {
    if (e.id === ID.SimpleBlock) frames += blockFrames(r, e.start, e.end, video, tracks);
    else if (e.id === ID.BlockGroup) frames += blockGroupFrames(r, e, video, tracks);
    else need(e.id !== ID.EncryptedBlock);
  }
  return frames;
}

/** av_reduce's argument order: DefaultDuration beyond int64 is halved with the numerator (matroskadec's `div`). */
function frameRate(defaultDuration: bigint): [bigint, bigint] {
  const div = defaultDuration <= INT64_MAX ? 1n : 2n;
  return avReduce(1000000000n / div, defaultDuration / div, 30000n);
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * libavutil's av_reduce: num/den reduced to a fraction whose terms are at most `max`. Exact when it fits; otherwise
 * the continued-fraction convergents are followed until the next would exceed max, and the best semi-convergent
 * within max replaces the last convergent when it is closer. Bigints keep every product exact.
 */
export function avReduce(num: bigint, den: bigint, max: bigint): [bigint, bigint] {
  const negative = num < 0n !== den < 0n;
  if (num < 0n) num = -num;
  if (den < 0n) den = -den;
  const g = gcd(num, den);
  if (g) [num, den] = [num / g, den / g];
  let [n0, d0, n1, d1] = [0n, 1n, 1n, 0n];
  if (num <= max && den <= max) [n1, d1, den] = [num, den, 0n];
  while (den) {
    const x = num / den;
    const [n2, d2] = [x * n1 + n0, x * d1 + d0];
    if (n2 > max || d2 > max) {
      let k = x;
      if (n1) k = (max - n0) / n1;
      if (d1) k = k < (max - d0) / d1 ? k : (max - d0) / d1;
      // the semi-convergent k*a1 + a0 wins when it is nearer num/den than a1 (compared without division)
      if (den * (2n * k * d1 + d0) > num * d1) [n1, d1] = [k * n1 + n0, k * d1 + d0];
      break;
    }
    [n0, d0, n1, d1] = [n1, d1, n2, d2];
    [num, den] = [den, num - den * x];
  }
  return [negative ? -n1 : n1, d1];
}

interface Scan {
  info: SegmentInfo | null;
  video: VideoTrack | null;
  frames: number;
}

/**
 * One pass over the Segment's top-level elements: Info and Tracks must precede the first Cluster (matroskadec reads
 * the header up to it); Tags anywhere are checked for a rotate tag; Clusters are counted header by header.
 */
function scanSegment(r: WindowReader, segment: Element): Scan {
  const scan: Scan = { info: null, video: null, frames: 0 };
  let tracks: Set<number> | null = null;
  for (const e of streamChildren(r, segment)) {
    if (e.id === ID.Info) {
      need(!scan.info);
      scan.info = readInfo(r, e);
    } else if (e.id === ID.Tracks) {
      need(!tracks);
      ({ video: scan.video, numbers: tracks } = readTracks(r, e));
    } else if (e.id === ID.Tags) {
      const { b, base } = readWhole(r, e);
      need(!hasRotateTag(b, base, e));
    } else if (e.id === ID.Cluster) {
      need(scan.info && scan.video && tracks);
      scan.frames += clusterFrames(r, e, scan.video.number, tracks);
    } else need(e.id !== ID.Attachments); // attached pictures become video streams of their own
  }
  return scan;
}

function probeFile(r: WindowReader): StreamInfo {
  const segment = findSegment(r, checkEbmlHeader(r));
  const { info, video, frames } = scanSegment(r, segment);
  need(info && video && frames > 0);
  const [num, den] = frameRate(video.defaultDuration);
  need(num > 0n && den > 0n); // 0/1 (a frame longer than 30000 s) prints as no rate
  return {
    codec: video.codec,
    codedWidth: video.width,
    codedHeight: video.height,
    fps: Number(num) / Number(den),
    fpsSource: 'avg_frame_rate',
    fpsExact: true,
    nbFrames: null,
    countedPackets: frames,
    // ffprobe prints the microseconds as seconds with 6 decimals, which parse back to exactly this
    durationSec: knownDuration(info.durationUs / 1e6),
    rotation: 0,
  };
}

/** ffprobe-equal stream info for a Matroska/WebM file, or null (then use ffprobe). Never throws on odd files. */
export function probeMatroska(path: string): StreamInfo | null {
  return readHeaderOrNull(path, (fd) => probeFile(new WindowReader(fd, fstatSync(fd).size)));
}
