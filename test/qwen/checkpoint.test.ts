// Checkpoint IO: save -> load gives identical logits; HF >= 4.52 in-memory names (model.language_model.*,
// model.visual.*) and sharded folders load identically; missing / mis-shaped / unexpected tensors fail naming the
// tensor and the expected and found shapes; config problems name the file and field.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadSafetensors, readSafetensorsHeader, saveSafetensors } from '../../lib/io/safetensors.js';
import { QwenVL } from '../../lib/qwen/qwen.js';
import { type Tensor, zeros } from '../../lib/tensor/index.js';
import { TINY, batchInputs, floats, useTinyQwen } from './helpers.js';

const tiny = useTinyQwen();
let base: Float32Array;
const tmp = mkdtempSync(join(tmpdir(), 'qwen-ckpt-'));
// runs after useTinyQwen's beforeAll (hooks run in the order they are registered)
beforeAll(async () => {
  base = floats(await tiny.model.forward(batchInputs(tiny.refs)));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function variant(name: string, edit: (t: Map<string, Tensor>) => Map<string, Tensor>): Promise<string> {
  const dir = join(tmp, name);
  const { tensors } = await loadSafetensors(join(TINY, 'model.safetensors'));
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(TINY, 'config.json'), join(dir, 'config.json'));
  await saveSafetensors(join(dir, 'model.safetensors'), edit(tensors));
  return dir;
}

async function logitsOf(dir: string): Promise<Float32Array> {
  const m = await QwenVL.load(dir);
  try {
    return floats(await m.forward(batchInputs(tiny.refs)));
  } finally {
    m.dispose();
  }
}

function expectSame(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length);
  let same = true;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) same = false;
  expect(same).toBe(true);
}

