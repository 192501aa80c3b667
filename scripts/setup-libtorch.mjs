#!/usr/bin/env node
// Makes the project-local libtorch folder (.libtorch/) from a pinned PyTorch wheel.
//
// A torch wheel is a zip whose torch/lib, torch/include and torch/share/cmake folders are a complete
// libtorch (headers, shared libraries, TorchConfig.cmake). We unzip only those: nothing of Python is
// used to build or run rarft. pip is used here only as a download client for the wheel.
//
// Order (first that applies wins):
//   1. LIBTORCH is set            -> nothing to do; the build uses that folder.
//   2. RARFT_TORCH_WHEEL=FILE.whl -> unzip that wheel.
//   3. otherwise                  -> `python3 -m pip download --no-deps torch==<pinned>` and unzip it.
//      RARFT_TORCH_INDEX_URL picks the index (e.g. PyTorch's CPU-only index).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PINNED_TORCH = '2.13.0';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dest = join(root, '.libtorch');

function log(msg) {
  process.stderr.write(`[rarft setup] ${msg}\n`);
}

function fail(msg) {
  process.stderr.write(`\n[rarft setup] ERROR: ${msg}\n\n`);
  process.exit(1);
}

function have(cmd, args = ['--version']) {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function findWheel() {
  if (process.env.RARFT_TORCH_WHEEL) {
    const w = resolve(process.env.RARFT_TORCH_WHEEL);
    if (!existsSync(w)) fail(`RARFT_TORCH_WHEEL points to ${w}, which does not exist.`);
    return w;
  }
  if (!have('python3', ['-m', 'pip', '--version'])) {
    fail(
      [
        'No libtorch was found and pip is not available to download the pinned torch wheel.',
        'Fix one of:',
        `  - export LIBTORCH=/path/to/libtorch   (the official C++ zip, unzipped; or an unzipped torch wheel's torch/ folder)`,
        `  - export RARFT_TORCH_WHEEL=/path/to/torch-${PINNED_TORCH}-*.whl and run \`npm run setup\` again`,
        '  - install python3 with pip, then run `npm run setup` again',
      ].join('\n'),
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'rarft-wheel-'));
  const args = ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', `torch==${PINNED_TORCH}`, '-d', dir];
  if (process.env.RARFT_TORCH_INDEX_URL) args.push('--index-url', process.env.RARFT_TORCH_INDEX_URL);
  log(`downloading torch ${PINNED_TORCH} wheel: python3 ${args.join(' ')}`);
  try {
    execFileSync('python3', args, { stdio: ['ignore', 'inherit', 'inherit'] });
  } catch {
    fail(`pip could not download torch==${PINNED_TORCH}. Set RARFT_TORCH_WHEEL to a local wheel, or LIBTORCH to a libtorch folder.`);
  }
  const whl = readdirSync(dir).find((f) => f.startsWith('torch-') && f.endsWith('.whl'));
  if (!whl) fail(`pip reported success but no torch wheel is in ${dir}`);
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  return join(dir, whl);
}

function main() {
  if (process.env.LIBTORCH) {
    log(`LIBTORCH=${process.env.LIBTORCH} is set: the build will use it; nothing to set up.`);
    return;
  }
  const stamp = join(dest, 'build-version');
  if (existsSync(stamp) && !process.argv.includes('--force')) {
    log(`.libtorch already holds torch ${readFileSync(stamp, 'utf8').trim()} (use --force to redo)`);
    return;
  }
  if (!have('unzip', ['-v'])) fail('`unzip` is needed to unpack the wheel (Debian: apt-get install unzip).');
  const wheel = findWheel();
  log(`unpacking ${wheel} -> ${dest}`);
  rmSync(dest, { recursive: true, force: true });
  const staging = `${dest}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  execFileSync('unzip', ['-q', wheel, 'torch/lib/*', 'torch/include/*', 'torch/share/*', 'torch/version.py', '-x', 'torch/lib/libtorch_python.so', '-d', staging], {
    stdio: 'inherit',
  });
  for (const sub of ['lib', 'include', 'share']) renameSync(join(staging, 'torch', sub), join(staging, sub));
  const versionPy = readFileSync(join(staging, 'torch', 'version.py'), 'utf8');
  const version = /__version__\s*=\s*'([^']+)'/.exec(versionPy)?.[1] ?? 'unknown';
  rmSync(join(staging, 'torch'), { recursive: true, force: true });
  writeFileSync(join(staging, 'build-version'), `${version}\n`);
  renameSync(staging, dest);
  log(`libtorch ${version} ready in ${dest}`);
}

main();
