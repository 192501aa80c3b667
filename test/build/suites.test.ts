/**
 * test/suites.ts: which project a test file belongs to, and which projects cannot run on a given addon (with the one
 * reason printed for each). Files are classified in a scratch tree shaped like the repo.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { classifyTests, unavailableSuites } from '../suites.js';

const root = mkdtempSync(join(tmpdir(), 'rarft-suites-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
// (the call below is split so that this file's own text does not read as creating a process group)
// The scratch test files sit two folders down (test/a/b/) so the imports written in this file's strings do not
// resolve from test/build/ into the real lib/ when this file itself is classified.
const GROUP_CALL = 'await initProcessGroup' + '({});';
const put = (rel: string, text: string) => {
  mkdirSync(dirname(join(root, rel)), { recursive: true });
  writeFileSync(join(root, rel), text);
};

describe('classifyTests', () => {
  it('gpu folder, @suite tag, process groups or launches, imports reaching lib/native, else unit', () => {
    put('lib/native/load.ts', 'export const loadAddon = () => 1;\n');
    put('lib/tensor/index.ts', "export { loadAddon } from '../native/load.js';\n");
    put('lib/metrics/iou.ts', 'export const iou = () => 0;\n');
    put('lib/types-only.ts', "import type { x } from './native/load.js';\nexport type Y = number;\n");
    put('test/gpu/b/cuda.test.ts', "import { tensor } from '../../../lib/tensor/index.js';\n");
    put('test/a/b/tagged.test.ts', '// @suite native: a child process loads the addon\nimport { spawnSync } from "node:child_process";\n');
    put('test/a/b/mention.test.ts', "const doc = 'a @suite native tag in a string is no tag';\n");
    put('test/a/b/group.test.ts', `import { initProcessGroup } from '../../../lib/distributed/index.js';\n${GROUP_CALL}\n`);
    put('test/a/b/tensor.test.ts', "import { helper } from './helper.js';\n");
    put('test/a/b/helper.ts', "export * from '../../../lib/tensor/index.js';\nexport const helper = 1;\n");
    put('test/a/b/dynamic.test.ts', "const m = await import('../../../lib/tensor/index.js');\n");
    put('test/a/b/pure.test.ts', "import { iou } from '../../../lib/metrics/iou.js';\nimport type { Y } from '../../../lib/types-only.js';\n");
    put('test/fixtures/ignored.test.ts', "import '../../../lib/native/load.js';\n");
    expect(classifyTests(root)).toEqual({
      unit: ['test/a/b/mention.test.ts', 'test/a/b/pure.test.ts'],
      native: ['test/a/b/dynamic.test.ts', 'test/a/b/tagged.test.ts', 'test/a/b/tensor.test.ts'],
      multiprocess: ['test/a/b/group.test.ts'],
      gpu: ['test/gpu/b/cuda.test.ts'],
    });
  });

  it('classifies every test file of this repo, and puts none that reaches the addon in unit', () => {
    const repo = classifyTests(process.cwd());
    const all = Object.values(repo).flat();
    expect(new Set(all).size).toBe(all.length);
    expect(repo.unit).toContain('test/data/csv.test.ts');
    expect(repo.native).toEqual(expect.arrayContaining(['test/tensor/ops-math.test.ts', 'test/native/load.test.ts', 'test/build/backends.test.ts']));
    expect(repo.multiprocess).toEqual(expect.arrayContaining(['test/distributed/collectives.test.ts', 'test/qwen/sharded.test.ts']));
    expect(repo.unit).not.toContain('test/rewards/explain-correction-sbert.test.ts');
  });
});

describe('unavailableSuites', () => {
  const cpu = { loaded: true, libtorch: '2.13.0+cpu', gloo: true, cudaBuild: false, cudaAvailable: false };
  it('a CPU build with Gloo: only gpu is skipped, with why', () => {
    expect(unavailableSuites(cpu)).toEqual({ gpu: expect.stringMatching(/^the addon was built against a CPU-only libtorch \(2\.13\.0\+cpu\)/) });
  });
  it('a build made with RARFT_WITHOUT_GLOO=1: multiprocess is skipped too', () => {
    expect(unavailableSuites({ ...cpu, gloo: false }).multiprocess).toMatch(/built without Gloo \(RARFT_WITHOUT_GLOO=1\)/);
  });
  it('CUDA built and present: nothing skipped; built but no device: gpu skipped', () => {
    expect(unavailableSuites({ ...cpu, libtorch: '2.13.0+cu128', cudaBuild: true, cudaAvailable: true })).toEqual({});
    expect(unavailableSuites({ ...cpu, cudaBuild: true, cudaAvailable: false }).gpu).toMatch(/CUDA finds no usable device/);
  });
  it('no addon: gpu is skipped, multiprocess is not (its tests then fail naming the fix, as native ones do)', () => {
    const u = unavailableSuites({ loaded: false, error: '/x/rarft.node: not there' });
    expect(u.gpu).toMatch(/could not be loaded \(\/x\/rarft\.node: not there\)/);
    expect(u.multiprocess).toBeUndefined();
  });
});
