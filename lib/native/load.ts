/**
 * Finds and loads the native addon:
 *   1. RARFT_ADDON=/path/to/rarft.node (an explicit build): when set, it is the only candidate, so a wrong path is
 *      an error rather than a silent fallback to another build;
 *   2. otherwise <package>/build/Release/rarft.node (cmake-js / `npm run build:native`).
 * On failure one AddonLoadError says what was tried, why each failed, and the fix for each case (sharp's style).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { addonPathFromEnv, simulatedCudaFromEnv } from '../env.js';
import type { NativeAddon } from './addon.js';
import { AddonLoadError, TorchError } from './errors.js';

const require = createRequire(import.meta.url);

/** The package root: the nearest folder upwards holding rarft's package.json (works from lib/ and dist/lib/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if (JSON.parse(readFileSync(pj, 'utf8')).name === 'rarft') return dir;
      } catch {
        /* keep walking */
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new AddonLoadError('cannot locate the rarft package root from ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

function hintFor(message: string): string {
  if (/lib(c10|torch)[^ ]*\.so/.test(message))
    return 'libtorch\'s shared libraries were not found at the path baked into the addon: libtorch moved or was removed since the build. Run `npm run setup && npm run build:native` (or set LIBTORCH and rebuild).';
  if (/GLIBC|GLIBCXX|CXXABI/.test(message))
    return 'the addon was built against a newer C/C++ runtime than this machine has: rebuild it here with `npm run build:native`.';
  if (/undefined symbol/.test(message))
    return 'the addon and the libtorch it finds do not match (built against another version): rebuild with `npm run build:native`.';
  return 'rebuild with `npm run build:native`.';
}

let cached: NativeAddon | undefined;

/**
 * RARFT_SIMULATE_CUDA=<n> (tests on machines without a GPU): the device audit, with n simulated GPUs, is on before any
 * tensor exists (csrc/napi/device_audit.h). Checked here so that worker processes inherit it through the environment.
 */
function applySimulatedCuda(addon: NativeAddon): void {
  const n = simulatedCudaFromEnv();
  if (n > 0) addon.setDeviceAudit(n);
}

export function loadAddon(): NativeAddon {
  if (cached) return cached;
  const tried: string[] = [];
  const candidates: string[] = [];
  const explicit = addonPathFromEnv();
  if (explicit) candidates.push(explicit);
  else candidates.push(join(packageRoot(), 'build', 'Release', 'rarft.node'));
  for (const path of candidates) {
    if (!existsSync(path)) {
      tried.push(`  - ${path}: not there`);
      continue;
    }
    try {
      const addon = require(path) as NativeAddon;
      addon.setErrorClass(TorchError);
      applySimulatedCuda(addon);
      cached = addon;
      return addon;
    } catch (err) {
      const msg = (err as Error).message;
      tried.push(`  - ${path}: ${msg}\n    fix: ${hintFor(msg)}`);
    }
  }
  throw new AddonLoadError(
    [
      'Could not load the rarft native addon.',
      'Tried:',
      ...tried,
      'Possible solutions:',
      '  - Build it: `npm run setup` (fetches libtorch into .libtorch/) then `npm run build:native`.',
      '  - Using your own libtorch: `LIBTORCH=/path/to/libtorch npm run build:native`.',
      '  - Using an installed PyTorch: `LIBTORCH_USE_PYTORCH=1 npm run build:native`.',
      '  - A prebuilt addon elsewhere: set RARFT_ADDON=/path/to/rarft.node.',
      'See README.md, "How libtorch is found".',
    ].join('\n'),
  );
}
