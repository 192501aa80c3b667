#!/usr/bin/env node
// Builds the addon with cmake-js (the one native build). Used by binding.gyp for node-gyp users; `npm run
// build:native` calls cmake-js directly. `--out DIR` picks the CMake binary folder; the addon always lands in
// <package>/build/Release/rarft.node.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const outIdx = args.indexOf('--out');
const out = outIdx >= 0 ? args[outIdx + 1] : 'build';
const cmakeJs = join(root, 'node_modules', '.bin', 'cmake-js');
const r = spawnSync(
  cmakeJs,
  ['compile', '-d', root, '--out', out, '--CDCMAKE_BUILD_TYPE=Release', `--CDRARFT_OUTPUT_DIR=${join(root, 'build', 'Release')}`],
  { cwd: root, stdio: 'inherit' },
);
process.exit(r.status ?? 1);
