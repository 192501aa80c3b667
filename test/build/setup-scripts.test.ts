/**
 * The setup parts that need no network here: Gloo headers from a local .deb (RARFT_GLOO_DEB; a package built on the
 * spot with dpkg-deb), the order of the Gloo sources, the ffmpeg/ffprobe check, and the errors' "tried / fixes" form.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { checkTool, setupFfmpeg } from '../../scripts/setup-ffmpeg.mjs';
import { setupGloo } from '../../scripts/setup-gloo.mjs';
import { SetupError } from '../../scripts/lib/setup-log.mjs';
import { NPM_FFMPEG, NPM_FFPROBE } from '../video/binaries.js';

const scratch = mkdtempSync(join(tmpdir(), 'rarft-setup-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A .deb named like Debian's libgloo-dev, holding `files` (path -> content) under its root. */
function fakeDeb(name: string, files: Record<string, string>): string {
  const tree = join(scratch, `${name}-tree`);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(tree, p, '..'), { recursive: true });
    writeFileSync(join(tree, p), text);
  }
  mkdirSync(join(tree, 'DEBIAN'), { recursive: true });
  writeFileSync(join(tree, 'DEBIAN', 'control'), 'Package: libgloo-dev\nVersion: 0.0~test-1\nArchitecture: amd64\nMaintainer: rarft tests <t@example.org>\nDescription: stand-in\n');
  const deb = join(scratch, `${name}.deb`);
  execFileSync('dpkg-deb', ['--build', '--root-owner-group', tree, deb], { stdio: 'ignore' });
  return deb;
}

const quiet = { log: () => {} };
const failure = (fn: () => unknown): SetupError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof SetupError) return e;
    throw e;
  }
  throw new Error('expected a SetupError');
};

describe('setup:gloo', () => {
  it('unpacks a local libgloo-dev .deb into .deps/gloo, and a second run does nothing', () => {
    const root = join(scratch, 'project');
    const deb = fakeDeb('gloo', { 'usr/include/gloo/config.h': '#define GLOO_VERSION_MAJOR 0\n' });
    const lines: string[] = [];
    const where = setupGloo({ root, env: { RARFT_GLOO_DEB: deb }, systemDirs: [], log: (m) => lines.push(m) });
    expect(where).toBe(join(root, '.deps', 'gloo', 'usr', 'include'));
    expect(readFileSync(join(where!, 'gloo', 'config.h'), 'utf8')).toContain('GLOO_VERSION_MAJOR');
    expect(readFileSync(join(root, '.deps', 'gloo', 'rarft-source.txt'), 'utf8')).toBe('libgloo-dev 0.0~test-1 (gloo.deb)\n');
    expect(lines.join('\n')).toMatch(/unpacking .*gloo\.deb \(RARFT_GLOO_DEB\) -> .*\.deps\/gloo\n.*Gloo headers ready in/);
    expect(existsSync(join(root, '.deps', 'gloo.partial'))).toBe(false);
    const again: string[] = [];
    expect(setupGloo({ root, env: {}, systemDirs: [], log: (m) => again.push(m) })).toBe(where);
    expect(again).toEqual([`Gloo headers already in ${where} (use --force to fetch again)`]);
  });

  it('a .deb without the headers, or a missing one, is refused with the other ways', () => {
    const root = join(scratch, 'p2');
    const wrong = fakeDeb('not-gloo', { 'usr/share/doc/x/README': 'x\n' });
    const e = failure(() => setupGloo({ root, env: { RARFT_GLOO_DEB: wrong }, systemDirs: [], ...quiet }));
    expect(e.message).toMatch(/not-gloo\.deb holds no usr\/include\/gloo\/config\.h: is it libgloo-dev\?/);
    expect(e.fixes.join('\n')).toMatch(/RARFT_WITHOUT_GLOO=1/);
    expect(existsSync(join(root, '.deps', 'gloo'))).toBe(false);
    const gone = failure(() => setupGloo({ root, env: { RARFT_GLOO_DEB: join(scratch, 'nope.deb') }, systemDirs: [], ...quiet }));
    expect(gone.format('gloo')).toMatch(/^\[rarft setup:gloo\] ERROR: RARFT_GLOO_DEB=.*nope\.deb does not exist\nTried, in order:\n {2}- .*nope\.deb: not there\nPossible solutions:\n {2}- /);
  });

  it('order: RARFT_WITHOUT_GLOO, GLOO_INCLUDE_DIR (checked), then a system libgloo-dev before fetching', () => {
    const root = join(scratch, 'p3');
    expect(setupGloo({ root, env: { RARFT_WITHOUT_GLOO: '1', GLOO_INCLUDE_DIR: '/nowhere' }, ...quiet })).toBeNull();
    const mine = join(scratch, 'mine');
    mkdirSync(join(mine, 'gloo'), { recursive: true });
    writeFileSync(join(mine, 'gloo', 'config.h'), '\n');
    expect(setupGloo({ root, env: { GLOO_INCLUDE_DIR: mine }, ...quiet })).toBe(mine);
    expect(failure(() => setupGloo({ root, env: { GLOO_INCLUDE_DIR: '/nowhere' }, ...quiet })).message).toBe('GLOO_INCLUDE_DIR=/nowhere holds no gloo/config.h');
    expect(setupGloo({ root, env: {}, systemDirs: ['/nonexistent', mine], ...quiet })).toBe(mine);
    expect(existsSync(join(root, '.deps'))).toBe(false); // nothing fetched
  });
});

describe('setup:ffmpeg', () => {
  const root = process.cwd();
  it('finds the npm-shipped ffmpeg and ffprobe and says which and where', () => {
    const lines: string[] = [];
    const [ffmpeg, ffprobe] = setupFfmpeg({ root, env: { PATH: '' }, log: (m) => lines.push(m) });
    expect(ffmpeg).toMatchObject({ path: NPM_FFMPEG, source: '@ffmpeg-installer/linux-x64', version: expect.stringMatching(/^ffmpeg version /) });
    expect(ffprobe).toMatchObject({ path: NPM_FFPROBE, source: '@ffprobe-installer/linux-x64', version: expect.stringMatching(/^ffprobe version /) });
    expect(lines[0]).toMatch(/^ffmpeg: .*@ffmpeg-installer\/linux-x64\/ffmpeg \(npm package @ffmpeg-installer\/linux-x64\): ffmpeg version /);
  });

  it('an explicit FFPROBE_PATH that does not work is an error, not replaced', () => {
    const tool = { name: 'ffprobe', env: 'FFPROBE_PATH', pkg: '@ffprobe-installer/linux-x64' };
    const e = failure(() => checkTool({ root, tool, env: { FFPROBE_PATH: '/etc/hostname' }, ...quiet }));
    expect(e.message).toMatch(/^FFPROBE_PATH=\/etc\/hostname is not a working ffprobe: `-version` failed/);
  });

  it('nothing anywhere: every place tried, and the fixes', () => {
    const tool = { name: 'ffprobe', env: 'FFPROBE_PATH', pkg: '@rarft-test/no-such-package' };
    const e = failure(() => checkTool({ root, tool, env: { PATH: join(scratch, 'empty-bin') }, ...quiet }));
    expect(e.tried).toEqual(['FFPROBE_PATH: not set', expect.stringMatching(/^@rarft-test\/no-such-package: not installed/), 'PATH: no `ffprobe` in any PATH directory']);
    expect(e.fixes.join('\n')).toMatch(/npm ci.*--omit=optional[\s\S]*FFPROBE_PATH[\s\S]*apt-get install ffmpeg/);
  });
});
