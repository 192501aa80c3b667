#!/usr/bin/env node
// Checks the ffmpeg and ffprobe the video path will use. Nothing is downloaded here: both come inside npm packages
// that `npm ci` installs as optional dependencies (@ffmpeg-installer/linux-x64: a static ffmpeg 4.1;
// @ffprobe-installer/linux-x64: a static ffprobe), so no system package is needed. lib/video/ffmpeg-binary.ts
// resolves them at run time in its documented order; this step makes sure that order ends somewhere that works and
// says where.
//
// Per tool (first that applies wins):
//   1. FFMPEG_PATH / FFPROBE_PATH  -> must run `-version`; the video path uses it.
//   2. the npm package's binary    -> made executable if the package manager skipped its chmod, then must run.
//   3. `ffmpeg` / `ffprobe` on PATH (e.g. Debian's ffmpeg package).
// ffprobe is optional at run time (probing can parse `ffmpeg -i`), but the test suite compares with it, so a
// missing one is an error here too.
import { execFileSync } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { SetupError, logger, runPart } from './lib/setup-log.mjs';

const TOOLS = [
  { name: 'ffmpeg', env: 'FFMPEG_PATH', pkg: '@ffmpeg-installer/linux-x64' },
  { name: 'ffprobe', env: 'FFPROBE_PATH', pkg: '@ffprobe-installer/linux-x64' },
];

/** First line of `<bin> -version`, or throws with the reason. */
function versionLine(bin) {
  const out = execFileSync(bin, ['-hide_banner', '-version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 15_000 });
  return out.split('\n')[0].replace(/\s+Copyright.*$/, '').trim();
}

function tryBinary(bin) {
  if (!existsSync(bin)) return { ok: false, why: 'file does not exist' };
  try {
    return { ok: true, version: versionLine(bin) };
  } catch (e) {
    return { ok: false, why: `\`-version\` failed: ${(e.stderr || e.message || '').toString().trim().split('\n')[0]}` };
  }
}

function onPath(name, env) {
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

/**
 * Finds one tool; returns { path, source, version }.
 * @param {{ root: string, tool: typeof TOOLS[number], env?: NodeJS.ProcessEnv, log?: (m: string) => void }} o
 */
export function checkTool({ root, tool, env = process.env, log = logger('ffmpeg') }) {
  const tried = [];
  const explicit = env[tool.env];
  if (explicit) {
    const r = tryBinary(explicit);
    if (!r.ok)
      throw new SetupError(`${tool.env}=${explicit} is not a working ${tool.name}: ${r.why}`, [], [
        `point ${tool.env} at a ${tool.name} executable, or unset it to use the one in ${tool.pkg}`,
      ]);
    log(`${tool.name}: ${explicit} (${tool.env}): ${r.version}`);
    return { path: explicit, source: tool.env, version: r.version };
  }
  tried.push(`${tool.env}: not set`);
  const require = createRequire(join(root, 'package.json'));
  let pkgBin = null;
  try {
    pkgBin = join(dirname(require.resolve(`${tool.pkg}/package.json`)), tool.name);
  } catch {
    tried.push(`${tool.pkg}: not installed (${process.platform}-${process.arch}${process.platform === 'linux' && process.arch === 'x64' ? '; optional dependencies omitted?' : ': the package exists for linux-x64 only'})`);
  }
  if (pkgBin) {
    // npm may skip the package's own `chmod u+x` (install scripts not run): the file is ours, so set the bit.
    if (existsSync(pkgBin) && !(statSync(pkgBin).mode & 0o100)) {
      chmodSync(pkgBin, statSync(pkgBin).mode | 0o755);
      log(`${tool.name}: made ${pkgBin} executable`);
    }
    const r = tryBinary(pkgBin);
    if (r.ok) {
      log(`${tool.name}: ${pkgBin} (npm package ${tool.pkg}): ${r.version}`);
      return { path: pkgBin, source: tool.pkg, version: r.version };
    }
    tried.push(`${tool.pkg}: ${pkgBin}: ${r.why}`);
  }
  const sys = onPath(tool.name, env);
  if (sys) {
    const r = tryBinary(sys);
    if (r.ok) {
      log(`${tool.name}: ${sys} (PATH): ${r.version}`);
      return { path: sys, source: 'PATH', version: r.version };
    }
    tried.push(`PATH: ${sys}: ${r.why}`);
  } else tried.push(`PATH: no \`${tool.name}\` in any PATH directory`);
  throw new SetupError(`no working ${tool.name} found`, tried, [
    `install the npm packages that ship it: \`npm ci\` (without --omit=optional), then \`npm run setup\` again`,
    `or point ${tool.env} at a ${tool.name} executable`,
    `or install the system package: sudo apt-get install ffmpeg (Debian/Ubuntu; gives ffmpeg and ffprobe)`,
  ]);
}

export function setupFfmpeg({ root, env = process.env, log = logger('ffmpeg') }) {
  return TOOLS.map((tool) => checkTool({ root, tool, env, log }));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  await runPart('ffmpeg', () => setupFfmpeg({ root }));
}
