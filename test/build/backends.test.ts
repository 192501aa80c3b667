// @suite native: configures CMake against the libtorch `npm run setup` brings
/**
 * The build never drops a distributed backend silently (cmake/RarftBackends.cmake): without Gloo headers the
 * configure fails listing what was tried and the fixes, unless RARFT_WITHOUT_GLOO=1 says so. And a configuration
 * goes stale when what it found changes (cmake/RarftDiscovery.cmake records the probes, scripts/lib/discovery.mjs
 * re-evaluates them before each `npm run build`).
 */
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { DISCOVERY_FILE, staleReasons } from '../../scripts/lib/discovery.mjs';
import { repo, scratchProject } from './scratch-cmake.js';

const scratch = scratchProject();
afterAll(() => scratch.remove());
const LIBTORCH = join(repo, '.libtorch');

/** A folder that looks like Gloo's headers to the discovery (it only checks gloo/config.h). */
function fakeGloo(dir: string): string {
  mkdirSync(join(dir, 'gloo'), { recursive: true });
  writeFileSync(join(dir, 'gloo', 'config.h'), '// stand-in: the discovery only checks that this file exists\n');
  return dir;
}

describe('Gloo is required unless left out on purpose', () => {
  it('no Gloo headers anywhere: the configure fails, listing every place tried and every fix', () => {
    const { code, out } = scratch.configure({ LIBTORCH });
    expect(code).not.toBe(0);
    expect(out).toMatch(/rarft: the Gloo headers were not found/);
    expect(out).toMatch(/multi-process training \(--nproc-per-node, torchrun, ZeRO-3\) would fail at run time/);
    expect(out).toMatch(/GLOO_INCLUDE_DIR: not set/);
    expect(out).toMatch(/\.deps\/gloo\/usr\/include\/gloo\/config\.h \(made by `npm run setup`\): not there/);
    expect(out).toMatch(/no-system-headers\/gloo\/config\.h \(system libgloo-dev\): not there/);
    expect(out).toMatch(/Run `npm run setup`/);
    expect(out).toMatch(/apt-get install libgloo-dev/);
    expect(out).toMatch(/RARFT_WITHOUT_GLOO=1 npm run build/);
    expect(out).not.toMatch(/gloo=OFF/); // it never gets as far as a configuration without Gloo
  });

  it('RARFT_WITHOUT_GLOO=1 (environment or -D) configures without Gloo and says so', () => {
    for (const [env, extra] of [[{ RARFT_WITHOUT_GLOO: '1' }, []], [{}, ['-DRARFT_WITHOUT_GLOO=ON']]] as const) {
      const { code, out } = scratch.configure({ LIBTORCH, ...env }, [...extra]);
      expect(code, out).toBe(0);
      expect(out).toMatch(/Gloo left out \(RARFT_WITHOUT_GLOO=1\)/);
      expect(out).toMatch(/rarft: gloo=OFF cuda=OFF nccl=OFF/);
    }
  });

  it('the headers `npm run setup` unpacks into .deps/gloo are found', () => {
    const local = fakeGloo(join(scratch.src, '.deps', 'gloo', 'usr', 'include'));
    try {
      const { code, out } = scratch.configure({ LIBTORCH });
      expect(code, out).toBe(0);
      expect(out).toMatch(/rarft: gloo=ON/);
      expect(out).toContain(`rarft: Gloo headers from ${local}`);
    } finally {
      rmSync(join(scratch.src, '.deps'), { recursive: true, force: true });
    }
  });

  it('GLOO_INCLUDE_DIR wins, and one without gloo/config.h is an error naming it', () => {
    const mine = fakeGloo(join(scratch.dir, 'my-gloo'));
    const ok = scratch.configure({ LIBTORCH, GLOO_INCLUDE_DIR: mine });
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toContain(`rarft: Gloo headers from ${mine}`);
    const bad = scratch.configure({ LIBTORCH, GLOO_INCLUDE_DIR: join(scratch.dir, 'nowhere') });
    expect(bad.code).not.toBe(0);
    expect(bad.out).toMatch(/GLOO_INCLUDE_DIR is set to '.*nowhere', but .*nowhere\/gloo\/config\.h does not exist/);
  });
});

describe('a cached configuration goes stale when what it found changes', () => {
  it('headers that appear or go, a changed LIBTORCH or opt-out, a replaced libtorch version file', () => {
    // a libtorch of our own whose version file can change (the repo's, linked)
    const torch = join(scratch.dir, 'torch');
    mkdirSync(torch);
    for (const sub of ['share', 'include', 'lib']) symlinkSync(join(LIBTORCH, sub), join(torch, sub));
    writeFileSync(join(torch, 'build-version'), readFileSync(join(LIBTORCH, 'build-version')));
    // configured with Gloo left out: the probes record what the configure looked at
    const env = { LIBTORCH: torch, RARFT_WITHOUT_GLOO: '1' };
    const { code, out, build } = scratch.configure(env);
    expect(code, out).toBe(0);
    const probes = readFileSync(join(build, DISCOVERY_FILE), 'utf8');
    expect(probes).toContain(`env\tLIBTORCH\t${torch}`);
    expect(probes).toMatch(/^sha256\t.*\/torch\/build-version\t[0-9a-f]{64}$/m);
    expect(staleReasons(build, env)).toEqual([]);
    expect(staleReasons(build, { ...env, RARFT_WITHOUT_GLOO: undefined })).toEqual(["RARFT_WITHOUT_GLOO changed ('1' -> '')"]);
    expect(staleReasons(build, { ...env, LIBTORCH: '/elsewhere' })).toEqual([`LIBTORCH changed ('${torch}' -> '/elsewhere')`]);
    writeFileSync(join(torch, 'build-version'), '2.13.1+cpu\n'); // replaced in place (another setup, a pip upgrade)
    expect(staleReasons(build, env)).toEqual([`${join(torch, 'build-version')} changed`]);

    // configured without the opt-out, with the headers in .deps/gloo: their removal is noticed, and so is a system
    // copy appearing earlier in the order
    const headers = fakeGloo(join(scratch.src, '.deps', 'gloo', 'usr', 'include'));
    const withGloo = scratch.configure({ LIBTORCH });
    expect(withGloo.code, withGloo.out).toBe(0);
    expect(staleReasons(withGloo.build, { LIBTORCH })).toEqual([]);
    rmSync(join(scratch.src, '.deps'), { recursive: true, force: true });
    expect(staleReasons(withGloo.build, { LIBTORCH })).toEqual([`${join(headers, 'gloo', 'config.h')} is gone`]);

    // a build folder with no record (a configure that failed, or an older build) is stale
    rmSync(join(build, DISCOVERY_FILE));
    expect(staleReasons(build, env)[0]).toMatch(/^no rarft-discovery\.txt/);
    expect(staleReasons(join(scratch.dir, 'never-configured'), env)).toEqual(['not configured yet']);
  });

  it('a failed configure leaves no record, so the next build configures again', () => {
    const failed = scratch.configure({ LIBTORCH }); // no Gloo: fails
    expect(failed.code).not.toBe(0);
    expect(staleReasons(failed.build, { LIBTORCH })[0]).toMatch(/^no rarft-discovery\.txt/);
  });
});
