/**
 * Decodes exactly the sampled frames of a video through one ffmpeg process, straight into a uint8 tensor
 * [K, H, W, 3] (RGB24, upright, ORIGINAL size: the resize to the model's size is torch's antialiased bicubic,
 * done afterwards by resizeBicubicAA, never by ffmpeg's scaler).
 *
 * - Frame selection: the `select` filter on `n`, the index of each decoded frame in presentation order (the
 *   decoder reorders B-frames before filters see them, so unordered.mov's out-of-order pts come out right), with
 *   passthrough timing so ffmpeg neither duplicates nor drops frames to reach a constant rate.
 * - Rotation: like decord, `transpose` filters on the decoded planes (90: transpose=1, 180: transpose=1 twice,
 *   270: transpose=2), then the RGB conversion; ffmpeg's own autorotate is turned off so every ffmpeg version
 *   behaves the same.
 * - Memory: without a transform the frames land in one preallocated buffer (the result); with a ChunkTransform
 *   (the pipeline's resize) only one chunk of original-size frames is staged, handed over as soon as it is full.
 * - Undecodable frames (corrupted.mp4): the decoder drops them, so fewer frames than requested can come out.
 *   Default policy 'pad': repeat the last decoded frame for the missing tail and report a warning naming the file;
 *   'error': throw a DataError. Either way decoder errors are reported.
 */
import { spawn } from 'node:child_process';
import { DataError } from '../errors.js';
import { type Tensor, cat, fromTypedArray } from '../tensor/index.js';
import { type FfmpegResolveOptions, passthroughFlags, resolveFfmpeg } from './ffmpeg-binary.js';

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

export function ffmpegDecodeArgs(path: string, vf: string, passthrough: string[], threads?: number): string[] {
  return [
    '-nostdin', '-hide_banner', '-v', 'error', '-noautorotate',
    ...(threads ? ['-threads', String(threads)] : []),
    '-i', path, '-map', '0:v:0', '-an', '-sn', '-dn',
    '-vf', vf, ...passthrough,
    '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1',
  ];
}

/**
 * Work to run on each chunk of decoded frames while ffmpeg keeps decoding (the resize, in the pipeline): `fn`
 * receives [k, H, W, 3] uint8 (k <= frames, in decode order) and returns a tensor whose dim 0 has k rows; the
 * results are concatenated. Valid only for per-frame work (results must not depend on the chunking).
 */
export interface ChunkTransform {
  frames: number;
  fn: (chunkTHWC: Tensor<'uint8'>) => Promise<Tensor>;
}

