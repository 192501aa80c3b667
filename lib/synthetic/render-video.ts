/**
 * Renders small synthetic test videos with ffmpeg's lavfi sources: a solid background (`color`) and coloured boxes
 * (`drawbox`) that are visible only during known time spans (`enable='between(t,START,END)'`). Used by the demo
 * and by tests that need a video whose content at each moment is known ("a red box from 2.0 s to 4.5 s").
 *
 * Timing: the source runs at `fps` with time base 1/fps, so frame i has t = i * (1/fps) and a box is drawn in
 * frame i iff start <= t <= end (both ends inclusive, as ffmpeg's between()). `eventFrames` computes that set.
 * Encoding: H.264 (libx264, yuv420p, crf 1 so colours survive within a few levels; x264's default B-frames stay
 * on, so decoders must reorder as with real clips). Sizes must be even (4:2:0 chroma).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataError } from '../errors.js';
import { type FfmpegResolveOptions, resolveFfmpeg } from '../video/ffmpeg-binary.js';
import { runProcess } from '../video/run-process.js';

export interface BoxEvent {
  shape: 'box';
  /** An ffmpeg colour: a name ('red') or '0xRRGGBB'. */
  color: string;
  /** Seconds, inclusive. */
  start: number;
  end: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface SyntheticVideoSpec extends FfmpegResolveOptions {
  path: string;
  duration: number;
  fps: number;
  width: number;
  height: number;
  /** Background colour, default 'black'. */
  background?: string;
  events: BoxEvent[];
  /** x264 constant rate factor; default 1 (near lossless, so colours survive). */
  crf?: number;
}

const COLOR_RE = /^(0x[0-9a-fA-F]{6}|#[0-9a-fA-F]{6}|[a-zA-Z]+)$/;

function validate(spec: SyntheticVideoSpec): void {
  const bad = (field: string, why: string) => new DataError(why, { file: spec.path, field });
  if (!(spec.duration > 0)) throw bad('duration', 'must be > 0 seconds');
  if (!(spec.fps > 0)) throw bad('fps', 'must be > 0');
  for (const k of ['width', 'height'] as const) {
    if (!Number.isInteger(spec[k]) || spec[k] < 2 || spec[k] % 2) throw bad(k, `must be an even integer >= 2 (yuv420p), got ${spec[k]}`);
  }
  if (spec.background !== undefined && !COLOR_RE.test(spec.background)) throw bad('background', `not a colour: ${spec.background}`);
  spec.events.forEach((e, i) => {
    const f = (n: string) => `events[${i}].${n}`;
    if (e.shape !== 'box') throw bad(f('shape'), `unsupported shape ${String(e.shape)}`);
    if (!COLOR_RE.test(e.color)) throw bad(f('color'), `not a colour: ${e.color}`);
    if (!(e.start <= e.end)) throw bad(f('start'), `start ${e.start} > end ${e.end}`);
    for (const k of ['x', 'y', 'w', 'h'] as const) if (!Number.isInteger(e[k]) || e[k] < 0) throw bad(f(k), `must be a non-negative integer, got ${e[k]}`);
    if (e.x + e.w > spec.width || e.y + e.h > spec.height) throw bad(f('w'), 'box extends past the frame');
  });
}

/** The lavfi graph: background source, then one drawbox per event. */
export function syntheticFilter(spec: SyntheticVideoSpec): string {
  const bg = `color=c=${spec.background ?? 'black'}:s=${spec.width}x${spec.height}:r=${spec.fps}:d=${spec.duration}`;
  const boxes = spec.events.map(
    (e) => `drawbox=x=${e.x}:y=${e.y}:w=${e.w}:h=${e.h}:color=${e.color}:t=fill:enable='between(t\\,${e.start}\\,${e.end})'`,
  );
  return [bg, ...boxes].join(',');
}

/** Frame indices (of a video rendered at `fps` with `frameCount` frames) in which the event's box is drawn. */
export function eventFrames(e: Pick<BoxEvent, 'start' | 'end'>, fps: number, frameCount: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < frameCount; i++) {
    const t = i * (1 / fps);
    if (t >= e.start && t <= e.end) out.push(i);
  }
  return out;
}

/** Renders the video (overwriting `path`); resolves once the file is complete. */
export async function renderSyntheticVideo(spec: SyntheticVideoSpec): Promise<void> {
  validate(spec);
  const tools = resolveFfmpeg(spec);
  mkdirSync(dirname(spec.path), { recursive: true });
  const args = [
    '-nostdin', '-hide_banner', '-v', 'error', '-y',
    '-f', 'lavfi', '-i', syntheticFilter(spec),
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(spec.crf ?? 1), '-pix_fmt', 'yuv420p',
    spec.path,
  ];
  const r = await runProcess(tools.ffmpeg, args);
  if (r.code !== 0) throw new DataError(`ffmpeg could not render the synthetic video: ${r.stderr.trim().split('\n').slice(0, 3).join(' | ')}`, { file: spec.path });
}
