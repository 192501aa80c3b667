/**
 * Finds the ffmpeg (and, optionally, ffprobe) executables, in a fixed, documented order (docs/video.md):
 *   1. an explicit path (option `ffmpegPath`), then env FFMPEG_PATH;
 *   2. ffmpeg-static's binary, when its install script actually downloaded it (the file exists and runs: the
 *      package is an optional dependency whose download fails offline, leaving a path to a missing file);
 *   3. @ffmpeg-installer/linux-x64's binary (a static ffmpeg 4.1 shipped inside the npm package, no ffprobe);
 *   4. `ffmpeg` on PATH (e.g. Debian's `apt-get install ffmpeg`).
 * ffprobe is optional (probing falls back to parsing `ffmpeg -i`): option `ffprobePath`, env FFPROBE_PATH, an
 * `ffprobe` beside the chosen ffmpeg, @ffprobe-installer/linux-x64's binary (a static ffprobe shipped inside the npm
 * package, the optional dependency beside @ffmpeg-installer), then `ffprobe` on PATH.
 * Each candidate must run `-version` successfully; a failure lists every candidate and why it was rejected.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export class FfmpegNotFoundError extends Error {
  override name = 'FfmpegNotFoundError';
}

export interface FfmpegTools {
  ffmpeg: string;
  /** null when no working ffprobe was found: probing then parses `ffmpeg -i` output. */
  ffprobe: string | null;
  /** Which rule chose ffprobe ('option', 'FFPROBE_PATH', 'beside ffmpeg', '@ffprobe-installer/linux-x64', 'PATH'). */
  ffprobeSource: string | null;
  /** Which rule chose ffmpeg ('option', 'FFMPEG_PATH', 'ffmpeg-static', '@ffmpeg-installer/linux-x64', 'PATH'). */
  source: string;
  /** First line of `ffmpeg -version`. */
  versionLine: string;
  /** libavformat version [major, minor], which decides flag spellings (`-fps_mode` needs >= 59.27, ffmpeg 5.1). */
  libavformat: [number, number] | null;
}

export interface FfmpegResolveOptions {
  ffmpegPath?: string;
  ffprobePath?: string;
  /** Environment to read FFMPEG_PATH / FFPROBE_PATH / PATH from (tests); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Consider the npm-packaged binaries (ffmpeg rules 2 and 3, the ffprobe package); default true. */
  npmPackages?: boolean;
}

interface Candidate {
  source: string;
  path: string | null;
  /** Why there is no path (package missing ...). */
  missing?: string;
}

/** Runs `<bin> -version`; returns its stdout or a reason it is unusable. */
function tryRun(path: string): { ok: true; out: string } | { ok: false; why: string } {
  if (!existsSync(path)) return { ok: false, why: 'file does not exist' };
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return { ok: false, why: 'file is not executable' };
  }
  const r = spawnSync(path, ['-hide_banner', '-version'], { encoding: 'utf8', timeout: 15_000 });
  if (r.error) return { ok: false, why: `cannot run: ${r.error.message}` };
  if (r.status !== 0) return { ok: false, why: `\`-version\` exited with ${r.status}: ${(r.stderr || '').trim().slice(0, 200)}` };
  return { ok: true, out: r.stdout };
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

function packageBinary(pkg: 'ffmpeg-static' | '@ffmpeg-installer/linux-x64' | '@ffprobe-installer/linux-x64'): Candidate {
  try {
    if (pkg === 'ffmpeg-static') {
      // Its index.js returns <pkg>/ffmpeg whether or not the download happened (or FFMPEG_BIN when set).
      const p = require('ffmpeg-static') as string | null;
      return { source: pkg, path: p, ...(p ? {} : { missing: 'no binary for this platform' }) };
    }
    const bin = pkg === '@ffprobe-installer/linux-x64' ? 'ffprobe' : 'ffmpeg';
    return { source: pkg, path: join(dirname(require.resolve(`${pkg}/package.json`)), bin) };
  } catch {
    return { source: pkg, path: null, missing: 'package not installed' };
  }
}

function ffmpegCandidates(opts: FfmpegResolveOptions, env: NodeJS.ProcessEnv): Candidate[] {
  const c: Candidate[] = [];
  if (opts.ffmpegPath) c.push({ source: 'option', path: opts.ffmpegPath });
  if (env.FFMPEG_PATH) c.push({ source: 'FFMPEG_PATH', path: env.FFMPEG_PATH });
  if (opts.npmPackages !== false) {
    c.push(packageBinary('ffmpeg-static'));
    c.push(packageBinary('@ffmpeg-installer/linux-x64'));
  }
  const sys = onPath('ffmpeg', env);
  c.push({ source: 'PATH', path: sys, ...(sys ? {} : { missing: 'no `ffmpeg` in any PATH directory' }) });
  return c;
}

