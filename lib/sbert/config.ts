/**
 * Reads a sentence-transformers model folder's configuration: modules.json (which modules run, in order),
 * config.json (the BERT shape), 1_Pooling/config.json (the pooling mode) and sentence_bert_config.json
 * (max_seq_length). Only what this port implements is accepted: Transformer(BertModel | MPNetModel) -> Pooling ->
 * [Normalize]. Anything else (another architecture, a Dense layer, an unknown activation) is rejected here with the
 * file and field named, rather than producing embeddings that silently differ from the reference.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

import { DataError } from '../errors.js';
import { readJsonFile } from '../data/json-file.js';
import type { NativeSbertConfig } from '../native/bindings/sbert.js';

const TRANSFORMER = 'sentence_transformers.models.Transformer';
const POOLING = 'sentence_transformers.models.Pooling';
const NORMALIZE = 'sentence_transformers.models.Normalize';

const ModulesSchema = z.array(z.object({ idx: z.number().int(), name: z.string(), path: z.string(), type: z.string() })).min(1);

const BertConfigSchema = z.object({
  model_type: z.string(),
  hidden_size: z.number().int().positive(),
  num_hidden_layers: z.number().int().positive(),
  num_attention_heads: z.number().int().positive(),
  intermediate_size: z.number().int().positive(),
  max_position_embeddings: z.number().int().positive(),
  type_vocab_size: z.number().int().positive().optional(), // BERT only
  vocab_size: z.number().int().positive(),
  pad_token_id: z.number().int().nonnegative().optional(),
  relative_attention_num_buckets: z.number().int().positive().optional(), // MPNet only
  layer_norm_eps: z.number().positive().default(1e-12),
  hidden_act: z.string().default('gelu'),
  position_embedding_type: z.string().default('absolute'),
});

const PoolingSchema = z.object({
  word_embedding_dimension: z.number().int().positive(),
  pooling_mode_cls_token: z.boolean().default(false),
  pooling_mode_mean_tokens: z.boolean().default(false),
  pooling_mode_max_tokens: z.boolean().default(false),
  pooling_mode_mean_sqrt_len_tokens: z.boolean().default(false),
});

const SentenceBertSchema = z.object({ max_seq_length: z.number().int().positive(), do_lower_case: z.boolean().default(false) });

export interface SbertModelConfig {
  dir: string;
  native: NativeSbertConfig;
  /** Word-pieces per text including [CLS]/[SEP]; longer texts are truncated (sentence-transformers' max_seq_length). */
  maxSeqLength: number;
  embeddingDim: number;
}

function parse<T extends z.ZodType>(schema: T, file: string): z.infer<T> {
  const res = schema.safeParse(readJsonFile(file));
  if (!res.success) {
    const issue = res.error.issues[0]!;
    throw new DataError(issue.message, { file, field: issue.path.join('.') });
  }
  return res.data;
}

export function loadSbertConfig(dir: string): SbertModelConfig {
  const modulesFile = join(dir, 'modules.json');
  const modules = parse(ModulesSchema, modulesFile).sort((a, b) => a.idx - b.idx);
  const types = modules.map((m) => m.type);
  const normalize = types.length === 3 && types[2] === NORMALIZE;
  if (types[0] !== TRANSFORMER || types[1] !== POOLING || !(types.length === 2 || normalize))
    throw new DataError(`unsupported module pipeline [${types.join(', ')}]: this port runs Transformer -> Pooling -> [Normalize]`, {
      file: modulesFile,
    });
  if (modules[0]!.path !== '')
    throw new DataError('the Transformer module must live in the folder root', { file: modulesFile, field: '0.path' });

  const configFile = join(dir, 'config.json');
  const bert = parse(BertConfigSchema, configFile);
  const arch = bert.model_type;
  if (arch !== 'bert' && arch !== 'mpnet')
    throw new DataError(`model_type "${arch}" is not supported (only "bert" and "mpnet")`, { file: configFile, field: 'model_type' });
  if (arch === 'bert' && bert.type_vocab_size === undefined)
    throw new DataError('a BERT config needs type_vocab_size', { file: configFile, field: 'type_vocab_size' });
  if (bert.hidden_act !== 'gelu')
    throw new DataError(`hidden_act "${bert.hidden_act}" is not supported (only exact "gelu")`, { file: configFile, field: 'hidden_act' });
  if (arch === 'bert' && bert.position_embedding_type !== 'absolute')
    throw new DataError(`position_embedding_type "${bert.position_embedding_type}" is not supported`, {
      file: configFile,
      field: 'position_embedding_type',
    });

  const poolingFile = join(dir, modules[1]!.path, 'config.json');
  const pool = parse(PoolingSchema, poolingFile);
  const modes = (
    [
      ['mean', pool.pooling_mode_mean_tokens],
      ['cls', pool.pooling_mode_cls_token],
      ['max', pool.pooling_mode_max_tokens],
      ['mean_sqrt_len', pool.pooling_mode_mean_sqrt_len_tokens],
    ] as const
  ).filter(([, on]) => on);
  if (modes.length !== 1)
    throw new DataError(`exactly one pooling mode must be enabled (found ${modes.length}); concatenated modes are not supported`, {
      file: poolingFile,
    });
  if (pool.word_embedding_dimension !== bert.hidden_size)
    throw new DataError(`word_embedding_dimension ${pool.word_embedding_dimension} != hidden_size ${bert.hidden_size}`, {
      file: poolingFile,
      field: 'word_embedding_dimension',
    });

  // sentence_bert_config.json is optional in sentence-transformers; without it the tokenizer's model max applies.
  // MPNet's positions start at pad_token_id + 1 = 2, so it fits max_position_embeddings - 2 tokens (514 -> 512).
  const positionLimit = arch === 'mpnet' ? bert.max_position_embeddings - 2 : bert.max_position_embeddings;
  const stFile = join(dir, 'sentence_bert_config.json');
  const maxSeqLength = existsSync(stFile)
    ? Math.min(parse(SentenceBertSchema, stFile).max_seq_length, positionLimit)
    : positionLimit;

  return {
    dir,
    maxSeqLength,
    embeddingDim: bert.hidden_size,
    native: {
      arch,
      hiddenSize: bert.hidden_size,
      numLayers: bert.num_hidden_layers,
      numHeads: bert.num_attention_heads,
      intermediateSize: bert.intermediate_size,
      maxPositionEmbeddings: bert.max_position_embeddings,
      typeVocabSize: arch === 'bert' ? bert.type_vocab_size! : 0,
      vocabSize: bert.vocab_size,
      // transformers' defaults: BertConfig pad_token_id 0; MPNetEmbeddings hard-codes padding_idx 1.
      padTokenId: arch === 'mpnet' ? 1 : (bert.pad_token_id ?? 0),
      // MPNetConfig's default is 32; the relative-position bucketing's max_distance (128) is fixed in transformers.
      relativeAttentionNumBuckets: arch === 'mpnet' ? (bert.relative_attention_num_buckets ?? 32) : 0,
      layerNormEps: bert.layer_norm_eps,
      pooling: modes[0]![0],
      normalize,
    },
  };
}
