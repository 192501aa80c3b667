/** Inference with a Qwen2.5-VL checkpoint: sessions, batched per-video generation, answer parsing (rarft-infer). */
export { checkpointDType, type ModelDType } from './checkpoint-dtype.js';
export { DEFAULT_DECODING, stopTokenIds, type DecodingOptions } from './decoding.js';
export { generateForVideo, leftPad, type GeneratedAnswer, type BatchTiming } from './generate-batch.js';
export { parseAnswer, formatAnswer, type ParsedAnswer } from './parse-answer.js';
export { InferenceSession, loadVideo, type SessionOptions, type VideoLoadOptions } from './session.js';
