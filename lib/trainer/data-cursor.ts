/**
 * Where the next training example comes from: epoch e's order is `epochOrder(count, seed, e)` (a pure function of
 * the seed and the epoch), and `index` is the position in it. The whole data state of a run is therefore three
 * integers, saved in trainer_state.json's data_cursor, and a resume continues with exactly the examples the
 * uninterrupted run would have used (including across an epoch boundary).
 */
import { epochOrder } from '../data/examples.js';

export interface CursorState {
  epoch: number;
  index: number;
  seed: number;
}

export interface CursorTake {
  /** Index into the example list. */
  example: number;
  /** The epoch the example belongs to (part of its per-step draw key). */
  epoch: number;
}

export class ExampleCursor {
  #order: number[] | null = null;
  #orderEpoch = -1;

  constructor(
    readonly count: number,
    public epoch: number,
    public index: number,
    readonly seed: number,
  ) {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`ExampleCursor: need at least one example, got ${count}`);
    if (index < 0 || index > count) throw new RangeError(`ExampleCursor: index ${index} outside 0..${count}`);
  }

  static from(count: number, s: CursorState): ExampleCursor {
    return new ExampleCursor(count, s.epoch, s.index, s.seed);
  }

  #orderOf(epoch: number): number[] {
    if (this.#orderEpoch !== epoch) {
      this.#order = epochOrder(this.count, this.seed, epoch);
      this.#orderEpoch = epoch;
    }
    return this.#order!;
  }

  /** The next `n` examples, wrapping into the next epoch when this one is used up. */
  take(n: number): CursorTake[] {
    const out: CursorTake[] = [];
    for (let k = 0; k < n; k++) {
      if (this.index >= this.count) {
        this.epoch++;
        this.index = 0;
      }
      out.push({ example: this.#orderOf(this.epoch)[this.index]!, epoch: this.epoch });
      this.index++;
    }
    return out;
  }

  /** Fractional epochs done (HF's `epoch` metric). */
  get progress(): number {
    return this.epoch + this.index / this.count;
  }

  state(): CursorState & { count: number } {
    return { epoch: this.epoch, index: this.index, seed: this.seed, count: this.count };
  }
}
