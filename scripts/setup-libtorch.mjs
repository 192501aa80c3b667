#!/usr/bin/env node
// Makes the project-local libtorch folder (.libtorch/) from a pinned PyTorch wheel.
//
// A torch wheel is a zip whose torch/lib, torch/include and torch/share/cmake folders are a complete
// libtorch (headers, shared libraries, TorchConfig.cmake). We unzip only those: nothing of Python is
// used to build or run rarft. pip is used here only as a download client for the wheel.
//
// Order (first that applies wins):
//   1. LIBTORCH is set            -> nothing to do; the build uses that folder.
//   2. LIBTORCH_USE_PYTORCH=1     -> nothing to do; the build asks python3 for its installed torch.
//   3. .libtorch/ already made    -> nothing to do (--force to redo).
//   4. RARFT_TORCH_WHEEL=FILE.whl -> unzip that wheel (offline machines).
//   5. otherwise                  -> `python3 -m pip download --no-deps torch==<pinned>` and unzip it.
//      RARFT_TORCH_INDEX_URL picks the index (e.g. PyTorch's CPU-only index).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { SetupError, attempt, have, lastLine, logger, runPart } from './lib/setup-log.mjs';

export const PINNED_TORCH = '2.13.0';

const otherWays = [
  `export RARFT_TORCH_WHEEL=/path/to/torch-${PINNED_TORCH}-*.whl and run \`npm run setup\` again (offline)`,
  'export LIBTORCH=/path/to/libtorch (the official C++ zip, unzipped; or an unzipped torch wheel\'s torch/ folder)',
  'with PyTorch installed for python3: export LIBTORCH_USE_PYTORCH=1 (a CUDA PyTorch is used in place)',
];

/** Downloads the pinned wheel into dir with pip; returns its path. */
function downloadWheel(dir, log) {
  if (!have('python3', ['-m', 'pip', '--version']))
    throw new SetupError(`pip is needed to download the pinned torch ${PINNED_TORCH} wheel, and \`python3 -m pip\` does not run`, ['python3 -m pip --version: failed'], [
      'install pip: sudo apt-get install python3-pip (Debian/Ubuntu), then `npm run setup` again',
      ...otherWays,
    ]);
  const args = ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', `torch==${PINNED_TORCH}`, '-d', dir];
  if (process.env.RARFT_TORCH_INDEX_URL) args.push('--index-url', process.env.RARFT_TORCH_INDEX_URL);
  log(`downloading the torch ${PINNED_TORCH} wheel: python3 ${args.join(' ')}`);
  const r = attempt('python3', args);
  const whl = readdirSync(dir).find((f) => f.startsWith('torch-') && f.endsWith('.whl'));
  if (!r.ok || !whl)
    throw new SetupError(`pip could not download torch==${PINNED_TORCH}`, [`python3 ${args.join(' ')}: ${r.ok ? 'no torch-*.whl in ' + dir : lastLine(r.output)}`], [
      'check the network or the index (RARFT_TORCH_INDEX_URL=... picks another one, e.g. PyTorch\'s CPU index)',
      ...otherWays,
    ]);
  return join(dir, whl);
}

/** Unzips the wheel's libtorch parts into dest (atomically: a staging folder renamed at the end). */
function unpackWheel(wheel, dest) {
  if (!have('unzip', ['-v']))
    throw new SetupError('`unzip` is needed to unpack the torch wheel', ['unzip -v: not on PATH'], ['install it: sudo apt-get install unzip (Debian/Ubuntu)']);
  const staging = `${dest}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const r = attempt('unzip', ['-q', wheel, 'torch/lib/*', 'torch/include/*', 'torch/share/*', 'torch/version.py', '-x', 'torch/lib/libtorch_python.so', '-d', staging]);
  if (!r.ok || !existsSync(join(staging, 'torch', 'share', 'cmake', 'Torch', 'TorchConfig.cmake')))
    throw new SetupError(`${wheel} could not be unpacked as a libtorch`, [`unzip ${wheel}: ${r.ok ? 'no torch/share/cmake/Torch/TorchConfig.cmake inside' : lastLine(r.output)}`], [
      `check that the file is a torch ${PINNED_TORCH} wheel (RARFT_TORCH_WHEEL), or delete it and let pip download it`,
      ...otherWays.slice(1),
    ]);
  for (const sub of ['lib', 'include', 'share']) renameSync(join(staging, 'torch', sub), join(staging, sub));
  const versionPy = readFileSync(join(staging, 'torch', 'version.py'), 'utf8');
  const version = /__version__\s*=\s*'([^']+)'/.exec(versionPy)?.[1] ?? 'unknown';
  rmSync(join(staging, 'torch'), { recursive: true, force: true });
  writeFileSync(join(staging, 'build-version'), `${version}\n`);
  rmSync(dest, { recursive: true, force: true });
  renameSync(staging, dest);
  return version;
}

/** @param {{ root: string, env?: NodeJS.ProcessEnv, force?: boolean, log?: (m: string) => void }} o */
export function setupLibtorch({ root, env = process.env, force = false, log = logger('libtorch') }) {
  const dest = join(root, '.libtorch');
  if (env.LIBTORCH) {
    log(`LIBTORCH=${env.LIBTORCH} is set: the build uses that folder; nothing to fetch`);
    return env.LIBTORCH;
  }
  if (env.LIBTORCH_USE_PYTORCH === '1') {
    log('LIBTORCH_USE_PYTORCH=1 is set: the build uses the torch installed for python3; nothing to fetch');
    return null;
  }
  const stamp = join(dest, 'build-version');
  if (existsSync(stamp) && !force) {
    log(`${dest} already holds libtorch ${readFileSync(stamp, 'utf8').trim()} (use --force to fetch again)`);
    return dest;
  }
  let wheel;
  let tmp = null;
  if (env.RARFT_TORCH_WHEEL) {
    wheel = resolve(env.RARFT_TORCH_WHEEL);
    if (!existsSync(wheel)) throw new SetupError(`RARFT_TORCH_WHEEL=${env.RARFT_TORCH_WHEEL} does not exist`, [`${wheel}: not there`], otherWays.slice(1));
    log(`using the wheel ${wheel} (RARFT_TORCH_WHEEL)`);
  } else {
    tmp = mkdtempSync(join(tmpdir(), 'rarft-wheel-'));
  }
  try {
    wheel ??= downloadWheel(tmp, log);
    log(`unpacking ${wheel} -> ${dest}`);
    const version = unpackWheel(wheel, dest);
    log(`libtorch ${version} ready in ${dest}`);
    return dest;
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  await runPart('libtorch', () => setupLibtorch({ root, force: process.argv.includes('--force') }));
}
