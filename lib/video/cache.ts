/**
 * On-disk cache of decoded + resized video frames, so each video is decoded once per run configuration: a hit
 * loads one safetensors file and never starts ffmpeg. What is stored is stage 1's output (uint8 [T,3,H',W'] and
 * its JSON info); normalisation/patchify (a few ms, bit-exact) runs on load, so one entry serves both normalisation
 * modes and both spg modes.
 *
 * Key = sha256 of { cache format version, file identity, frameSettings(opts) }:
 *  - identity 'stat' (default): resolved path + size + mtime (ns): cheap; a touched or replaced file misses;
 *  - identity 'content': sha256 of the file bytes: survives moves/copies, costs a full read per lookup.
 * Entries live at <dir>/<key[0:2]>/<key>.safetensors and are written atomically (lib/io/safetensors.ts).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadSafetensors, saveSafetensors } from '../io/safetensors.js';
import type { Tensor } from '../tensor/index.js';
import type { NormalizeMode } from './patchify.js';
import { assertReadableVideo } from './probe.js';
import { type FramesInfo, type PreprocessedVideo, type ResizedFrames, type VideoPreprocessOptions, decodeResized, frameSettings, toModelInputs } from './preprocess.js';

/** Bump when the stored layout or the decode/resize semantics change: old entries then simply miss. */
export const VIDEO_CACHE_VERSION = 1;

export type CacheIdentity = 'stat' | 'content';

export interface VideoCacheOptions {
  dir: string;
  identity?: CacheIdentity;
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export async function fileIdentity(path: string, mode: CacheIdentity = 'stat'): Promise<Record<string, string | number>> {
  assertReadableVideo(path);
  if (mode === 'content') return { sha256: await sha256File(path) };
  const st = statSync(path, { bigint: true });
  return { path: realpathSync(path), size: Number(st.size), mtimeNs: st.mtimeNs.toString() };
}

export async function cacheKey(path: string, opts: VideoPreprocessOptions, identity: CacheIdentity = 'stat'): Promise<string> {
  const payload = JSON.stringify({ v: VIDEO_CACHE_VERSION, id: await fileIdentity(path, identity), settings: frameSettings(opts) });
  return createHash('sha256').update(payload).digest('hex');
}

export function cacheEntryPath(dir: string, key: string): string {
  return join(dir, key.slice(0, 2), `${key}.safetensors`);
}

/** Loads an entry; null (with the reason) when it is unreadable, so the caller re-decodes and overwrites it. */
async function loadEntry(file: string): Promise<ResizedFrames | string> {
  let loaded;
  try {
    loaded = await loadSafetensors(file);
  } catch (e) {
    return (e as Error).message;
  }
  const { tensors, metadata } = loaded;
  const frames = tensors.get('frames') as Tensor<'uint8'> | undefined;
  for (const [n, t] of tensors) if (n !== 'frames') t.dispose();
  if (!frames || !metadata.info || frames.dtype !== 'uint8' || frames.rank !== 4) {
    frames?.dispose();
    return 'no uint8 [T,3,H,W] "frames" tensor or no "info" metadata';
  }
  return { frames, info: JSON.parse(metadata.info) as FramesInfo };
}

export interface CachedFrames extends ResizedFrames {
  hit: boolean;
  key: string;
}

/**
 * Stage 1 through the cache: load on a hit, else decode + resize and store. `pixelsFor` as in decodeResized (a miss
 * then also carries the pixel values computed during the decode; a hit never does).
 */
export async function cachedDecodeResized(path: string, opts: VideoPreprocessOptions, cache: VideoCacheOptions, pixelsFor?: NormalizeMode): Promise<CachedFrames> {
  const key = await cacheKey(path, opts, cache.identity);
  const file = cacheEntryPath(cache.dir, key);
  let corrupt: string | undefined;
  if (existsSync(file)) {
    const e = await loadEntry(file);
    if (typeof e !== 'string') return { ...e, hit: true, key };
    corrupt = e;
  }
  const r = await decodeResized(path, opts, pixelsFor);
  // An unreadable entry (interrupted copy, disk error) is replaced rather than failing the run forever.
  if (corrupt) r.info.warnings.push(`${path}: cache entry ${file} was unreadable (${corrupt}); decoded again and replaced`);
  mkdirSync(join(cache.dir, key.slice(0, 2)), { recursive: true });
  try {
    await saveSafetensors(file, { frames: r.frames }, { info: JSON.stringify(r.info), settings: JSON.stringify(frameSettings(opts)), version: String(VIDEO_CACHE_VERSION) });
  } catch (e) {
    r.frames.dispose();
    r.patchified?.pixelValues.dispose();
    throw e;
  }
  return { ...r, hit: false, key };
}

/** preprocessVideo through the cache. */
export async function preprocessVideoCached(path: string, opts: VideoPreprocessOptions, cache: VideoCacheOptions): Promise<PreprocessedVideo> {
  const r = await cachedDecodeResized(path, opts, cache, opts.normalize ?? 'fused');
  try {
    return { ...(await toModelInputs(r, opts)), cacheHit: r.hit };
  } finally {
    r.frames.dispose();
    r.patchified?.pixelValues.dispose(); // only left when toModelInputs failed before taking it
  }
}
