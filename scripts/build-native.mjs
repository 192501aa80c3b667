#!/usr/bin/env node
// `npm run build:native [-- cmake-js flags]`: configures the addon's CMake build when it needs it, then builds it.
//
// cmake-js alone configures only when build/CMakeCache.txt is missing, so a cache made before a dependency appeared
// (Gloo headers unpacked, LIBTORCH changed) kept building the old configuration ("ninja: no work to do"). Here the
// configure step records every probe it made (cmake/RarftDiscovery.cmake: environment variables, files that existed
// or not, version files' hashes) in <out>/rarft-discovery.txt; before each build those probes are evaluated again,
// and any difference, or different flags, means a fresh configure (the cache is removed first so every search runs
// again; ninja then recompiles only what the new flags change).
//
// `--out DIR` picks the CMake binary folder (binding.gyp uses build/cmake-gyp); other flags (`--CDNAME=value`, ...)
// go to `cmake-js configure`. The addon always lands in <package>/build/Release/rarft.node.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { staleReasons } from './lib/discovery.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const outIdx = argv.indexOf('--out');
const out = outIdx >= 0 ? argv[outIdx + 1] : 'build';
const configureFlags = argv.filter((_, i) => outIdx < 0 || (i !== outIdx && i !== outIdx + 1));
const buildDir = resolve(root, out);
const cmakeJs = join(root, 'node_modules', '.bin', 'cmake-js');
const flagsFile = join(buildDir, 'rarft-configure-flags.json');

const log = (msg) => process.stderr.write(`[rarft build] ${msg}\n`);

function run(args) {
  const r = spawnSync(cmakeJs, args, { cwd: root, stdio: 'inherit' });
  if (r.error) {
    log(`cannot run ${cmakeJs}: ${r.error.message}. Run \`npm ci\` first.`);
    process.exit(1);
  }
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const flags = ['--CDCMAKE_BUILD_TYPE=Release', `--CDRARFT_OUTPUT_DIR=${join(root, 'build', 'Release')}`, ...configureFlags];
const previousFlags = existsSync(flagsFile) ? readFileSync(flagsFile, 'utf8') : null;
const reasons = staleReasons(buildDir);
if (previousFlags !== null && previousFlags !== JSON.stringify(flags)) reasons.push(`configure flags changed (${previousFlags} -> ${JSON.stringify(flags)})`);

if (reasons.length) {
  log(`configuring ${buildDir}: ${reasons.join('; ')}`);
  // A fresh cache: find results and cached paths from the old configuration must not survive.
  rmSync(join(buildDir, 'CMakeCache.txt'), { force: true });
  rmSync(flagsFile, { force: true });
  run(['configure', '-d', root, '--out', out, ...flags]);
  writeFileSync(flagsFile, JSON.stringify(flags));
} else {
  log(`configuration in ${buildDir} is current (every recorded probe unchanged)`);
}
run(['build', '-d', root, '--out', out]);
