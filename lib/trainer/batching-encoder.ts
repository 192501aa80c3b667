/**
 * One SBERT call per step: the explain/correction reward asks its encoder once per example, and a step scores its
 * examples concurrently, so this wrapper collects every `similarity` call made in the same tick and sends them to
 * the real encoder as ONE batch (the native encoder sorts by length and batches internally, so a bigger call is
 * cheaper per pair than several small ones). Results are split back to the callers in order.
 */
import type { SentenceEncoder } from '../rewards/sentence-encoder.js';

interface Pending {
  pairs: ReadonlyArray<readonly [string, string]>;
  resolve: (v: number[]) => void;
  reject: (e: unknown) => void;
}

export class BatchingEncoder implements SentenceEncoder {
  #queue: Pending[] = [];
  #scheduled = false;
  /** Calls made to the wrapped encoder (for the step metrics and the tests). */
  batches = 0;
  pairs = 0;

  constructor(readonly inner: SentenceEncoder) {}

  similarity(pairs: ReadonlyArray<readonly [string, string]>): Promise<number[]> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ pairs, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // setImmediate runs after every promise continuation queued now: all examples' reward calls have arrived
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    const batch = this.#queue;
    this.#queue = [];
    this.#scheduled = false;
    const all = batch.flatMap((p) => p.pairs);
    if (!all.length) {
      for (const p of batch) p.resolve([]);
      return;
    }
    this.batches++;
    this.pairs += all.length;
    try {
      const sims = await this.inner.similarity(all);
      let k = 0;
      for (const p of batch) {
        p.resolve(sims.slice(k, k + p.pairs.length));
        k += p.pairs.length;
      }
    } catch (e) {
      for (const p of batch) p.reject(e);
    }
  }
}
