// @suite native: a child process loads the built addon (its imports cannot show it)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The loader runs in a child so the explicit RARFT_ADDON path is honoured from a fresh process.
function loadWith(addonPath: string): { code: number; err: string } {
  const script = `
    import { loadAddon } from ${JSON.stringify(join(process.cwd(), 'lib/native/load.ts'))};
    try { loadAddon(); console.log('loaded'); } catch (e) { console.error(e.name + ': ' + e.message); process.exit(3); }
  `;
  const viteNode = join(process.cwd(), 'node_modules', '.bin', 'vite-node');
  const file = join(mkdtempSync(join(tmpdir(), 'rarft-load-')), 'probe.mts');
  writeFileSync(file, script);
  const r = spawnSync(viteNode, [file], { env: { ...process.env, RARFT_ADDON: addonPath }, encoding: 'utf8' });
  return { code: r.status ?? -1, err: r.stderr };
}

describe('addon loader', () => {
  it('explains a missing addon with every fix', () => {
    const { code, err } = loadWith('/nonexistent/rarft.node');
    expect(code).toBe(3);
    expect(err).toMatch(/AddonLoadError: Could not load the rarft native addon/);
    expect(err).toMatch(/\/nonexistent\/rarft\.node: not there/);
    expect(err).toMatch(/npm run setup/);
    expect(err).toMatch(/LIBTORCH=\/path\/to\/libtorch npm run build:native/);
    expect(err).toMatch(/LIBTORCH_USE_PYTORCH=1/);
  });
  it('reports why an existing file failed to load', () => {
    const bogus = join(mkdtempSync(join(tmpdir(), 'rarft-bogus-')), 'rarft.node');
    writeFileSync(bogus, 'not an ELF file');
    const { code, err } = loadWith(bogus);
    expect(code).toBe(3);
    expect(err).toMatch(/rarft\.node: .*(invalid ELF header|file too short)/);
    expect(err).toMatch(/fix: rebuild with `npm run build:native`/);
  });
  it('loads the built addon', () => {
    const { code } = loadWith(join(process.cwd(), 'build', 'Release', 'rarft.node'));
    expect(code).toBe(0);
  });
});
