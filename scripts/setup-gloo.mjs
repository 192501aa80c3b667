#!/usr/bin/env node
// Gloo's headers for the addon's c10d Gloo backend (multi-process training on the CPU). The torch wheel carries the
// Gloo code but not these headers; Debian's libgloo-dev has them. No root is needed: the package is fetched with
// `apt-get download` (any user may) and unpacked with `dpkg-deb -x` into <project>/.deps/gloo/, where the CMake
// build looks (cmake/RarftBackends.cmake). Only the headers are used.
//
// Order (first that applies wins):
//   1. RARFT_WITHOUT_GLOO=1          -> nothing to do; the build leaves Gloo out (no multi-process training).
//   2. GLOO_INCLUDE_DIR=/dir         -> checked (it must hold gloo/config.h); the build uses it.
//   3. .deps/gloo already unpacked   -> nothing to do (--force to redo).
//   4. a system-wide libgloo-dev     -> nothing to do; the build finds /usr/include/gloo.
//   5. RARFT_GLOO_DEB=/path/x.deb    -> unpack that package (offline machines).
//   6. otherwise                     -> `apt-get download libgloo-dev`; when apt has no package lists (a fresh
//                                       container), the lists are fetched into a private folder first (no root).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { SetupError, attempt, have, lastLine, logger, runPart } from './lib/setup-log.mjs';

export const GLOO_PACKAGE = 'libgloo-dev';
const HEADER = join('gloo', 'config.h');
const SYSTEM_DIRS = ['/usr/include', '/usr/local/include'];

const otherFixes = (root) => [
  `on a machine that can reach Debian's archive: \`apt-get download ${GLOO_PACKAGE}\`, copy the .deb here, then RARFT_GLOO_DEB=/path/to/${GLOO_PACKAGE}_*.deb npm run setup`,
  `install it system-wide: sudo apt-get install ${GLOO_PACKAGE} (the build then finds /usr/include/gloo)`,
  `export GLOO_INCLUDE_DIR=/path/to/a/folder/holding/gloo (gloo/config.h inside), then npm run setup`,
  `build without multi-process training: RARFT_WITHOUT_GLOO=1 npm run setup && RARFT_WITHOUT_GLOO=1 npm run build`,
  `(the headers go to ${join(root, '.deps', 'gloo')})`,
];

/** Fetches the .deb into dir with apt-get download; returns its path. Tries the system's lists, then private ones. */
function downloadDeb(dir, log, root) {
  const tried = [];
  if (!have('apt-get', ['--version']))
    throw new SetupError(`cannot fetch ${GLOO_PACKAGE}: this machine has no apt-get (not Debian/Ubuntu)`, ['apt-get: not on PATH'], otherFixes(root));
  log(`downloading ${GLOO_PACKAGE}: apt-get download ${GLOO_PACKAGE} (in ${dir})`);
  let r = attempt('apt-get', ['download', GLOO_PACKAGE], { cwd: dir });
  tried.push(`apt-get download ${GLOO_PACKAGE} with the system's package lists: ${r.ok ? 'ok' : lastLine(r.output)}`);
  if (!r.ok) {
    // A fresh container has empty /var/lib/apt/lists and only root may fill it; apt can keep lists anywhere.
    const state = join(dir, 'apt-state');
    mkdirSync(join(state, 'lists', 'partial'), { recursive: true });
    mkdirSync(join(state, 'cache', 'archives', 'partial'), { recursive: true });
    const opts = ['-o', `Dir::State::Lists=${join(state, 'lists')}`, '-o', `Dir::Cache=${join(state, 'cache')}`, '-o', 'Debug::NoLocking=1'];
    log(`retrying with package lists fetched into ${state} (apt-get update as this user; nothing system-wide changes)`);
    const u = attempt('apt-get', [...opts, 'update'], { cwd: dir });
    tried.push(`apt-get update into ${join(state, 'lists')}: ${u.ok ? 'ok' : lastLine(u.output)}`);
    if (u.ok) {
      r = attempt('apt-get', [...opts, 'download', GLOO_PACKAGE], { cwd: dir });
      tried.push(`apt-get download ${GLOO_PACKAGE} with those lists: ${r.ok ? 'ok' : lastLine(r.output)}`);
    }
  }
  const deb = readdirSync(dir).find((f) => f.startsWith(`${GLOO_PACKAGE}_`) && f.endsWith('.deb'));
  if (!r.ok || !deb) throw new SetupError(`could not download ${GLOO_PACKAGE}`, tried, otherFixes(root));
  return join(dir, deb);
}

