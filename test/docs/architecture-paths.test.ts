/**
 * docs/ARCHITECTURE.md is the map a newcomer follows, so every path it names must exist: each `code span` that looks
 * like a repository path (starts with a top-level folder of the tree, or names a top-level file) is checked, and a
 * span with `*` must match at least one file. A bare file name (`trainer.ts`) is not allowed: the map names paths
 * in full so that this test can check them.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(root, 'docs', 'ARCHITECTURE.md'), 'utf8');
const TOP = ['lib', 'csrc', 'test', 'bench', 'bin', 'scripts', 'docs', 'configs', 'dataset', 'cmake', '.ci'];
const FILE_LIKE = /^[\w.-]+\.(ts|mjs|js|cpp|h|md|json|ya?ml|py|sh|txt|cmake)$/;

/** Code spans, with a path-looking token taken from each (`lib/x.ts` (`fn`) -> lib/x.ts; `a/b.ts:12` -> a/b.ts). */
function pathSpans(markdown: string): string[] {
  const spans = [...markdown.matchAll(/`([^`\n]+)`/g)].map((m) => (m[1] ?? '').trim());
  const out: string[] = [];
  for (const s of spans) {
    if (s.includes('<')) continue; // a pattern such as test/<area>/<thing>.test.ts, not a path
    const token = (s.split(/[\s(,:]/)[0] ?? '').replace(/\/$/, '');
    const top = token.split('/')[0] ?? '';
    if (TOP.includes(top) && token.includes('/')) out.push(token);
    else if (TOP.includes(token)) out.push(token);
    else if (FILE_LIKE.test(token) && existsSync(join(root, token))) out.push(token);
    else if (FILE_LIKE.test(token)) out.push(`(bare) ${token}`);
  }
  return [...new Set(out)];
}

function globExists(pattern: string): boolean {
  const dir = pattern.slice(0, pattern.lastIndexOf('/'));
  const re = new RegExp('^' + pattern.slice(pattern.lastIndexOf('/') + 1).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*') + '$');
  if (dir.includes('*')) throw new Error(`only the last part of a path may hold '*': ${pattern}`);
  return existsSync(join(root, dir)) && readdirSync(join(root, dir)).some((f) => re.test(f));
}

describe('docs/ARCHITECTURE.md', () => {
  const paths = pathSpans(doc);

  it('names paths (the check below has something to check)', () => {
    expect(paths.length).toBeGreaterThan(40);
  });

  it('names every file by its full path from the repository root', () => {
    expect(paths.filter((p) => p.startsWith('(bare)'))).toEqual([]);
  });

  it('names only paths that exist', () => {
    const missing = paths.filter((p) => !p.startsWith('(bare)') && !(p.includes('*') ? globExists(p) : existsSync(join(root, p))));
    expect(missing).toEqual([]);
  });

  it('lists every folder under lib/ and csrc/', () => {
    const folders = ['lib', 'csrc'].flatMap((top) =>
      readdirSync(join(root, top), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `${top}/${d.name}`),
    );
    expect(folders.filter((f) => !paths.includes(f))).toEqual([]);
  });
});
