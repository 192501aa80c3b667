/**
 * Decodes exactly the sampled frames of a video through one ffmpeg process whose RGB24 output goes through a pipe
 * straight into native code (csrc/video/frame_stream.h): no frame bytes cross the JS thread.
 *
 * - `decodeFrames`: the frames at their original (upright) size, [K, H, W, 3] uint8.
 * - `decodeResizedFrames`: the pipeline's form: each frame is resized (torch's antialiased bicubic, never ffmpeg's
 *   scaler) the moment it is whole, into [K, 3, h, w] uint8, and optionally normalised + patchified pair by pair into
 *   `pixel_values_videos`, all while ffmpeg keeps decoding; when ffmpeg exits, one frame's work is left.
 *
 * - Frame selection: the `select` filter on `n`, the index of each decoded frame in presentation order (the
 *   decoder reorders B-frames before filters see them, so unordered.mov's out-of-order pts come out right), with
 *   passthrough timing so ffmpeg neither duplicates nor drops frames to reach a constant rate. Repeated or unsorted
 *   indices are decoded once and placed wherever asked.
 * - Rotation: like decord, `transpose` filters on the decoded planes (90: transpose=1, 180: transpose=1 twice,
 *   270: transpose=2), then the RGB conversion; ffmpeg's own autorotate is turned off so every ffmpeg version
 *   behaves the same.
 * - Undecodable frames (corrupted.mp4): the decoder drops them, so fewer frames than requested can come out.
 *   Default policy 'pad': repeat the last decoded frame for the missing tail and report a warning naming the file;
 *   'error': throw a DataError. Either way decoder errors are reported.
 */
import { spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import { DataError } from '../errors.js';
import { Tensor } from '../tensor/index.js';
import { MERGE_SIZE, PATCH_SIZE, TEMPORAL_PATCH_SIZE } from './constants.js';
import { type FfmpegResolveOptions, passthroughFlags, resolveFfmpeg } from './ffmpeg-binary.js';
import { type NormalizeMode, type Patchified, normalizeLut } from './patchify.js';
import { native } from '../tensor/native.js';

export type CorruptPolicy = 'pad' | 'error';

export interface DecodeOptions extends FfmpegResolveOptions {
  onCorrupt?: CorruptPolicy;
  /** ffmpeg decoder threads (default: ffmpeg's automatic choice). */
  threads?: number;
}

export interface DecodedFrames {
  /** [K, H, W, 3] uint8, K = indices.length, in the order of `indices` (repeats allowed). */
  frames: Tensor<'uint8'>;
  /** Problems that did not stop decoding (decoder errors, padded frames), each naming the file. */
  warnings: string[];
}

export interface DecodedResized {
  /** [K, 3, h, w] uint8, in the order of `indices`. */
  frames: Tensor<'uint8'>;
  /** Normalised + patchified frames, when a normalisation was asked for. */
  patchified?: Patchified;
  warnings: string[];
}

export interface FrameGeometry {
  width: number;
  height: number;
  rotation: number;
}

/** The -vf chain: select the wanted indices, then rotate upright. Commas inside `eq(n,i)` are escaped. */
export function selectFilter(uniqueSorted: readonly number[], rotation: number): string {
  const terms = uniqueSorted.map((i) => `eq(n\\,${i})`).join('+');
  const rot = rotation === 90 ? ',transpose=1' : rotation === 180 ? ',transpose=1,transpose=1' : rotation === 270 ? ',transpose=2' : '';
  return `select=${terms}${rot}`;
}

/**
 * `-frames:v frames` ends ffmpeg as soon as the last selected frame is out, instead of decoding on to the end of the
 * file (a clip read with videoEnd, or any sampling that stops short of the last frame).
 */
export function ffmpegDecodeArgs(path: string, vf: string, passthrough: string[], frames: number, threads?: number): string[] {
  return [
    '-nostdin', '-hide_banner', '-v', 'error', '-noautorotate',
    ...(threads ? ['-threads', String(threads)] : []),
    '-i', path, '-map', '0:v:0', '-an', '-sn', '-dn',
    '-vf', vf, ...passthrough, '-frames:v', String(frames),
    '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1',
  ];
}


interface StreamTarget {
  /** Resize to this size; absent: keep the decoded size, channels-last. */
  size?: { height: number; width: number };
  normalize?: NormalizeMode;
}

/** Runs ffmpeg into the native frame sink; returns the tensors (owned by the caller) and the warnings. */
async function decodeThroughPipe(path: string, geom: FrameGeometry, indices: readonly number[], opts: DecodeOptions, target: StreamTarget): Promise<DecodedResized> {
  if (indices.length === 0) throw new DataError('no frames requested', { file: path });
  const tools = resolveFfmpeg(opts);
  const unique = [...new Set(indices)].sort((a, b) => a - b);
  const position = new Map(unique.map((v, i) => [v, i]));
  const args = ffmpegDecodeArgs(path, selectFilter(unique, geom.rotation), passthroughFlags(tools), unique.length, opts.threads);
  const addon = native();
  const [readFd, writeFd] = addon.openFramePipe();
  let child;
  try {
    child = spawn(tools.ffmpeg, args, { stdio: ['ignore', writeFd, 'pipe'] });
  } catch (e) {
    closeSync(readFd);
    throw e;
  } finally {
    closeSync(writeFd); // the child holds its own copy: EOF arrives when ffmpeg exits
  }
  const size = target.size ?? { height: geom.height, width: geom.width };
  const consumed = addon.consumeFrames(
    readFd, geom.height, geom.width, size.height, size.width, indices.map((i) => position.get(i)!), unique.length,
    !target.size, target.normalize ? normalizeLut(target.normalize).handle : null, PATCH_SIZE, TEMPORAL_PATCH_SIZE, MERGE_SIZE,
  );
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const err: Buffer[] = [];
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr: Buffer.concat(err).toString('utf8') }));
  });
  const [c, x] = await Promise.allSettled([consumed, exited]);
  if (c.status === 'rejected') throw c.reason;
  const out = c.value;
  const frames = new Tensor<'uint8'>(out.frames, 'uint8');
  const pixelValues = out.pixelValues === null ? undefined : new Tensor<'float32'>(out.pixelValues, 'float32');
  try {
    if (x.status === 'rejected') throw new DataError(`cannot run ffmpeg (${tools.ffmpeg}): ${(x.reason as Error).message}`, { file: path });
    const warnings = judgeDecode(path, geom, { ...out, expected: unique.length, ...x.value }, opts.onCorrupt ?? 'pad');
    const patchified = pixelValues && { pixelValues, grid: [Math.ceil(indices.length / TEMPORAL_PATCH_SIZE), size.height / PATCH_SIZE, size.width / PATCH_SIZE] as [number, number, number] };
    return { frames, patchified, warnings };
  } catch (e) {
    frames.dispose();
    pixelValues?.dispose();
    throw e;
  }
}

