/**
 * SbertEncoder: sentence-transformers all-MiniLM-L6-v2 or all-mpnet-base-v2 (BERT / MPNet folders) on libtorch.
 * This is what the explain/correction reward uses (spec §1.3) through the SentenceEncoder interface:
 *
 *   const sbert = await SbertEncoder.load();               // folder discovery: see model-dir.ts
 *   const cos = await sbert.similarity([[pred, gt], [pred, rej]]);
 *   sbert.dispose();
 *
 * Texts are tokenised in TS (tokenize.ts), encoded natively off the JS thread (csrc/sbert/), and batched like
 * SentenceTransformer.encode: sorted by length (longest first), batch_size 32 by default, results in input order.
 */
import type { SentenceEncoder } from '../rewards/sentence-encoder.js';
import { type Device, fromTypedArray } from '../tensor/factory.js';
import { Tensor } from '../tensor/tensor.js';
import { loadSbertConfig, type SbertModelConfig } from './config.js';
import { cosine } from './cosine.js';
import { resolveModelDir, type SbertModelName } from './model-dir.js';
import { native } from '../tensor/native.js';
import { SbertTokenizer } from './tokenize.js';

export interface SbertLoadOptions {
  /** Which model to look for when modelDir is not given (default all-MiniLM-L6-v2, the reward's model). */
  model?: SbertModelName;
  /** The model folder; otherwise the model's env variable, then <repo>/.cache/models/<model> (see model-dir.ts). */
  modelDir?: string;
  /** 'cpu' (default) or a CUDA device. */
  device?: Device;
}

export interface SbertEncodeOptions {
  /** Texts per native forward pass (sentence-transformers' default and the reward's setting: 32). */
  batchSize?: number;
}

export class SbertEncoder implements SentenceEncoder {
  #id: number;

  private constructor(
    id: number,
    readonly config: SbertModelConfig,
    readonly tokenizer: SbertTokenizer,
    readonly device: Device,
  ) {
    this.#id = id;
  }

  static async load(opts: SbertLoadOptions = {}): Promise<SbertEncoder> {
    const dir = resolveModelDir(opts.modelDir, process.env, opts.model);
    const config = loadSbertConfig(dir);
    const tokenizer = SbertTokenizer.load(dir, config.maxSeqLength, config.native.padTokenId);
    const device = opts.device ?? 'cpu';
    const id = await native().sbertLoad(`${dir}/model.safetensors`, config.native, device);
    return new SbertEncoder(id, config, tokenizer, device);
  }

  /** Embedding width (384 for all-MiniLM-L6-v2). */
  get dim(): number {
    return this.config.embeddingDim;
  }

  /** The native encoder id, for code (and tests) that call the addon's sbert* bindings (lib/native/bindings/sbert.ts) directly. */
  get nativeId(): number {
    return this.#live();
  }

  get isDisposed(): boolean {
    return this.#id < 0;
  }

  #live(): number {
    if (this.#id < 0) throw new Error('SbertEncoder used after dispose()');
    return this.#id;
  }

  /** Embeddings as one row-major Float32Array [texts.length * dim], in input order. */
  async embed(texts: readonly string[], { batchSize = 32 }: SbertEncodeOptions = {}): Promise<Float32Array> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    const id = this.#live();
    const dim = this.dim;
    const out = new Float32Array(texts.length * dim);
    // Longest first, so texts of similar length share a batch (SentenceTransformer.encode sorts by characters; by
    // word-pieces is tighter). Batch composition does not change results: the encoder skips padding entirely.
    const rows = texts.map((t) => this.tokenizer.encode(t));
    const order = rows.map((_, i) => i).sort((a, b) => rows[b]!.length - rows[a]!.length || a - b);
    for (let start = 0; start < order.length; start += batchSize) {
      const idx = order.slice(start, start + batchSize);
      const tb = this.tokenizer.pad(idx.map((i) => rows[i]!));
      const ids = fromTypedArray(tb.ids, [tb.batch, tb.length], 'int64');
      const mask = fromTypedArray(tb.mask, [tb.batch, tb.length], 'int64');
      let emb: Tensor<'float32'> | undefined;
      try {
        emb = new Tensor<'float32'>(await native().sbertEncode(id, ids.handle, mask.handle), 'float32');
        const rows = emb.toArray();
        idx.forEach((orig, r) => out.set(rows.subarray(r * dim, (r + 1) * dim), orig * dim));
      } finally {
        ids.dispose();
        mask.dispose();
        emb?.dispose();
      }
    }
    return out;
  }

  /** Embeddings as a [texts.length, dim] float32 tensor on the CPU (the caller owns it). */
  async encode(texts: readonly string[], opts: SbertEncodeOptions = {}): Promise<Tensor<'float32'>> {
    const flat = await this.embed(texts, opts);
    return fromTypedArray(flat, [texts.length, this.dim], 'float32');
  }

  /**
   * Cosine similarity of each pair, in order. Every distinct text of the call is encoded once, in one batched pass
   * (the reference encodes all texts of a reward call in a single encode() with batch_size 32).
   */
  async similarity(pairs: ReadonlyArray<readonly [string, string]>, opts: SbertEncodeOptions = {}): Promise<number[]> {
    const slot = new Map<string, number>();
    for (const [a, b] of pairs) {
      if (!slot.has(a)) slot.set(a, slot.size);
      if (!slot.has(b)) slot.set(b, slot.size);
    }
    const flat = await this.embed([...slot.keys()], opts);
    const dim = this.dim;
    const row = (t: string): Float32Array => {
      const i = slot.get(t)!;
      return flat.subarray(i * dim, (i + 1) * dim);
    };
    return pairs.map(([a, b]) => cosine(row(a), row(b)));
  }

  /** Parameter count and device, as the native side sees them. */
  info(): { parameters: number; hiddenSize: number; device: string } {
    return native().sbertInfo(this.#live());
  }

  /** Frees the weights (an encode still running keeps them until it ends). Idempotent. */
  dispose(): void {
    if (this.#id < 0) return;
    native().sbertDispose(this.#id);
    this.#id = -1;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}
