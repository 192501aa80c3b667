/**
 * Qwen2.5-VL config.json, validated before the native loader sees it (spec §1). Two layouts exist: the original
 * checkpoints (and HF <= 4.57 saves) put the text fields at the top level with `rope_scaling`; HF 5.x saves nest them
 * under `text_config` with `rope_parameters`. Both are normalised into one typed object here; the native side reads
 * the same file with the same rules (csrc/qwen/config.cpp).
 */
import { join } from 'node:path';
import { z } from 'zod';

import { readJsonFile } from '../data/json-file.js';
import { DataError } from '../errors.js';

const int = z.number().int();
const pos = int.positive();
/** A positive count bounded far above any Qwen2.5-VL (the native loader refuses the same; csrc/qwen/config.cpp). */
const upTo = (max: number) => pos.max(max);

const RopeSchema = z.object({ mrope_section: z.array(pos).length(3), rope_theta: z.number().positive().optional() }).passthrough();

const TextSchema = z
  .object({
    vocab_size: upTo(2 ** 24),
    hidden_size: upTo(2 ** 17),
    intermediate_size: upTo(2 ** 20),
    num_hidden_layers: upTo(1024),
    num_attention_heads: upTo(1024),
    num_key_value_heads: upTo(1024).optional(),
    rms_norm_eps: z.number().positive().default(1e-6),
    rope_theta: z.number().positive().optional(),
    rope_scaling: RopeSchema.nullish(),
    rope_parameters: RopeSchema.nullish(),
    use_sliding_window: z.boolean().default(false),
  })
  .passthrough();

const VisionSchema = z
  .object({
    depth: upTo(1024),
    hidden_size: upTo(2 ** 17),
    intermediate_size: upTo(2 ** 20),
    num_heads: upTo(1024),
    out_hidden_size: upTo(2 ** 17),
    patch_size: upTo(1024).default(14),
    temporal_patch_size: upTo(64).default(2),
    spatial_merge_size: upTo(64).default(2),
    window_size: upTo(2 ** 16).default(112),
    fullatt_block_indexes: z.array(int.nonnegative()).default([7, 15, 23, 31]),
    // HF's class default is 4, every release says 2: a file without it is ambiguous and refused.
    tokens_per_second: z.number().positive(),
    in_chans: upTo(64).optional(),
    in_channels: upTo(64).optional(),
  })
  .passthrough();

export interface QwenVLConfig {
  text: {
    vocabSize: number;
    hiddenSize: number;
    intermediateSize: number;
    numLayers: number;
    numHeads: number;
    numKvHeads: number;
    headDim: number;
    rmsNormEps: number;
    ropeTheta: number;
    mropeSection: [number, number, number];
    tieWordEmbeddings: boolean;
  };
  vision: {
    depth: number;
    hiddenSize: number;
    intermediateSize: number;
    numHeads: number;
    outHiddenSize: number;
    inChans: number;
    patchSize: number;
    temporalPatchSize: number;
    spatialMergeSize: number;
    windowSize: number;
    fullattBlockIndexes: number[];
    tokensPerSecond: number;
  };
  imageTokenId: number;
  videoTokenId: number;
  visionStartTokenId: number;
  visionEndTokenId: number;
}

function fail(file: string, field: string, message: string): never {
  throw new DataError(message, { file, field });
}

/** Parses and validates a config.json object (`file` is only used in error messages). */
export function parseQwenConfig(raw: unknown, file: string): QwenVLConfig {
  if (typeof raw !== 'object' || raw === null) fail(file, '', 'config is not a JSON object');
  const root = raw as Record<string, unknown>;
  const nested = (root.text_config ?? {}) as Record<string, unknown>;
  const merged = { ...root, ...Object.fromEntries(Object.entries(nested).filter(([, v]) => v !== null && v !== undefined)) };
  const t = TextSchema.safeParse(merged);
  if (!t.success) fail(file, t.error.issues[0]!.path.join('.'), t.error.issues[0]!.message);
  const v = VisionSchema.safeParse(root.vision_config);
  if (!v.success) fail(file, ['vision_config', ...v.error.issues[0]!.path].join('.'), v.error.issues[0]!.message);
  const text = t.data;
  const vis = v.data;
  const rope = text.rope_parameters ?? text.rope_scaling;
  if (!rope) fail(file, 'rope_scaling.mrope_section', 'missing mrope_section (rope_scaling or rope_parameters)');
  const ropeTheta = rope.rope_theta ?? text.rope_theta;
  if (ropeTheta === undefined) fail(file, 'rope_theta', 'missing rope_theta');
  if (text.use_sliding_window) fail(file, 'use_sliding_window', 'sliding-window attention is not supported');
  const headDim = text.hidden_size / text.num_attention_heads;
  const numKv = text.num_key_value_heads ?? text.num_attention_heads;
  if (!Number.isInteger(headDim) || text.num_attention_heads % numKv !== 0)
    fail(file, 'num_attention_heads', 'hidden_size / num_attention_heads / num_key_value_heads are inconsistent');
  const sec = rope.mrope_section as [number, number, number];
  if (2 * (sec[0] + sec[1] + sec[2]) !== headDim)
    fail(file, 'rope_scaling.mrope_section', `mrope_section must sum to head_dim/2 = ${headDim / 2}, found ${sec.join('+')}`);
  const vHead = vis.hidden_size / vis.num_heads;
  if (!Number.isInteger(vHead) || vHead % 4 !== 0) fail(file, 'vision_config.num_heads', 'vision head_dim must be an integer divisible by 4');
  if (vis.window_size % (vis.patch_size * vis.spatial_merge_size) !== 0)
    fail(file, 'vision_config.window_size', 'window_size must be a multiple of patch_size * spatial_merge_size');
  if (vis.out_hidden_size !== text.hidden_size)
    fail(file, 'vision_config.out_hidden_size', `out_hidden_size ${vis.out_hidden_size} != hidden_size ${text.hidden_size}`);
  const num = (k: string, d: number): number => {
    const x = root[k] ?? nested[k];
    return typeof x === 'number' ? x : d;
  };
  const tie = root.tie_word_embeddings ?? nested.tie_word_embeddings;
  return {
    text: {
      vocabSize: text.vocab_size,
      hiddenSize: text.hidden_size,
      intermediateSize: text.intermediate_size,
      numLayers: text.num_hidden_layers,
      numHeads: text.num_attention_heads,
      numKvHeads: numKv,
      headDim,
      rmsNormEps: text.rms_norm_eps,
      ropeTheta,
      mropeSection: sec,
      tieWordEmbeddings: tie === true,
    },
    vision: {
      depth: vis.depth,
      hiddenSize: vis.hidden_size,
      intermediateSize: vis.intermediate_size,
      numHeads: vis.num_heads,
      outHiddenSize: vis.out_hidden_size,
      inChans: vis.in_chans ?? vis.in_channels ?? 3,
      patchSize: vis.patch_size,
      temporalPatchSize: vis.temporal_patch_size,
      spatialMergeSize: vis.spatial_merge_size,
      windowSize: vis.window_size,
      fullattBlockIndexes: vis.fullatt_block_indexes,
      tokensPerSecond: vis.tokens_per_second,
    },
    imageTokenId: num('image_token_id', 151655),
    videoTokenId: num('video_token_id', 151656),
    visionStartTokenId: num('vision_start_token_id', 151652),
    visionEndTokenId: num('vision_end_token_id', 151653),
  };
}

/** Reads `<dir>/config.json`. */
export function loadQwenConfig(dir: string): QwenVLConfig {
  const file = join(dir, 'config.json');
  return parseQwenConfig(readJsonFile(file), file);
}
