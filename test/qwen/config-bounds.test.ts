// Config sizes are bounded before anything is built from them (found by the fuzz suite, issue 16 point 7): a
// config.json with num_hidden_layers = 123456789012 passed the schema and the native loader then built an expected-
// tensor list without end (a hang growing without bound). The TS check names the file and field; the native
// loader, reached directly, refuses the same in a TorchError (run in a child: before the fix it never returned).
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { demoDomainTexts } from '../../lib/demo/synthetic-dataset.js';
import { writeTinyCheckpoint } from '../../lib/demo/tiny-checkpoint.js';
import { buildTinyVocab } from '../../lib/demo/tiny-tokenizer.js';
import { DataError } from '../../lib/errors.js';
import { loadQwenConfig } from '../../lib/qwen/config.js';
import { libPath, runChildScript } from '../util/child-script.js';

let dir: string;
beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'rarft-cfg-bounds-'));
  const model = await writeTinyCheckpoint(join(root, 'model'), buildTinyVocab(demoDomainTexts()), 7);
  dir = join(root, 'huge-layers');
  cpSync(model, dir, { recursive: true });
  const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...cfg, num_hidden_layers: 123456789012 }));
});

describe('model config sizes', () => {
  it('the schema refuses an absurd layer count, naming file and field', () => {
    expect(() => loadQwenConfig(dir)).toThrow(DataError);
    expect(() => loadQwenConfig(dir)).toThrow(new RegExp(`${dir}/config\\.json, field "num_hidden_layers"`));
  });

  it('the native loader refuses it too, at once', async () => {
    const script = `
      import { native } from ${libPath('tensor/native.ts')};
      const a = native();
      try { await a.qwenLoad(${JSON.stringify(dir)}, 6, 'cpu'); console.log('loaded'); } catch (e) { console.log(e.name + ': ' + e.message); }
    `;
    const r = await runChildScript(script, { timeoutMs: 60_000 });
    expect(r.timedOut).toBe(false);
    expect(r.stdout).toMatch(new RegExp(`TorchError: qwenLoad: ${dir}/config\\.json: num_hidden_layers = 123456789012 is outside \\[1, 1024\\]`));
  }, 90_000);
});
