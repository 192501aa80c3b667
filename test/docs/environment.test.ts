/**
 * lib/env.ts is the one list of the environment variables rarft reads. This test holds the list, the docs and the
 * code together: docs/environment.md's table names exactly the listed variables (with the same readers), lib/ and
 * bin/ read RARFT_* only through lib/env.ts, and every RARFT_* variable the code reads directly (process.env.X,
 * env.X, env['X'], getenv("X"), $ENV{X}, a CMake opt-out) is listed, while every listed one is used somewhere.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

import { ENV_VARS } from '../../lib/env.js';

const root = join(import.meta.dirname, '..', '..');
const MODULE = 'lib/env.ts';
const THIS = 'test/docs/environment.test.ts';
const CODE = /\.(ts|mts|js|mjs|cjs|cpp|h|cmake|sh|py)$|^CMakeLists\.txt$/;

function files(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) return name === 'node_modules' || name === 'fixtures' || name.startsWith('.') ? [] : files(rel);
    return CODE.test(name) ? [rel] : [];
  });
}

const code = [...['lib', 'bin', 'scripts', 'test', 'bench', 'csrc', 'cmake'].flatMap(files), 'CMakeLists.txt', 'vitest.config.ts'].filter((f) => f !== MODULE && f !== THIS);
const text = new Map(code.map((f) => [f, readFileSync(join(root, f), 'utf8')]));

/** Rows of the table: `NAME` -> the "read by" cell. */
function docRows(): Map<string, string> {
  const doc = readFileSync(join(root, 'docs', 'environment.md'), 'utf8');
  return new Map([...doc.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \| ([^|]+) \|/gm)].map((m) => [m[1]!, m[2]!.trim()]));
}

describe('environment variables', () => {
  it('docs/environment.md lists exactly the variables of lib/env.ts, with the same readers', () => {
    const rows = docRows();
    expect([...rows.keys()].sort()).toEqual(Object.keys(ENV_VARS).sort());
    for (const [name, v] of Object.entries(ENV_VARS)) expect(rows.get(name), name).toBe(v.readBy.join(', '));
  });

  it('no file in lib/ or bin/ but lib/env.ts reads RARFT_* itself', () => {
    const direct = /\b(?:process\.)?env(?:\.|\[\s*['"`])RARFT_/;
    const readers = code.filter((f) => /^(lib|bin)\//.test(f) && direct.test(text.get(f)!));
    expect(readers).toEqual([]);
  });

  it('every RARFT_* variable the code reads directly is listed, and every listed one is used', () => {
    const reads = [
      /\b(?:process\.)?env(?:\.|\[\s*['"`])(RARFT_[A-Z0-9_]+)/g,
      /getenv\("(RARFT_[A-Z0-9_]+)"\)/g,
      /\$ENV\{(RARFT_[A-Z0-9_]+)\}/g,
      /_rarft_opt_out\((RARFT_[A-Z0-9_]+)/g,
    ];
    const unlisted = new Set<string>();
    for (const [f, t] of text) for (const re of reads) for (const m of t.matchAll(re)) if (!(m[1]! in ENV_VARS)) unlisted.add(`${m[1]} (${f})`);
    expect([...unlisted]).toEqual([]);
    const all = [...text.values()].join('\n');
    expect(Object.keys(ENV_VARS).filter((name) => !new RegExp(`\\b${name}\\b`).test(all))).toEqual([]);
  });

  it('the code list is not empty and each entry says what it does and its default', () => {
    expect(Object.keys(ENV_VARS).length).toBeGreaterThan(20);
    for (const [name, v] of Object.entries(ENV_VARS)) {
      expect(v.doc.length, name).toBeGreaterThan(10);
      expect(v.default.length, name).toBeGreaterThan(0);
      expect(v.readBy.length, name).toBeGreaterThan(0);
    }
  });
});
