/**
 * Parsers for the two probe sources: ffprobe's JSON, and the human-readable stream dump `ffmpeg -i` writes to
 * stderr (the only source when no ffprobe exists, e.g. @ffmpeg-installer's static ffmpeg). Pure functions, so the
 * stderr formats of ffmpeg 4.x and 5.x are unit-tested from captured text.
 */

export interface StreamInfo {
  codec: string;
  /** Coded size (before rotation). */
  codedWidth: number;
  codedHeight: number;
  /** Average frame rate (decord's get_avg_fps), or r_frame_rate when the average is unknown. */
  fps: number;
  fpsSource: 'avg_frame_rate' | 'r_frame_rate' | 'ffmpeg -i (2 decimals)' | 'packet durations';
  /** False when fps was read from ffmpeg's 2-decimal print and could not be recovered as an exact rational. */
  fpsExact: boolean;
  /** Container frame count (nb_frames), null when the container does not say (Matroska, WebM). */
  nbFrames: number | null;
  /** Video packets counted by a demux pass (ffprobe -count_packets), when it was asked for. */
  countedPackets?: number;
  durationSec: number | null;
  /** Clockwise rotation (0, 90, 180, 270) that makes frames upright, decord's GetRotation convention. */
  rotation: number;
}

function parseRational(s: string | undefined): number | null {
  if (!s) return null;
  const m = /^(-?\d+)\/(\d+)$/.exec(s.trim());
  if (!m) return null;
  const num = Number(m[1]);
  const den = Number(m[2]);
  return num > 0 && den > 0 ? num / den : null;
}

/** decord's convention: theta = rotate tag if set, else -displaymatrix rotation; normalised to [0, 360). */
export function normaliseRotation(rotateTag: number | null, displayMatrixRotation: number | null): number {
  let theta = rotateTag && rotateTag !== 0 ? rotateTag : displayMatrixRotation !== null ? -displayMatrixRotation : 0;
  theta = theta % 360;
  if (theta < 0) theta += 360;
  // Display matrices can carry tiny float noise (-90.00 printed); snap to the nearest quarter turn.
  const snapped = (Math.round(theta / 90) * 90) % 360;
  return snapped;
}

interface FfprobeJson {
  streams?: Array<{
    codec_name?: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    r_frame_rate?: string;
    nb_frames?: string;
    nb_read_packets?: string;
    duration?: string;
    tags?: Record<string, string>;
    side_data_list?: Array<{ side_data_type?: string; rotation?: number }>;
  }>;
  format?: { duration?: string };
}

/**
 * A container duration, or null when unknown. A zero (or negative) duration is unknown too: ffprobe 4.x prints 0 where
 * 5.1 prints N/A (an MP4 whose movie header has no time scale), and a 0 would stand in for the real length
 * downstream (training-data falls back to frameCount / fps only on null). The in-process probes follow the same rule.
 */
export function knownDuration(sec: number): number | null {
  return Number.isFinite(sec) && sec > 0 ? sec : null;
}

/** Stream info from `ffprobe -of json -show_streams -show_format` (first video stream selected by the caller). */
export function parseFfprobeJson(text: string): StreamInfo {
  const j = JSON.parse(text) as FfprobeJson;
  const s = j.streams?.[0];
  if (!s || !s.width || !s.height) throw new Error('ffprobe found no video stream with a size');
  const avg = parseRational(s.avg_frame_rate);
  const r = parseRational(s.r_frame_rate);
  const fps = avg ?? r;
  if (fps === null) throw new Error(`no frame rate (avg_frame_rate=${s.avg_frame_rate}, r_frame_rate=${s.r_frame_rate})`);
  const dm = s.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? null;
  const tag = s.tags?.rotate !== undefined ? Number(s.tags.rotate) : null;
  const nb = s.nb_frames !== undefined ? Number(s.nb_frames) : NaN;
  const counted = s.nb_read_packets !== undefined ? Number(s.nb_read_packets) : NaN;
  const dur = Number(j.format?.duration ?? s.duration ?? NaN);
  return {
    codec: s.codec_name ?? 'unknown',
    codedWidth: s.width,
    codedHeight: s.height,
    fps,
    fpsSource: avg !== null ? 'avg_frame_rate' : 'r_frame_rate',
    fpsExact: true,
    nbFrames: Number.isFinite(nb) && nb > 0 ? nb : null,
    ...(Number.isFinite(counted) ? { countedPackets: counted } : {}),
    durationSec: knownDuration(dur),
    rotation: normaliseRotation(tag, dm),
  };
}

/**
 * ffmpeg prints the average frame rate with at most 2 decimals ("29.97 fps", "9.53 fps"). Integer rates and the
 * NTSC family (k*1000/1001) are recovered exactly; anything else keeps the printed value and is marked inexact.
 */