/** What the decode's outcome means: warnings to pass on, or a DataError naming the file. */
function judgeDecode(
  path: string,
  geom: FrameGeometry,
  r: { decoded: number; bytes: number; overflow: boolean; expected: number; code: number | null; stderr: string },
  onCorrupt: CorruptPolicy,
): string[] {
  const frameBytes = geom.width * geom.height * 3;
  const errText = r.stderr.trim();
  const firstLines = (n: number) => errText.split('\n').slice(0, n).join(' | ');
  if (r.overflow) throw new DataError(`ffmpeg produced more than the ${r.expected} frames selected (size ${geom.width}x${geom.height} assumed)`, { file: path });
  if (r.code !== 0 && r.decoded === 0) throw new DataError(`ffmpeg failed to decode (exit ${r.code}): ${firstLines(4) || 'no message'}`, { file: path });
  if (r.bytes % frameBytes !== 0) throw new DataError(`ffmpeg output ${r.bytes} bytes, not a whole number of ${geom.width}x${geom.height} RGB frames`, { file: path });
  const warnings: string[] = [];
  if (errText) warnings.push(`${path}: decoder reported errors (undecodable frames are dropped; later indices shift by the number dropped): ${firstLines(2)}`);
  const missing = r.expected - r.decoded;
  if (missing > 0) {
    const msg = `only ${r.decoded} of ${r.expected} sampled frames could be decoded`;
    if (onCorrupt === 'error' || r.decoded === 0) throw new DataError(`${msg}${errText ? `: ${errText.split('\n')[0]}` : ''}`, { file: path });
    warnings.push(`${path}: ${msg}; the last decoded frame is repeated for the missing ${missing}`);
  } else if (errText && onCorrupt === 'error') {
    throw new DataError(`decoder reported errors: ${errText.split('\n')[0]}`, { file: path });
  }
  return warnings;
}

/** The sampled frames at their decoded (upright) size. */
export async function decodeFrames(path: string, geom: FrameGeometry, indices: readonly number[], opts: DecodeOptions = {}): Promise<DecodedFrames> {
  const { frames, warnings } = await decodeThroughPipe(path, geom, indices, opts, {});
  return { frames, warnings };
}

/**
 * The sampled frames resized to `size` as they arrive, [K, 3, h, w] uint8 (bit-identical to decodeFrames followed by
 * resizeBicubicAA), and with `normalize` also their pixel values (bit-identical to patchifyU8Async of those frames).
 */
export async function decodeResizedFrames(
  path: string,
  geom: FrameGeometry,
  indices: readonly number[],
  size: { height: number; width: number },
  opts: DecodeOptions = {},
  normalize?: NormalizeMode,
): Promise<DecodedResized> {
  return decodeThroughPipe(path, geom, indices, opts, { size, normalize });
}