function parseLavf(versionOut: string): [number, number] | null {
  const m = /libavformat\s+(\d+)\.\s*(\d+)/.exec(versionOut);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

function ffprobeCandidates(ffmpeg: string, opts: FfmpegResolveOptions, env: NodeJS.ProcessEnv): Candidate[] {
  const c: Candidate[] = [{ source: 'beside ffmpeg', path: join(dirname(ffmpeg), 'ffprobe') }];
  if (opts.npmPackages !== false) c.push(packageBinary('@ffprobe-installer/linux-x64'));
  const sys = onPath('ffprobe', env);
  c.push({ source: 'PATH', path: sys, ...(sys ? {} : { missing: 'no `ffprobe` in any PATH directory' }) });
  return c;
}

function resolveFfprobe(ffmpeg: string, opts: FfmpegResolveOptions, env: NodeJS.ProcessEnv): { path: string; source: string } | null {
  const explicit = opts.ffprobePath ?? env.FFPROBE_PATH;
  if (explicit) {
    const source = opts.ffprobePath ? 'option' : 'FFPROBE_PATH';
    const r = tryRun(explicit);
    if (!r.ok) throw new FfmpegNotFoundError(`ffprobe at ${explicit} (${opts.ffprobePath ? 'option ffprobePath' : 'FFPROBE_PATH'}) is unusable: ${r.why}`);
    return { path: explicit, source };
  }
  for (const c of ffprobeCandidates(ffmpeg, opts, env)) {
    if (c.path && tryRun(c.path).ok) return { path: c.path, source: c.source };
  }
  return null;
}

/** Every ffmpeg candidate in resolution order and whether it works (for diagnostics and `--doctor` output). */
export function describeFfmpegCandidates(opts: FfmpegResolveOptions = {}): Array<{ source: string; path: string | null; usable: boolean; why: string }> {
  const env = opts.env ?? process.env;
  return ffmpegCandidates(opts, env).map((c) => {
    if (!c.path) return { source: c.source, path: null, usable: false, why: c.missing ?? 'no path' };
    const r = tryRun(c.path);
    return { source: c.source, path: c.path, usable: r.ok, why: r.ok ? 'ok' : r.why };
  });
}

const memo = new Map<string, FfmpegTools>();

/** The ffmpeg tools to use (memoised per options and environment). Throws FfmpegNotFoundError with fixes. */
export function resolveFfmpeg(opts: FfmpegResolveOptions = {}): FfmpegTools {
  const env = opts.env ?? process.env;
  const key = JSON.stringify([opts.ffmpegPath, opts.ffprobePath, opts.npmPackages, env.FFMPEG_PATH, env.FFPROBE_PATH, env.PATH]);
  const hit = memo.get(key);
  if (hit) return hit;
  const tried: string[] = [];
  for (const c of ffmpegCandidates(opts, env)) {
    if (!c.path) {
      tried.push(`  - ${c.source}: ${c.missing}`);
      continue;
    }
    const r = tryRun(c.path);
    if (!r.ok) {
      // An explicit choice that does not work is an error, not something to silently replace.
      if (c.source === 'option' || c.source === 'FFMPEG_PATH')
        throw new FfmpegNotFoundError(`ffmpeg at ${c.path} (${c.source === 'option' ? 'option ffmpegPath' : 'FFMPEG_PATH'}) is unusable: ${r.why}`);
      tried.push(`  - ${c.source}: ${c.path}: ${r.why}`);
      continue;
    }
    const probe = resolveFfprobe(c.path, opts, env);
    const tools: FfmpegTools = {
      ffmpeg: c.path,
      ffprobe: probe?.path ?? null,
      ffprobeSource: probe?.source ?? null,
      source: c.source,
      versionLine: r.out.split('\n')[0]!.trim(),
      libavformat: parseLavf(r.out),
    };
    memo.set(key, tools);
    return tools;
  }
  throw new FfmpegNotFoundError(
    [
      'no working ffmpeg found. Tried, in order:',
      ...tried,
      'Fix one of:',
      '  - install the optional dependencies that ship the binaries (linux-x64): `npm ci` without --omit=optional; `npm run setup` checks them',
      '  - point FFMPEG_PATH (and optionally FFPROBE_PATH) at an ffmpeg executable',
      '  - install the system package: sudo apt-get install -y ffmpeg   (Debian/Ubuntu; gives ffmpeg and ffprobe)',
    ].join('\n'),
  );
}

/** Flags that pass every decoded frame through unchanged (no duplication/dropping to a constant rate). */
export function passthroughFlags(tools: FfmpegTools): string[] {
  const v = tools.libavformat;
  const hasFpsMode = v !== null && (v[0] > 59 || (v[0] === 59 && v[1] >= 27));
  return hasFpsMode ? ['-fps_mode', 'passthrough'] : ['-vsync', '0'];
}
