import { describe, expect, it } from 'vitest';

import { loadSbertConfig } from '../../lib/sbert/config.js';
import { resolveModelDir } from '../../lib/sbert/model-dir.js';
import { SbertTokenizer } from '../../lib/sbert/tokenize.js';
import { reference } from './fixture.js';

describe('SbertTokenizer (all-MiniLM-L6-v2 tokenizer.json via @huggingface/tokenizers)', () => {
  const dir = resolveModelDir();
  const config = loadSbertConfig(dir);
  const tok = SbertTokenizer.load(dir, config.maxSeqLength);

  it('reads max_seq_length 256 from sentence_bert_config.json', () => {
    expect(config.maxSeqLength).toBe(256);
    expect(reference.max_seq_length).toBe(256);
  });

  it.each(reference.sentences.map((s, i) => [i, JSON.stringify(s).slice(0, 60)] as const))(
    'sentence %i (%s): ids identical to sentence-transformers',
    (i) => {
      expect(tok.encode(reference.sentences[i]!)).toEqual(reference.input_ids[i]);
    },
  );

  it('truncates a text longer than 256 word-pieces to [CLS] + 254 pieces + [SEP]', () => {
    const long = reference.sentences.at(-1)!;
    expect(reference.long_sentence_untruncated_tokens).toBeGreaterThan(256);
    const ids = tok.encode(long);
    expect(ids).toHaveLength(256);
    expect(ids[0]).toBe(101);
    expect(ids[255]).toBe(102);
  });

  it('pads a batch on the right with [PAD] and a 0 mask', () => {
    const b = tok.batch(['5.70 to 14.71', '', 'NIL']);
    expect(b.batch).toBe(3);
    expect(b.length).toBe(reference.input_ids[0]!.length);
    const row = (arr: BigInt64Array, r: number) => Array.from(arr.subarray(r * b.length, (r + 1) * b.length), Number);
    expect(row(b.ids, 1)).toEqual([101, 102, ...Array(b.length - 2).fill(0)]);
    expect(row(b.mask, 1)).toEqual([1, 1, ...Array(b.length - 2).fill(0)]);
    expect(row(b.mask, 0)).toEqual(Array(b.length).fill(1));
  });
});
