// The demo's tiny checkpoint and tokenizer: the weight names/shapes equal those of the transformers-made fixture for
// the spec's tiny config (so the TS writer and HF agree on the layout), the addon loads and runs the checkpoint,
// lib/text loads the tokenizer with the built-in Qwen2.5-VL chat template, and decoding is exact.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { demoDomainTexts, referenceCompletion } from '../../lib/demo/synthetic-dataset.js';
import { TINY_ARCH, tinyWeightShapes, writeTinyCheckpoint } from '../../lib/demo/tiny-checkpoint.js';
import { type TinyVocab, buildTinyVocab } from '../../lib/demo/tiny-tokenizer.js';
import { readSafetensorsHeader } from '../../lib/io/safetensors.js';
import { QwenVL } from '../../lib/qwen/qwen.js';
import { tensor } from '../../lib/tensor/index.js';
import { buildPrompt } from '../../lib/text/build-prompt.js';
import { loadTextTokenizer } from '../../lib/text/tokenizer.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'qwen', 'tiny', 'model.safetensors');
let dir: string;
let vocab: TinyVocab;
beforeAll(async () => {
  vocab = buildTinyVocab(demoDomainTexts());
  dir = await writeTinyCheckpoint(join(mkdtempSync(join(tmpdir(), 'rarft-tiny-')), 'm'), vocab, 1);
});

describe('tiny checkpoint', () => {
  it('names and shapes equal the transformers fixture of the same architecture (vocab 1024)', () => {
    const hf = readSafetensorsHeader(FIXTURE).tensors;
    const ours = tinyWeightShapes(1024, TINY_ARCH);
    expect([...ours.keys()].sort()).toEqual(Object.keys(hf).sort());
    for (const [n, shape] of ours) expect(shape, n).toEqual(hf[n]!.shape);
  });

  it('loads in the addon with every tensor, and generates', async () => {
    const m = await QwenVL.load(dir);
    try {
      expect(m.config.text.vocabSize).toBe(vocab.vocabSize);
      expect(m.config.videoTokenId).toBe(vocab.specialIds['<|video_pad|>']);
      expect(m.parameterNames().sort()).toEqual(Object.keys(readSafetensorsHeader(join(dir, 'model.safetensors')).tensors).sort());
      const g = await m.generate({ inputIds: tensor([[1, 2, 3]], { dtype: 'int64' }) }, { maxNewTokens: 3 });
      expect(g.tokens.shape).toEqual([1, 3]);
    } finally {
      m.dispose();
    }
  });
});

describe('tiny tokenizer', () => {
  it('loads through lib/text with the built-in Qwen2.5-VL chat template; special ids match config.json', () => {
    const tok = loadTextTokenizer(dir);
    expect(tok.chatTemplateSource).toBe('builtin');
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, number>;
    expect(tok.tokenId('<|video_pad|>')).toBe(cfg.video_token_id);
    expect(tok.tokenId('<|vision_start|>')).toBe(cfg.vision_start_token_id);
    expect(tok.tokenId('<|im_end|>')).toBe(cfg.eos_token_id);
    expect(Math.max(...Object.values(vocab.specialIds))).toBeLessThan(cfg.vocab_size!);
  });

  it('encodes the RA-RFT training prompt without unknown words, and video pads per the grid', () => {
    const tok = loadTextTokenizer(dir);
    const p = buildPrompt({ tokenizer: tok, query: 'a red box appears', template: 'train', videoGrid: [8, 4, 4] });
    expect(p.videoTokenCount).toBe(32);
    expect(Array.from(p.inputIds).filter((i) => i === tok.tokenId('[UNK]'))).toEqual([]);
    expect(tok.decode(Array.from(p.inputIds))).toBe(p.text);
  });

  it('round-trips completions exactly; tags are single tokens that survive skip_special_tokens', () => {
    const tok = loadTextTokenizer(dir);
    const scene = { video: '', color: 'blue' as const, start: 1.5, end: 4 };
    for (const q of [{ color: 'blue' }, { color: 'red' }]) {
      const text = referenceCompletion(q, scene);
      const ids = tok.encode(text);
      expect(tok.decode(ids)).toBe(text);
      expect(tok.decode([...ids, tok.tokenId('<|im_end|>')], { skipSpecialTokens: true })).toBe(text);
    }
    expect(tok.encode('<answer>1.5 to 4.0</answer>')).toEqual([vocab.tagIds['<answer>'], vocab.vocab['1.5'], vocab.vocab[' '], vocab.vocab['to'], vocab.vocab[' '], vocab.vocab['4.0'], vocab.tagIds['</answer>']]);
  });
});
