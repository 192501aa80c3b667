/** The sentence-transformers reference made by scripts/fixtures/make_sbert_fixtures.py on the real weights. */
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

export const reference = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', 'fixtures', 'sbert', 'minilm_reference.json'), 'utf8'),
) as MinilmReference;

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
