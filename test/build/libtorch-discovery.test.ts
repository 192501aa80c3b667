// @suite native: configures CMake against the libtorch `npm run setup` brings (and takes ~10 s a configure)
/**
 * The CMake discovery of libtorch (cmake/FindRarftLibtorch.cmake), configured in a scratch copy with no sources so
 * only the discovery runs: each route is taken in order, and failures say what was tried and how to fix it.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { repo, scratchProject } from './scratch-cmake.js';

const scratch = scratchProject();
afterAll(() => scratch.remove());
// Gloo is not what these tests are about (test/build/backends.test.ts is): left out where a configure must succeed.
const configure = (env: Record<string, string>) => scratch.configure({ RARFT_WITHOUT_GLOO: '1', ...env });

describe('libtorch discovery', () => {
  it('with nothing available, fails listing what was tried and every fix', () => {
    const { code, out } = configure({});
    expect(code).not.toBe(0);
    expect(out).toMatch(/could not find libtorch/);
    expect(out).toMatch(/\.libtorch \(made by `npm run setup`\): not there/);
    expect(out).toMatch(/Run `npm run setup`/);
    expect(out).toMatch(/export LIBTORCH=/);
    expect(out).toMatch(/LIBTORCH_USE_PYTORCH=1/);
  });

  it('a LIBTORCH folder without libtorch is named in the error', () => {
    const { code, out } = configure({ LIBTORCH: join(scratch.dir, 'nothing-here') });
    expect(code).not.toBe(0);
    expect(out).toMatch(/LIBTORCH is set to/);
    expect(out).toMatch(/nothing-here/);
    expect(out).toMatch(/holds no\s+libtorch/);
  });

  it('LIBTORCH pointing at a libtorch folder is used and its version reported', () => {
    const { code, out } = configure({ LIBTORCH: join(repo, '.libtorch') });
    expect(code).toBe(0);
    expect(out).toMatch(/rarft: libtorch 2\.\d+\.\d+\S* from LIBTORCH: /);
  });

  it('a too-old version is refused unless the check is bypassed', () => {
    const fake = join(scratch.dir, 'old');
    mkdirSync(fake);
    for (const sub of ['share', 'include', 'lib']) symlinkSync(join(repo, '.libtorch', sub), join(fake, sub));
    writeFileSync(join(fake, 'build-version'), '1.13.1+cpu\n');
    const refused = configure({ LIBTORCH: fake });
    expect(refused.code).not.toBe(0);
    expect(refused.out).toMatch(/libtorch 1\.13\.1\+cpu at/);
    expect(refused.out).toMatch(/older\s+than\s+2\.4/);
    expect(refused.out).toMatch(/LIBTORCH_BYPASS_VERSION_CHECK=1/);
    expect(refused.out).not.toMatch(/No SOURCES/);
    const bypassed = configure({ LIBTORCH: fake, LIBTORCH_BYPASS_VERSION_CHECK: '1' });
    expect(bypassed.code).toBe(0);
    expect(bypassed.out).not.toMatch(/older\s+than/);
  });
});
