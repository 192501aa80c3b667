/**
 * Writes a tiny random Qwen2.5-VL checkpoint in the HF layout (config.json with the text fields at the top level and
 * `rope_scaling`, as the original checkpoints; generation_config.json; model.safetensors with the legacy names
 * `visual.*`, `model.*`, `lm_head.weight`; tokenizer.json + tokenizer_config.json). The architecture is the spec's
 * tiny config (qwen25vl-spec §8.1: d=64, 2 layers, 4 heads / 2 KV heads, mrope [2,3,3]; vision depth 2, width 32,
 * window 112, full attention in block 1) with the vocabulary of `buildTinyVocab`.
 *
 * Initialisation: N(0, 1/fan_in) for matrices, N(0, 1) embeddings, norms 1, biases 0 (see initStd).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { saveSafetensors } from '../io/safetensors.js';
import { Generator, type Tensor, dispose, ones, randn, tidy, zeros } from '../tensor/index.js';
import { type TinyVocab, tinyTokenizerConfig, tinyTokenizerJson, writeTokenizerFiles } from './tiny-tokenizer.js';

export interface TinyArch {
  hidden: number;
  intermediate: number;
  layers: number;
  heads: number;
  kvHeads: number;
  mropeSection: [number, number, number];
  visionDepth: number;
  visionHidden: number;
  visionIntermediate: number;
  visionHeads: number;
}

/** qwen25vl-spec §8.1. */
export const TINY_ARCH: TinyArch = {
  hidden: 64,
  intermediate: 128,
  layers: 2,
  heads: 4,
  kvHeads: 2,
  mropeSection: [2, 3, 3],
  visionDepth: 2,
  visionHidden: 32,
  visionIntermediate: 48,
  visionHeads: 2,
};

export function tinyConfigJson(v: TinyVocab, a: TinyArch = TINY_ARCH): Record<string, unknown> {
  const s = v.specialIds;
  return {
    architectures: ['Qwen2_5_VLForConditionalGeneration'],
    model_type: 'qwen2_5_vl',
    torch_dtype: 'float32',
    vocab_size: v.vocabSize,
    hidden_size: a.hidden,
    intermediate_size: a.intermediate,
    num_hidden_layers: a.layers,
    num_attention_heads: a.heads,
    num_key_value_heads: a.kvHeads,
    hidden_act: 'silu',
    max_position_embeddings: 4096,
    rms_norm_eps: 1e-6,
    rope_theta: 1000000.0,
    rope_scaling: { type: 'mrope', mrope_section: a.mropeSection },
    tie_word_embeddings: false,
    use_sliding_window: false,
    sliding_window: null,
    attention_dropout: 0.0,
    bos_token_id: s['<|endoftext|>'],
    eos_token_id: s['<|im_end|>'],
    pad_token_id: s['<|endoftext|>'],
    vision_start_token_id: s['<|vision_start|>'],
    vision_end_token_id: s['<|vision_end|>'],
    vision_token_id: s['<|vision_pad|>'],
    image_token_id: s['<|image_pad|>'],
    video_token_id: s['<|video_pad|>'],
    vision_config: {
      depth: a.visionDepth,
      hidden_size: a.visionHidden,
      intermediate_size: a.visionIntermediate,
      num_heads: a.visionHeads,
      out_hidden_size: a.hidden,
      hidden_act: 'silu',
      in_chans: 3,
      patch_size: 14,
      temporal_patch_size: 2,
      spatial_merge_size: 2,
      window_size: 112,
      fullatt_block_indexes: [a.visionDepth - 1],
      tokens_per_second: 2,
    },
  };
}

