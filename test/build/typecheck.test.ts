// The whole project type-checks, tests and benchmarks included: `npm run build:ts` compiles lib/ and bin/ only, and
// vitest strips types without checking them, so a type error in a test or a bench would otherwise go unnoticed.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('typecheck', () => {
  it('tsc -p tsconfig.json --noEmit reports no errors', () => {
    const tsc = new URL('../../node_modules/typescript/bin/tsc', import.meta.url).pathname;
    const root = new URL('../..', import.meta.url).pathname;
    const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--noEmit'], { cwd: root, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 180_000);
});
