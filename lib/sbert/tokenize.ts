/**
 * Word-piece tokenisation as sentence-transformers does it for BERT / MPNet models: tokenizer.json (BertNormalizer,
 * BertPreTokenizer, WordPiece, then [CLS] A [SEP] or MPNet's <s> A </s>) through @huggingface/tokenizers, then truncation to max_seq_length
 * tokens including the specials (HF `truncation=True, max_length=max_seq_length`: the sentence's tail is cut, the
 * final [SEP] kept), then right padding with the pad id to the longest text of the batch.
 *
 * The tokenizer.json of all-MiniLM-L6-v2 (and of all-mpnet-base-v2) carries its own truncation (128) and fixed padding (128); sentence-
 * transformers overrides both per call, and @huggingface/tokenizers applies neither, so both are done here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Tokenizer } from '@huggingface/tokenizers';

import { DataError } from '../errors.js';

export interface TokenBatch {
  /** Row-major [batch, length] token ids. */
  ids: BigInt64Array;
  /** Row-major [batch, length]: 1 for tokens, 0 for padding. */
  mask: BigInt64Array;
  batch: number;
  length: number;
}

export class SbertTokenizer {
  readonly #tok: Tokenizer;
  readonly padId: number;

  private constructor(
    tok: Tokenizer,
    readonly maxSeqLength: number,
    padId: number,
  ) {
    this.#tok = tok;
    this.padId = padId;
  }

  /** padId: the model's pad_token_id (config.json), used to fill padding columns. */
  static load(dir: string, maxSeqLength: number, padId = 0): SbertTokenizer {
    const read = (name: string, optional = false): object => {
      const file = join(dir, name);
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as object;
      } catch (err) {
        if (optional && (err as NodeJS.ErrnoException).code === 'ENOENT') return {};
        throw new DataError(`cannot load: ${(err as Error).message}`, { file });
      }
    };
    const json = read('tokenizer.json') as { model?: { type?: string } };
    if (json.model?.type !== 'WordPiece')
      throw new DataError(`tokenizer model "${json.model?.type}" is not WordPiece`, { file: join(dir, 'tokenizer.json'), field: 'model.type' });
    return new SbertTokenizer(new Tokenizer(json, read('tokenizer_config.json', true)), maxSeqLength, padId);
  }

  /** Ids of one text: [CLS] pieces [SEP], truncated to maxSeqLength. */
  encode(text: string): number[] {
    const ids = this.#tok.encode(text, { add_special_tokens: true }).ids;
    if (ids.length <= this.maxSeqLength) return ids;
    return [...ids.slice(0, this.maxSeqLength - 1), ids[ids.length - 1]!];
  }

  /** Tokenises and right-pads a batch to its longest member. */
  batch(texts: readonly string[]): TokenBatch {
    return this.pad(texts.map((t) => this.encode(t)));
  }

  /** Right-pads already tokenised rows (from encode) to the longest one. */
  pad(rows: readonly (readonly number[])[]): TokenBatch {
    const length = rows.reduce((m, r) => Math.max(m, r.length), 0);
    const ids = new BigInt64Array(rows.length * length).fill(BigInt(this.padId));
    const mask = new BigInt64Array(rows.length * length);
    rows.forEach((row, b) => {
      for (let i = 0; i < row.length; i++) {
        ids[b * length + i] = BigInt(row[i]!);
        mask[b * length + i] = 1n;
      }
    });
    return { ids, mask, batch: rows.length, length };
  }
}
