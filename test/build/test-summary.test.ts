/**
 * scripts/lib/vitest-summary.mjs, the reporter behind `npm test`'s closing line: counts, and every skip with why.
 * A scratch vitest project (under test/.tmp/, which git ignores) with passing, failing, skipped and broken tests is
 * run through it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = process.cwd();
mkdirSync(join(repo, 'test', '.tmp'), { recursive: true });
const dir = mkdtempSync(join(repo, 'test', '.tmp', 'summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCRATCH_TESTS = `import { beforeAll, describe, expect, it } from 'vitest';
describe('outer', () => {
  it('passes', () => expect(1).toBe(1));
  it('fails', () => expect(1).toBe(2));
  describe('inner', () => {
    it('fails too', () => expect(1).toBe(2));
    it.skip('declared skipped', () => {});
  });
});
describe('broken', () => {
  beforeAll(() => { throw new Error('setup broke'); });
  it('never runs', () => {});
});
it('skips itself', (ctx) => ctx.skip('no frobnicator on this machine'));
`;

describe('the npm test summary reporter', () => {
  it('counts passes, failures (a broken suite once, its tests not as skips) and skips with their reasons', () => {
    writeFileSync(join(dir, 'a.test.ts'), SCRATCH_TESTS);
    writeFileSync(join(dir, 'b.test.ts'), "import { x } from './missing.js';\nx();\n");
    writeFileSync(join(dir, 'vitest.config.mjs'), "export default { test: { include: ['*.test.ts'] } };\n");
    const out = join(dir, 'summary.json');
    const r = spawnSync(join(repo, 'node_modules', '.bin', 'vitest'), ['run', '--reporter=default', `--reporter=${join(repo, 'scripts', 'lib', 'vitest-summary.mjs')}`], {
      cwd: dir,
      env: { ...process.env, RARFT_TEST_SUMMARY: out, RARFT_SUITE_SKIPS: JSON.stringify({ gpu: 'no CUDA here' }) },
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    const s = JSON.parse(readFileSync(out, 'utf8'));
    // 2 failed tests + the broken suite + the file that cannot be imported
    expect([s.passed, s.failed, s.unhandledErrors]).toEqual([1, 4, 0]);
    expect(s.skipped).toEqual([
      { project: '', file: 'a.test.ts', name: 'outer > inner > declared skipped', reason: expect.stringMatching(/^declared skipped .*see the test title$/) },
      { project: '', file: 'a.test.ts', name: 'skips itself', reason: 'no frobnicator on this machine' },
    ]);
    expect(s.fileErrors).toEqual([
      { project: '', file: 'a.test.ts', suite: 'broken', error: 'setup broke' },
      { project: '', file: 'b.test.ts', suite: '(file)', error: expect.stringMatching(/missing\.js/) },
    ]);
    expect(s.suiteSkips).toEqual({ gpu: 'no CUDA here' });
  });
});
