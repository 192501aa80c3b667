// Deeply nested JSON reaching the native parser (issue 16, point 1): a config.json with an extra key holding 50,000
// nested arrays (valid JSON that passes the TS-side schema), a safetensors header of the same shape, and such a
// model.safetensors.index.json each killed the process with SIGSEGV (unbounded recursion on a worker thread). Each
// case runs in a child process, so a crash fails this test instead of killing vitest; each must end in a TorchError
// naming the file. A syntax error in the index names the file too.
import { cpSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { writeTinyCheckpoint } from '../../lib/demo/tiny-checkpoint.js';
import { buildTinyVocab } from '../../lib/demo/tiny-tokenizer.js';
import { demoDomainTexts } from '../../lib/demo/synthetic-dataset.js';
import { libPath, runChildScript } from '../util/child-script.js';

const DEPTH = 50_000;
const nested = () => `${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}`;
let model: string;
const root = mkdtempSync(join(tmpdir(), 'rarft-nested-'));

beforeAll(async () => {
  model = await writeTinyCheckpoint(join(root, 'model'), buildTinyVocab(demoDomainTexts()), 7);
});

/** A copy of the tiny checkpoint, sharded: one shard plus model.safetensors.index.json with `indexText`. */
function shardedCopy(name: string, indexText: string): string {
  const dir = join(root, name);
  cpSync(model, dir, { recursive: true });
  renameSync(join(dir, 'model.safetensors'), join(dir, 'model-00001-of-00001.safetensors'));
  writeFileSync(join(dir, 'model.safetensors.index.json'), indexText);
  return dir;
}

/** Runs `calls` (name -> async expression) in one child; each prints its outcome as one JSON line. */
async function outcomes(calls: Record<string, string>): Promise<{ results: Record<string, { name: string; message: string }>; child: { code: number | null; signal: string | null; stderr: string } }> {
  const body = Object.entries(calls)
    .map(([name, expr]) => `try { await (${expr}); out(${JSON.stringify(name)}, 'ok', ''); } catch (e) { out(${JSON.stringify(name)}, e.name, e.message); }`)
    .join('\n');
  const script = `
    import { QwenVL } from ${libPath('qwen/qwen.ts')};
    import { readSafetensorsHeader } from ${libPath('io/safetensors.ts')};
    const out = (c: string, name: string, message: string) => console.log(JSON.stringify({ c, name, message: message.slice(0, 400) }));
    ${body}
  `;
  const r = await runChildScript(script, { timeoutMs: 90_000 });
  const results: Record<string, { name: string; message: string }> = {};
  for (const line of r.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const { c, name, message } = JSON.parse(line) as { c: string; name: string; message: string };
    results[c] = { name, message };
  }
  return { results, child: { code: r.code, signal: r.signal, stderr: r.stderr.slice(-2000) } };
}

describe('native JSON parsing of untrusted files', () => {
  it('nested config.json, safetensors header and index.json end in a TorchError naming the file; the process survives', async () => {
    const cfgDir = join(root, 'deep-config');
    cpSync(model, cfgDir, { recursive: true });
    const cfg = JSON.parse(readFileSync(join(cfgDir, 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(cfgDir, 'config.json'), JSON.stringify(cfg).replace(/}$/, `,"extra_key":${nested()}}`));

    const header = Buffer.from(`{"__metadata__":{"x":${JSON.stringify('y')}},"extra":${nested()}}`);
    const st = join(root, 'deep-header.safetensors');
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    writeFileSync(st, Buffer.concat([len, header]));

    const weightMap = JSON.stringify({ 'lm_head.weight': 'model-00001-of-00001.safetensors' });
    const deepIndex = shardedCopy('deep-index', `{"metadata":${nested()},"weight_map":${weightMap}}`);
    const brokenIndex = shardedCopy('broken-index', '{"weight_map": {"lm_head.weight": }');
    const escapingIndex = shardedCopy('escaping-index', `{"weight_map":{"lm_head.weight":"../../etc/passwd"}}`);
    const goodIndex = shardedCopy('good-index', `{"weight_map":${weightMap}}`);

    const { results, child } = await outcomes({
      config: `QwenVL.load(${JSON.stringify(cfgDir)})`,
      header: `Promise.resolve().then(() => readSafetensorsHeader(${JSON.stringify(st)}))`,
      index: `QwenVL.load(${JSON.stringify(deepIndex)})`,
      broken: `QwenVL.load(${JSON.stringify(brokenIndex)})`,
      escaping: `QwenVL.load(${JSON.stringify(escapingIndex)})`,
      good: `QwenVL.load(${JSON.stringify(goodIndex)}).then((m) => m.dispose())`,
    });
    expect(child, 'the child process must exit normally').toMatchObject({ code: 0, signal: null });
    expect(results.config).toEqual({ name: 'TorchError', message: expect.stringMatching(new RegExp(`${cfgDir}/config\\.json: JSON parse error at byte \\d+: nesting deeper than 256 levels`)) });
    expect(results.header).toEqual({ name: 'TorchError', message: expect.stringMatching(new RegExp(`${st}: bad header: JSON parse error at byte \\d+: nesting deeper than 256 levels`)) });
    expect(results.index).toEqual({ name: 'TorchError', message: expect.stringMatching(new RegExp(`${deepIndex}/model\\.safetensors\\.index\\.json: JSON parse error at byte \\d+: nesting deeper than 256 levels`)) });
    expect(results.broken).toEqual({ name: 'TorchError', message: expect.stringMatching(new RegExp(`${brokenIndex}/model\\.safetensors\\.index\\.json: JSON parse error at byte 34: invalid value`)) });
    expect(results.escaping).toEqual({ name: 'TorchError', message: expect.stringMatching(/model\.safetensors\.index\.json: weight_map\['lm_head\.weight'\] = '\.\.\/\.\.\/etc\/passwd' is not a file name beside the index/) });
    expect(results.good).toEqual({ name: 'ok', message: '' });
  }, 120_000);

  it('nesting up to the limit still parses', async () => {
    const st = join(root, 'ok-depth.safetensors');
    // 250 levels inside the metadata, 252 in all: under the limit of 256
    const header = Buffer.from(`{"__metadata__":{"x":${'['.repeat(250)}${']'.repeat(250)}},"t":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`);
    const len = Buffer.alloc(8);
    len.writeBigUInt64LE(BigInt(header.length));
    writeFileSync(st, Buffer.concat([len, header, Buffer.alloc(4)]));
    const { results, child } = await outcomes({ header: `Promise.resolve().then(() => { const h = readSafetensorsHeader(${JSON.stringify(st)}); if (h.tensors.t!.shape[0] !== 1 || !h.metadata.x!.startsWith('[[[')) throw new Error('wrong'); })` });
    expect(child).toMatchObject({ code: 0, signal: null });
    expect(results.header).toEqual({ name: 'ok', message: '' });
  });
});
