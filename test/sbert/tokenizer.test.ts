import { describe, expect, it } from 'vitest';

import { loadSbertConfig } from '../../lib/sbert/config.js';
import { resolveModelDir } from '../../lib/sbert/model-dir.js';
import { SbertTokenizer } from '../../lib/sbert/tokenize.js';
import { MODELS, reference } from './fixture.js';

describe.each(MODELS)('SbertTokenizer for $model (tokenizer.json via @huggingface/tokenizers)', ({ model, ref, maxSeqLength, cls, sep }) => {
  const dir = resolveModelDir(undefined, process.env, model);
  const config = loadSbertConfig(dir);
  const tok = SbertTokenizer.load(dir, config.maxSeqLength, config.native.padTokenId);

  it(`reads max_seq_length ${maxSeqLength} from sentence_bert_config.json`, () => {
    expect(config.maxSeqLength).toBe(maxSeqLength);
    expect(ref.max_seq_length).toBe(maxSeqLength);
  });

  it.each(ref.sentences.map((s, i) => [i, JSON.stringify(s).slice(0, 60)] as const))(
    'sentence %i (%s): ids identical to sentence-transformers',
    (i) => {
      expect(tok.encode(ref.sentences[i]!)).toEqual(ref.input_ids[i]);
    },
  );

  it(`truncates a text longer than ${maxSeqLength} word-pieces to start + ${maxSeqLength - 2} pieces + end`, () => {
    const long = ref.sentences.at(-1)!;
    expect(ref.long_sentence_untruncated_tokens).toBeGreaterThan(maxSeqLength);
    const ids = tok.encode(long);
    expect(ids).toHaveLength(maxSeqLength);
    expect(ids[0]).toBe(cls);
    expect(ids[maxSeqLength - 1]).toBe(sep);
  });
});

describe('SbertTokenizer batches', () => {
  const dir = resolveModelDir();
  const tok = SbertTokenizer.load(dir, 256, 0);

  it('pads a batch on the right with the pad id and a 0 mask', () => {
    const b = tok.batch(['5.70 to 14.71', '', 'NIL']);
    expect(b.batch).toBe(3);
    expect(b.length).toBe(reference.input_ids[0]!.length);
    const row = (arr: BigInt64Array, r: number) => Array.from(arr.subarray(r * b.length, (r + 1) * b.length), Number);
    expect(row(b.ids, 0)).toEqual(reference.input_ids[0]);
    expect(row(b.ids, 1)).toEqual([101, 102, ...Array(b.length - 2).fill(0)]);
    expect(row(b.mask, 1)).toEqual([1, 1, ...Array(b.length - 2).fill(0)]);
    expect(row(b.mask, 0)).toEqual(Array(b.length).fill(1));
  });
});
