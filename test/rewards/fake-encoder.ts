/**
 * A deterministic SentenceEncoder for tests: cosines come from a table of assumed values (the spec's worked
 * examples assume cosines because SBERT is not the subject), and every call is recorded so tests can check that
 * one reward call makes exactly one batched `similarity` call. An unknown pair throws, so a reward that asks for
 * a pair the spec does not is caught.
 */
import type { SentenceEncoder } from '../../lib/rewards/index.js';

export class TableEncoder implements SentenceEncoder {
  readonly calls: Array<ReadonlyArray<readonly [string, string]>> = [];
  private readonly table = new Map<string, number>();

  constructor(entries: ReadonlyArray<readonly [string, string, number]>) {
    for (const [a, b, cos] of entries) this.table.set(key(a, b), cos);
  }

  async similarity(pairs: ReadonlyArray<readonly [string, string]>): Promise<number[]> {
    this.calls.push(pairs);
    return pairs.map(([a, b]) => {
      const cos = this.table.get(key(a, b));
      if (cos === undefined) throw new Error(`TableEncoder: no assumed cosine for ${JSON.stringify([a, b])}`);
      return cos;
    });
  }
}

function key(a: string, b: string): string {
  return `${a}\u0000${b}`;
}

/** Mirrors fake_cos in scripts/fixtures/rewards_python_semantics.py (lengths in code points, as Python's len). */
export class LengthEncoder implements SentenceEncoder {
  calls = 0;
  async similarity(pairs: ReadonlyArray<readonly [string, string]>): Promise<number[]> {
    this.calls++;
    return pairs.map(([a, b]) => (([...a].length * 7 + [...b].length * 3) % 201) / 100 - 1);
  }
}
