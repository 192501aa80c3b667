/**
 * docs/ARCHITECTURE.md's layer table is a rule: a file in lib/ imports (at run time) only from its own folder or
 * from a lower layer. This test reads the table from the page and checks every relative import in lib/, so the map
 * and the code cannot drift apart. `import type` / `export type` are exempt (erased at compile time).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const lib = join(root, 'lib');

/** `lib/x` (or `lib/errors.ts`) -> its layer number, from the table under "## The layers". */
function layerTable(): Map<string, number> {
  const doc = readFileSync(join(root, 'docs', 'ARCHITECTURE.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## The layers'), doc.indexOf('\n## ', doc.indexOf('## The layers') + 1));
  const layers = new Map<string, number>();
  for (const m of section.matchAll(/^\| (\d+) \| (.+) \|$/gm)) {
    for (const f of (m[2] ?? '').matchAll(/`(lib\/[\w.-]+)`/g)) layers.set(f[1] ?? '', Number(m[1]));
  }
  return layers;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? tsFiles(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

/** The layer unit of a path under lib/: `lib/<folder>` or the top-level file itself. */
function unitOf(abs: string): string {
  const parts = relative(root, abs).split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts.join('/').replace(/\.js$/, '.ts');
}

/** Run-time relative imports of a file: `import ... from`, `export ... from`, `import('...')`; type-only ones skipped. */
function runtimeImports(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?from\s+'(\.[^']+)'/gm)) if (!m[2]) out.push(m[3] ?? '');
  for (const m of text.matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g)) out.push(m[1] ?? '');
  return out;
}

describe('docs/ARCHITECTURE.md layers', () => {
  const layers = layerTable();

  it('places every folder and top-level file of lib/ (except the public index) on a layer', () => {
    const units = readdirSync(lib, { withFileTypes: true })
      .map((d) => `lib/${d.name}`)
      .filter((u) => u !== 'lib/index.ts');
    expect(units.filter((u) => !layers.has(u))).toEqual([]);
  });

  it('no file in lib/ imports from a higher layer or a sibling folder of its own layer', () => {
    const wrong: string[] = [];
    for (const file of tsFiles(lib)) {
      const from = unitOf(file);
      if (from === 'lib/index.ts') continue;
      for (const spec of runtimeImports(readFileSync(file, 'utf8'))) {
        const to = unitOf(normalize(join(dirname(file), spec)));
        if (to === from) continue;
        const a = layers.get(from);
        const b = layers.get(to);
        if (a === undefined || b === undefined || b >= a) wrong.push(`${relative(root, file)} (layer ${a}) imports ${spec} (${to}, layer ${b})`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
