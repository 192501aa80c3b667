/** The sentence-transformers references made by scripts/fixtures/make_sbert_fixtures.py on the real weights. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MinilmReference {
  sentences: string[];
  input_ids: number[][];
  embeddings: number[][];
  norms: number[];
  cosine: number[][];
  max_seq_length: number;
  long_sentence_untruncated_tokens: number;
}

const load = (file: string) =>
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'sbert', file), 'utf8')) as MinilmReference;

/** all-MiniLM-L6-v2 (the reward's model). */
export const reference = load('minilm_reference.json');
/** all-mpnet-base-v2 (the evaluator's model). */
export const mpnetReference = load('mpnet_reference.json');

/** Per model: the reference, the model's width, max_seq_length and parameter count (pooler excluded: unused). */
export const MODELS = [
  { model: 'all-MiniLM-L6-v2', ref: reference, dim: 384, maxSeqLength: 256, parameters: 22_565_376, cls: 101, sep: 102 },
  { model: 'all-mpnet-base-v2', ref: mpnetReference, dim: 768, maxSeqLength: 384, parameters: 108_895_872, cls: 0, sep: 2 },
] as const;

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
