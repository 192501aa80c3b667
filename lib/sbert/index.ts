export { SbertEncoder, type SbertLoadOptions, type SbertEncodeOptions } from './encoder.js';
export { SbertTokenizer, type TokenBatch } from './tokenize.js';
export { loadSbertConfig, type SbertModelConfig } from './config.js';
export {
  resolveModelDir,
  defaultModelDir,
  SbertModelNotFoundError,
  SBERT_MODEL_ENV,
  SBERT_MODELS,
  DEFAULT_SBERT_MODEL,
  type SbertModelName,
} from './model-dir.js';
export { cosine } from './cosine.js';