export async function decodeFrames(path: string, geom: FrameGeometry, indices: readonly number[], opts: DecodeOptions = {}, transform?: ChunkTransform): Promise<DecodedFrames> {
  if (indices.length === 0) throw new DataError('no frames requested', { file: path });
  const tools = resolveFfmpeg(opts);
  const unique = [...new Set(indices)].sort((a, b) => a - b);
  const frameBytes = geom.width * geom.height * 3;
  const expectedBytes = unique.length * frameBytes;
  // With a transform only one chunk of original-size frames is staged at a time (768 sampled 1080p frames would
  // otherwise need 4.8 GB); without one, the whole decode is the result.
  const cap = transform ? Math.min(unique.length, Math.max(1, transform.frames)) * frameBytes : expectedBytes;
  const buf = Buffer.allocUnsafe(cap);
  const args = ffmpegDecodeArgs(path, selectFilter(unique, geom.rotation), passthroughFlags(tools), opts.threads);
  const pending: Promise<Tensor>[] = [];
  let fill = 0; // bytes staged in buf
  let handed = 0; // frames handed to the transform so far
  /** Hands the whole frames staged in buf to the transform (fromTypedArray copies them) and keeps any partial one. */
  const flush = () => {
    const k = Math.floor(fill / frameBytes);
    if (!transform || k === 0) return;
    const chunk = fromTypedArray(new Uint8Array(buf.buffer, buf.byteOffset, k * frameBytes), [k, geom.height, geom.width, 3], 'uint8');
    const done = transform.fn(chunk).finally(() => chunk.dispose());
    done.catch(() => {}); // observed later through Promise.all; avoid an unhandled rejection meanwhile
    pending.push(done);
    buf.copy(buf, 0, k * frameBytes, fill);
    fill -= k * frameBytes;
    handed += k;
  };

  const { written, stderr, code } = await new Promise<{ written: number; stderr: string; code: number | null }>((resolve, reject) => {
    const p = spawn(tools.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let written = 0;
    let overflow = false;
    const err: Buffer[] = [];
    p.stdout.on('data', (chunk: Buffer) => {
      if (overflow) return;
      if (written + chunk.length > expectedBytes) {
        overflow = true;
        p.kill('SIGKILL');
        return;
      }
      written += chunk.length;
      for (let off = 0; off < chunk.length; ) {
        const n = Math.min(chunk.length - off, cap - fill);
        chunk.copy(buf, fill, off, off + n);
        fill += n;
        off += n;
        if (fill === cap && transform) flush();
      }
    });
    p.stderr.on('data', (b: Buffer) => err.push(b));
    p.on('error', reject);
    p.on('close', (code) => {
      if (overflow) reject(new DataError(`ffmpeg produced more than the ${unique.length} frames selected (size ${geom.width}x${geom.height} assumed)`, { file: path }));
      else resolve({ written, stderr: Buffer.concat(err).toString('utf8'), code });
    });
  });

  const got = Math.floor(written / frameBytes);
  flush();
  const transformed = Promise.all(pending);
  const fail = async (e: Error): Promise<never> => {
    (await transformed.catch(() => [])).forEach((t) => t.dispose());
    throw e;
  };
  const errText = stderr.trim();
  if (code !== 0 && got === 0) return fail(new DataError(`ffmpeg failed to decode (exit ${code}): ${errText.split('\n').slice(0, 4).join(' | ') || 'no message'}`, { file: path }));
  if (written % frameBytes !== 0) return fail(new DataError(`ffmpeg output ${written} bytes, not a whole number of ${geom.width}x${geom.height} RGB frames`, { file: path }));
  const warnings: string[] = [];
  if (errText) warnings.push(`${path}: decoder reported errors (undecodable frames are dropped; later indices shift by the number dropped): ${errText.split('\n').slice(0, 2).join(' | ')}`);
  const missing = unique.length - got;
  if (missing > 0) {
    const msg = `only ${got} of ${unique.length} sampled frames could be decoded`;
    if (opts.onCorrupt === 'error' || got === 0) return fail(new DataError(`${msg}${errText ? `: ${errText.split('\n')[0]}` : ''}`, { file: path }));
    warnings.push(`${path}: ${msg}; the last decoded frame is repeated for the missing ${missing}`);
  } else if (errText && opts.onCorrupt === 'error') {
    return fail(new DataError(`decoder reported errors: ${errText.split('\n')[0]}`, { file: path }));
  }

  // One tensor of the unique frames (transformed or raw), the missing tail padded with the last frame.
  let all: Tensor;
  if (transform) {
    const parts = await transformed;
    all = parts.length === 1 ? parts[0]! : cat(parts, 0);
    if (parts.length > 1) parts.forEach((t) => t.dispose());
  } else {
    all = fromTypedArray(new Uint8Array(buf.buffer, buf.byteOffset, got * frameBytes), [got, geom.height, geom.width, 3], 'uint8');
  }
  if (transform && handed !== got) {
    all.dispose();
    throw new Error(`internal: ${handed} frames transformed, ${got} decoded`);
  }
  const pos = new Map(unique.map((v, i) => [v, Math.min(i, got - 1)]));
  if (missing === 0 && unique.length === indices.length && unique.every((v, i) => v === indices[i])) return { frames: all as Tensor<'uint8'>, warnings };
  // Padding, repeated or unsorted indices: gather rows of the unique decode.
  const sel = fromTypedArray(BigInt64Array.from(indices, (i) => BigInt(pos.get(i)!)), [indices.length], 'int64');
  const frames = all.indexSelect(0, sel);
  all.dispose();
  sel.dispose();
  return { frames: frames as Tensor<'uint8'>, warnings };
}