/** Unpacks the .deb's files into dest (atomically: a staging folder renamed at the end). */
function unpack(deb, dest, root) {
  if (!have('dpkg-deb', ['--version']))
    throw new SetupError(`cannot unpack ${deb}: dpkg-deb is not on PATH`, [], otherFixes(root));
  const staging = `${dest}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const x = attempt('dpkg-deb', ['-x', deb, staging]);
  if (!x.ok) throw new SetupError(`dpkg-deb -x ${deb} failed: ${lastLine(x.output)}`, [], otherFixes(root));
  if (!existsSync(join(staging, 'usr', 'include', HEADER)))
    throw new SetupError(`${deb} holds no usr/include/${HEADER}: is it ${GLOO_PACKAGE}?`, [], otherFixes(root));
  const version = attempt('dpkg-deb', ['-f', deb, 'Version']);
  writeFileSync(join(staging, 'rarft-source.txt'), `${GLOO_PACKAGE} ${version.ok ? version.output.trim() : '?'} (${basename(deb)})\n`);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dirname(dest), { recursive: true });
  renameSync(staging, dest);
}

/**
 * Makes the Gloo headers available to the build. Returns where they are (null when left out).
 * @param {{root: string, env?: NodeJS.ProcessEnv, force?: boolean, log?: (m: string) => void, systemDirs?: string[]}} o
 */
export function setupGloo({ root, env = process.env, force = false, log = logger('gloo'), systemDirs = SYSTEM_DIRS }) {
  const dest = join(root, '.deps', 'gloo');
  const local = join(dest, 'usr', 'include');
  if (env.RARFT_WITHOUT_GLOO === '1') {
    log('RARFT_WITHOUT_GLOO=1: nothing to fetch; the build leaves Gloo out (multi-process training unavailable)');
    return null;
  }
  if (env.GLOO_INCLUDE_DIR) {
    if (!existsSync(join(env.GLOO_INCLUDE_DIR, HEADER)))
      throw new SetupError(`GLOO_INCLUDE_DIR=${env.GLOO_INCLUDE_DIR} holds no ${HEADER}`, [`${join(env.GLOO_INCLUDE_DIR, HEADER)}: not there`], [
        'point GLOO_INCLUDE_DIR at the folder that holds gloo/ (for a system libgloo-dev: /usr/include)',
        'or unset GLOO_INCLUDE_DIR: setup then unpacks the headers into .deps/gloo/',
      ]);
    log(`GLOO_INCLUDE_DIR=${env.GLOO_INCLUDE_DIR} holds the Gloo headers: the build uses them`);
    return env.GLOO_INCLUDE_DIR;
  }
  if (!force && existsSync(join(local, HEADER))) {
    log(`Gloo headers already in ${local} (use --force to fetch again)`);
    return local;
  }
  if (!force && !env.RARFT_GLOO_DEB) {
    const sys = systemDirs.find((d) => existsSync(join(d, HEADER)));
    if (sys) {
      log(`system Gloo headers found in ${sys} (${GLOO_PACKAGE} installed): nothing to fetch`);
      return sys;
    }
  }
  if (env.RARFT_GLOO_DEB) {
    const deb = resolve(env.RARFT_GLOO_DEB);
    if (!existsSync(deb))
      throw new SetupError(`RARFT_GLOO_DEB=${env.RARFT_GLOO_DEB} does not exist`, [`${deb}: not there`], otherFixes(root));
    log(`unpacking ${deb} (RARFT_GLOO_DEB) -> ${dest}`);
    unpack(deb, dest, root);
  } else {
    const tmp = mkdtempSync(join(tmpdir(), 'rarft-gloo-'));
    try {
      const deb = downloadDeb(tmp, log, root);
      log(`unpacking ${deb} -> ${dest}`);
      unpack(deb, dest, root);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  log(`Gloo headers ready in ${local}`);
  return local;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  await runPart('gloo', () => setupGloo({ root, force: process.argv.includes('--force') }));
}