export function recoverPrintedFps(printed: string): { fps: number; exact: boolean } {
  const k = /^([\d.]+)(k?)$/.exec(printed.trim());
  if (!k) return { fps: NaN, exact: false };
  const v = Number(k[1]) * (k[2] ? 1000 : 1);
  if (Number.isInteger(v)) return { fps: v, exact: true };
  const ntsc = Math.round((v * 1001) / 1000);
  const cand = (ntsc * 1000) / 1001;
  if (Math.abs(cand - v) < 0.006 && ntsc > 0) return { fps: cand, exact: true };
  return { fps: v, exact: false };
}

/** Stream info from `ffmpeg -hide_banner -i FILE` stderr (ffmpeg 4.x and 5.x wording). */
export function parseFfmpegInfo(stderr: string): StreamInfo {
  const lines = stderr.split('\n');
  const vi = lines.findIndex((l) => /^\s*Stream #\d+:\d+.*: Video: /.test(l));
  if (vi < 0) throw new Error('ffmpeg reports no video stream');
  const line = lines[vi]!;
  const codec = /Video: ([\w-]+)/.exec(line)?.[1] ?? 'unknown';
  // ", 568x320," / ", 50x28 [SAR ...": the leading ", " avoids codec tags such as "(avc1 / 0x31637661)".
  const size = /, (\d{1,5})x(\d{1,5})(?=[ ,\n]|$)/.exec(line);
  if (!size) throw new Error(`cannot read the frame size from: ${line.trim()}`);
  const fpsM = /, ([\d.]+k?) fps/.exec(line);
  const tbrM = /, ([\d.]+k?) tbr/.exec(line);
  let fps = NaN;
  let exact = false;
  let fpsSource: StreamInfo['fpsSource'] = 'ffmpeg -i (2 decimals)';
  if (fpsM) ({ fps, exact } = recoverPrintedFps(fpsM[1]!));
  else if (tbrM) ({ fps, exact } = recoverPrintedFps(tbrM[1]!));
  if (!Number.isFinite(fps) || fps <= 0) throw new Error(`cannot read the frame rate from: ${line.trim()}`);
  // The stream's own metadata/side data lines follow until the next "Stream #" line.
  let tag: number | null = null;
  let dm: number | null = null;
  for (let i = vi + 1; i < lines.length && !/^\s*Stream #/.test(lines[i]!); i++) {
    const l = lines[i]!;
    const t = /^\s*rotate\s*:\s*(-?[\d.]+)/.exec(l);
    if (t) tag = Number(t[1]);
    const d = /displaymatrix: rotation of (-?[\d.]+) degrees/.exec(l);
    if (d) dm = Number(d[1]);
  }
  const dur = /Duration: (\d+):(\d+):([\d.]+)/.exec(stderr);
  return {
    codec,
    codedWidth: Number(size[1]),
    codedHeight: Number(size[2]),
    fps,
    fpsSource,
    fpsExact: exact,
    nbFrames: null,
    durationSec: dur ? knownDuration(Number(dur[1]) * 3600 + Number(dur[2]) * 60 + Number(dur[3])) : null,
    rotation: normaliseRotation(tag, dm),
  };
}

export interface PacketList {
  /** Video packets: decord's frame count. */
  count: number;
  /** Stream time base from the `#tb 0: num/den` header. */
  timeBase: [number, number] | null;
  /** The packet duration if every packet has the same one, else null. */
  constantDuration: number | null;
}

/** `-c copy -f framecrc` output of the video stream: one line per packet `idx, dts, pts, duration, size, crc`. */
export function parseFramecrc(stdout: string): PacketList {
  let count = 0;
  let timeBase: [number, number] | null = null;
  let dur: number | null | undefined;
  for (const line of stdout.split('\n')) {
    if (!line) continue;
    if (line.startsWith('#')) {
      const tb = /^#tb 0: (\d+)\/(\d+)/.exec(line);
      if (tb) timeBase = [Number(tb[1]), Number(tb[2])];
      continue;
    }
    const f = line.split(',');
    if (f.length < 6 || f[0]!.trim() !== '0') continue;
    count++;
    const d = Number(f[3]);
    dur = dur === undefined ? d : dur === d ? dur : null;
  }
  return { count, timeBase, constantDuration: dur ?? null };
}

/**
 * Exact fps for the ffmpeg-only probe: the printed value when it is an integer or NTSC rate; otherwise
 * time_base.den / (duration * time_base.num) when every packet lasts the same (what the mov demuxer derives
 * avg_frame_rate from for constant-rate files, e.g. OHOFG.mp4's 10000/1049), if it agrees with the print.
 */
export function refineFps(info: StreamInfo, packets: PacketList): StreamInfo {
  if (info.fpsExact || !packets.timeBase || !packets.constantDuration) return info;
  const [num, den] = packets.timeBase;
  const fps = den / (packets.constantDuration * num);
  return Math.abs(fps - info.fps) < 0.006 ? { ...info, fps, fpsExact: true, fpsSource: 'packet durations' } : info;
}