/** Every tensor name and shape the loader expects for this architecture (legacy HF names). */
export function tinyWeightShapes(vocabSize: number, a: TinyArch = TINY_ARCH): Map<string, number[]> {
  const m = new Map<string, number[]>();
  const d = a.hidden, hd = d / a.heads, kv = a.kvHeads * hd;
  const vd = a.visionHidden, vi = a.visionIntermediate, merge = vd * 4;
  m.set('visual.patch_embed.proj.weight', [vd, 3, 2, 14, 14]);
  for (let i = 0; i < a.visionDepth; i++) {
    const p = `visual.blocks.${i}`;
    m.set(`${p}.norm1.weight`, [vd]);
    m.set(`${p}.norm2.weight`, [vd]);
    m.set(`${p}.attn.qkv.weight`, [3 * vd, vd]);
    m.set(`${p}.attn.qkv.bias`, [3 * vd]);
    m.set(`${p}.attn.proj.weight`, [vd, vd]);
    m.set(`${p}.attn.proj.bias`, [vd]);
    m.set(`${p}.mlp.gate_proj.weight`, [vi, vd]);
    m.set(`${p}.mlp.gate_proj.bias`, [vi]);
    m.set(`${p}.mlp.up_proj.weight`, [vi, vd]);
    m.set(`${p}.mlp.up_proj.bias`, [vi]);
    m.set(`${p}.mlp.down_proj.weight`, [vd, vi]);
    m.set(`${p}.mlp.down_proj.bias`, [vd]);
  }
  m.set('visual.merger.ln_q.weight', [vd]);
  m.set('visual.merger.mlp.0.weight', [merge, merge]);
  m.set('visual.merger.mlp.0.bias', [merge]);
  m.set('visual.merger.mlp.2.weight', [d, merge]);
  m.set('visual.merger.mlp.2.bias', [d]);
  m.set('model.embed_tokens.weight', [vocabSize, d]);
  for (let i = 0; i < a.layers; i++) {
    const p = `model.layers.${i}`;
    m.set(`${p}.input_layernorm.weight`, [d]);
    m.set(`${p}.post_attention_layernorm.weight`, [d]);
    m.set(`${p}.self_attn.q_proj.weight`, [d, d]);
    m.set(`${p}.self_attn.q_proj.bias`, [d]);
    m.set(`${p}.self_attn.k_proj.weight`, [kv, d]);
    m.set(`${p}.self_attn.k_proj.bias`, [kv]);
    m.set(`${p}.self_attn.v_proj.weight`, [kv, d]);
    m.set(`${p}.self_attn.v_proj.bias`, [kv]);
    m.set(`${p}.self_attn.o_proj.weight`, [d, d]);
    m.set(`${p}.mlp.gate_proj.weight`, [a.intermediate, d]);
    m.set(`${p}.mlp.up_proj.weight`, [a.intermediate, d]);
    m.set(`${p}.mlp.down_proj.weight`, [d, a.intermediate]);
  }
  m.set('model.norm.weight', [d]);
  m.set('lm_head.weight', [vocabSize, d]);
  return m;
}

const isNorm = (name: string) => /(norm\d?|layernorm|ln_q)\.weight$/.test(name);

/**
 * torch's own scale for a fresh layer (std 1/sqrt(fan_in)), embeddings N(0, 1). HF's 0.02 is tuned for d = 4096;
 * at d = 64 it makes every attention logit ~0, so attention is uniform over the ~440 prompt tokens and the model
 * needs far more steps than a demo has to learn to look at the query and the video.
 */
function initStd(name: string, shape: readonly number[]): number {
  if (name === 'model.embed_tokens.weight') return 1;
  return 1 / Math.sqrt(shape.slice(1).reduce((a, b) => a * b, 1));
}

/** Writes the checkpoint folder; returns its path. */
export async function writeTinyCheckpoint(dir: string, vocab: TinyVocab, seed: number, arch: TinyArch = TINY_ARCH): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const gen = new Generator(seed);
  const weights: Record<string, Tensor> = {};
  try {
    for (const [name, shape] of tinyWeightShapes(vocab.vocabSize, arch)) {
      weights[name] = isNorm(name) ? ones(shape) : name.endsWith('.bias') ? zeros(shape) : tidy(() => randn(shape, { generator: gen }).mul(initStd(name, shape)));
    }
    await saveSafetensors(join(dir, 'model.safetensors'), weights, { format: 'pt' });
  } finally {
    dispose(Object.values(weights));
    gen.dispose();
  }
  const s = vocab.specialIds;
  writeFileSync(join(dir, 'config.json'), JSON.stringify(tinyConfigJson(vocab, arch), null, 2));
  writeFileSync(
    join(dir, 'generation_config.json'),
    JSON.stringify({ bos_token_id: s['<|endoftext|>'], eos_token_id: [s['<|im_end|>'], s['<|endoftext|>']], pad_token_id: s['<|endoftext|>'] }, null, 2),
  );
  writeTokenizerFiles(dir, tinyTokenizerJson(vocab), tinyTokenizerConfig());
  return dir;
}
