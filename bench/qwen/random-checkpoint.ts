/**
 * Random Qwen2.5-VL checkpoints for the model benches, written at bench time into a temp dir (a 2 GB checkpoint is
 * not something to commit). config.json keeps the committed tiny fixture's field layout (HF 5.x `text_config` +
 * `rope_parameters`) with the sizes changed; the tensor list mirrors ExpectedParameters in csrc/qwen/weights.cpp, so
 * the loader's missing/unexpected/shape checks are what validates this file.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { saveSafetensors } from '../../lib/io/safetensors.js';
import { Generator, type Tensor, ones, randn, tidy, zeros } from '../../lib/tensor/index.js';

export interface TextDims {
  hidden: number;
  intermediate: number;
  layers: number;
  heads: number;
  kvHeads: number;
  vocab: number;
  /** Three entries summing to head_dim/2 (checked by the loader). */
  mropeSection: [number, number, number];
  tie: boolean;
}
export interface VisionDims {
  depth: number;
  hidden: number;
  intermediate: number;
  heads: number;
}

/** Qwen2.5-0.5B text dims; head_dim 64, so mrope [8,12,12] (the released VL models' [16,24,24] scaled to head_dim/2 = 32) with a 2-block vision tower. */
export const HALF_B_TEXT: TextDims = { hidden: 896, intermediate: 4864, layers: 24, heads: 14, kvHeads: 2, vocab: 151936, mropeSection: [8, 12, 12], tie: true };
export const SMALL_VISION: VisionDims = { depth: 2, hidden: 64, intermediate: 128, heads: 2 };

/** Real Qwen2.5-VL special token ids, so prompts built for the 0.5B config look like the released model's. */
export const QWEN_IDS = { bos: 151643, eos: 151645, pad: 151643, visionStart: 151652, visionEnd: 151653, image: 151655, video: 151656 };

function configJson(tinyDir: string, t: TextDims, v: VisionDims): Record<string, unknown> {
  const c = JSON.parse(readFileSync(join(tinyDir, 'config.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  const tc = c.text_config!;
  Object.assign(tc, {
    hidden_size: t.hidden, intermediate_size: t.intermediate, num_hidden_layers: t.layers, num_attention_heads: t.heads,
    num_key_value_heads: t.kvHeads, vocab_size: t.vocab, layer_types: Array(t.layers).fill('full_attention'),
    max_position_embeddings: 32768, bos_token_id: QWEN_IDS.bos, eos_token_id: QWEN_IDS.eos, pad_token_id: QWEN_IDS.pad,
  });
  (tc.rope_parameters as Record<string, unknown>).mrope_section = t.mropeSection;
  Object.assign(c.vision_config!, { depth: v.depth, hidden_size: v.hidden, intermediate_size: v.intermediate, num_heads: v.heads, out_hidden_size: t.hidden, fullatt_block_indexes: [v.depth - 1] });
  return {
    ...c, tie_word_embeddings: t.tie, image_token_id: QWEN_IDS.image, video_token_id: QWEN_IDS.video,
    vision_start_token_id: QWEN_IDS.visionStart, vision_end_token_id: QWEN_IDS.visionEnd, vision_token_id: 151654,
  };
}

/** (name, shape, init) in the loader's order; init 'n' = N(0, 0.02²), '1' = ones (norm weights), '0' = zeros (biases). */
function tensorList(t: TextDims, v: VisionDims): [string, number[], 'n' | '1' | '0'][] {
  const D = v.hidden, I = v.intermediate, M = D * 4, d = t.hidden, hd = d / t.heads, nq = t.heads * hd, nkv = t.kvHeads * hd, It = t.intermediate;
  const e: [string, number[], 'n' | '1' | '0'][] = [['visual.patch_embed.proj.weight', [D, 3, 2, 14, 14], 'n']];
  for (let i = 0; i < v.depth; i++) {
    const p = `visual.blocks.${i}.`;
    e.push([p + 'norm1.weight', [D], '1'], [p + 'norm2.weight', [D], '1'], [p + 'attn.qkv.weight', [3 * D, D], 'n'], [p + 'attn.qkv.bias', [3 * D], '0'],
      [p + 'attn.proj.weight', [D, D], 'n'], [p + 'attn.proj.bias', [D], '0'], [p + 'mlp.gate_proj.weight', [I, D], 'n'], [p + 'mlp.gate_proj.bias', [I], '0'],
      [p + 'mlp.up_proj.weight', [I, D], 'n'], [p + 'mlp.up_proj.bias', [I], '0'], [p + 'mlp.down_proj.weight', [D, I], 'n'], [p + 'mlp.down_proj.bias', [D], '0']);
  }
  e.push(['visual.merger.ln_q.weight', [D], '1'], ['visual.merger.mlp.0.weight', [M, M], 'n'], ['visual.merger.mlp.0.bias', [M], '0'],
    ['visual.merger.mlp.2.weight', [d, M], 'n'], ['visual.merger.mlp.2.bias', [d], '0'], ['model.embed_tokens.weight', [t.vocab, d], 'n']);
  for (let i = 0; i < t.layers; i++) {
    const p = `model.layers.${i}.`;
    e.push([p + 'input_layernorm.weight', [d], '1'], [p + 'self_attn.q_proj.weight', [nq, d], 'n'], [p + 'self_attn.q_proj.bias', [nq], '0'],
      [p + 'self_attn.k_proj.weight', [nkv, d], 'n'], [p + 'self_attn.k_proj.bias', [nkv], '0'], [p + 'self_attn.v_proj.weight', [nkv, d], 'n'],
      [p + 'self_attn.v_proj.bias', [nkv], '0'], [p + 'self_attn.o_proj.weight', [d, nq], 'n'], [p + 'post_attention_layernorm.weight', [d], '1'],
      [p + 'mlp.gate_proj.weight', [It, d], 'n'], [p + 'mlp.up_proj.weight', [It, d], 'n'], [p + 'mlp.down_proj.weight', [d, It], 'n']);
  }
  e.push(['model.norm.weight', [d], '1']);
  if (!t.tie) e.push(['lm_head.weight', [t.vocab, d], 'n']);
  return e;
}

/** Writes config.json + model.safetensors (fp32, seeded) into `dir`; returns the parameter count. */
export async function writeRandomCheckpoint(dir: string, tinyDir: string, t: TextDims, v: VisionDims, seed = 0): Promise<number> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(configJson(tinyDir, t, v), null, 2) + '\n');
  const g = new Generator(seed);
  const tensors = new Map<string, Tensor>();
  let count = 0;
  for (const [name, shape, init] of tensorList(t, v)) {
    tensors.set(name, init === 'n' ? tidy(() => randn(shape, { generator: g }).mul(0.02)) : init === '1' ? ones(shape) : zeros(shape));
    count += shape.reduce((a, b) => a * b, 1);
  }
  await saveSafetensors(join(dir, 'model.safetensors'), tensors);
  for (const x of tensors.values()) x.dispose();
  g.dispose();
  return count;
}