describe('Qwen checkpoints', () => {
  it('has the 57 legacy tensors of the tiny config and counts parameters', () => {
    const names = tiny.model.parameterNames();
    expect(names.length).toBe(57);
    expect(names[0]).toBe('visual.patch_embed.proj.weight');
    expect(names).toContain('lm_head.weight');
    const header = readSafetensorsHeader(join(TINY, 'model.safetensors'));
    expect(new Set(names)).toEqual(new Set(Object.keys(header.tensors)));
    const total = Object.values(header.tensors).reduce((s, t) => s + t.shape.reduce((p, x) => p * x, 1), 0);
    expect(tiny.model.parameterCount).toBe(total);
  });

  it('save -> load gives identical logits, and the saved file has the legacy names and shapes', async () => {
    const dir = join(tmp, 'saved');
    await tiny.model.save(dir);
    expectSame(await logitsOf(dir), base);
    const a = readSafetensorsHeader(join(TINY, 'model.safetensors')).tensors;
    const b = readSafetensorsHeader(join(dir, 'model.safetensors')).tensors;
    expect(b).toEqual(a);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(readFileSync(join(TINY, 'config.json'), 'utf8'));
  });

  it('loads model.language_model.* / model.visual.* names identically', async () => {
    const dir = await variant('renamed', (t) => {
      const out = new Map<string, Tensor>();
      for (const [n, x] of t) {
        const m = n.startsWith('visual.') ? `model.${n}` : n.startsWith('model.') ? `model.language_model.${n.slice(6)}` : n;
        out.set(m, x);
      }
      return out;
    });
    expect(Object.keys(readSafetensorsHeader(join(dir, 'model.safetensors')).tensors)).toContain('model.language_model.norm.weight');
    expectSame(await logitsOf(dir), base);
  });

  it('loads a sharded folder through model.safetensors.index.json', async () => {
    const dir = join(tmp, 'sharded');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(TINY, 'config.json'), join(dir, 'config.json'));
    const { tensors } = await loadSafetensors(join(TINY, 'model.safetensors'));
    const a = new Map<string, Tensor>(), b = new Map<string, Tensor>(), map: Record<string, string> = {};
    for (const [n, x] of tensors) {
      const shard = n.startsWith('visual.') ? 'model-00001-of-00002.safetensors' : 'model-00002-of-00002.safetensors';
      (shard.includes('00001') ? a : b).set(n, x);
      map[n] = shard;
    }
    await saveSafetensors(join(dir, 'model-00001-of-00002.safetensors'), a);
    await saveSafetensors(join(dir, 'model-00002-of-00002.safetensors'), b);
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: map }));
    expectSame(await logitsOf(dir), base);
  });

  it('a missing tensor is named with its expected shape', async () => {
    const dir = await variant('missing', (t) => {
      t.delete('model.layers.1.self_attn.k_proj.bias');
      return t;
    });
    await expect(QwenVL.load(dir)).rejects.toThrow(/missing tensor 'model\.layers\.1\.self_attn\.k_proj\.bias' \(expected shape \[32\]\)/);
  });

  it('a wrong shape is named with expected and found shapes', async () => {
    const dir = await variant('badshape', (t) => {
      t.set('visual.merger.mlp.2.weight', zeros([64, 64]));
      return t;
    });
    await expect(QwenVL.load(dir)).rejects.toThrow(/'visual\.merger\.mlp\.2\.weight'.*expected shape \[64, 128\], found \[64, 64\]/);
  });

  it('an unexpected tensor is refused (a config/checkpoint mismatch must not load silently)', async () => {
    const dir = await variant('extra', (t) => {
      t.set('model.layers.2.input_layernorm.weight', zeros([64]));
      return t;
    });
    await expect(QwenVL.load(dir)).rejects.toThrow(/unexpected tensor 'model\.layers\.2\.input_layernorm\.weight'/);
  });

  it('reads the original flat config layout (text fields at top level, rope_scaling) identically', async () => {
    const dir = join(tmp, 'flat');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    copyFileSync(join(TINY, 'model.safetensors'), join(dir, 'model.safetensors'));
    const cfg = JSON.parse(readFileSync(join(TINY, 'config.json'), 'utf8'));
    const text = cfg.text_config;
    delete cfg.text_config;
    const { rope_theta, mrope_section } = text.rope_parameters;
    delete text.rope_parameters;
    delete text.layer_types;
    // as in Qwen/Qwen2.5-VL-7B-Instruct's config.json
    Object.assign(cfg, text, { rope_theta, rope_scaling: { type: 'mrope', mrope_section } });
    writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg));
    expectSame(await logitsOf(dir), base);
  });

  it('tied embeddings (3B layout): lm_head absent -> embed_tokens is the head; a stored copy is accepted', async () => {
    const make = async (name: string, keepHead: boolean): Promise<string> => {
      const dir = await variant(name, (t) => {
        if (!keepHead) t.delete('lm_head.weight');
        else t.set('lm_head.weight', t.get('model.embed_tokens.weight')!);
        return t;
      });
      const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
      cfg.tie_word_embeddings = true;
      writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg));
      return dir;
    };
    const tiedDir = await make('tied', false);
    const m = await QwenVL.load(tiedDir);
    try {
      expect(m.parameterNames()).not.toContain('lm_head.weight');
      expect(m.parameterNames().length).toBe(56);
      const inputs = batchInputs(tiny.refs);
      const logits = floats(await m.forward(inputs));
      const h = await m.hidden(inputs);
      const emb = m.parameters()[m.parameterNames().indexOf('model.embed_tokens.weight')]!;
      const expected = floats(h.matmul(emb.transpose(0, 1)));
      let d = 0;
      for (let i = 0; i < logits.length; i++) d = Math.max(d, Math.abs(logits[i]! - expected[i]!));
      expect(d).toBeLessThan(1e-5);
      // and it differs from the untied model's logits (the head really changed)
      let diff = 0;
      for (let i = 0; i < logits.length; i++) diff = Math.max(diff, Math.abs(logits[i]! - base[i]!));
      expect(diff).toBeGreaterThan(1e-2);
      expectSame(await logitsOf(await make('tied-copy', true)), logits);
    } finally {
      m.dispose();
    }
  });

  it('config errors name the file and field', async () => {
    const dir = join(tmp, 'badcfg');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    const cfg = JSON.parse(readFileSync(join(TINY, 'config.json'), 'utf8'));
    delete cfg.vision_config.tokens_per_second;
    writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg));
    await expect(QwenVL.load(dir)).rejects.toThrow(/config\.json, field "vision_config\.tokens_per_second"/);
    cfg.vision_config.tokens_per_second = 2;
    cfg.text_config.rope_parameters.mrope_section = [2, 2, 2];
    writeFileSync(join(dir, 'config.json'), JSON.stringify(cfg));
    await expect(QwenVL.load(dir)).rejects.toThrow(/mrope_section must sum to head_dim\/2 = 8/);
  });
});
