/**
 * AdamW over a FlatShard's local slice only (ZeRO stages 1-3's optimizer partitioning): lib/optim's native AdamW is
 * handed the 1-D shard as a single parameter, so masters (fp32, for bf16/fp16 weights) and both moments cost
 * 1/world of the full model per rank. Element-wise updates make this identical to AdamW over the full parameters.
 * `stateDevice: 'cpu'` keeps masters and moments on the CPU when the shard lives on a GPU (DeepSpeed's offload).
 *
 * Checkpoints: gatherFullState() returns, on rank 0, the weights and the optimizer state in the ORIGINAL parameter
 * names and shapes, in the same naming as a non-sharded AdamW's exportState (exp_avg.<name>, exp_avg_sq.<name>,
 * master.<name>, step.<name>), so one checkpoint format serves 1 rank or N; reshard.ts loads it into any world size.
 */
import { AdamW, type AdamWOptions } from '../optim/index.js';
import { BYTES_PER_ELEMENT, Tensor } from '../tensor/index.js';
import type { FlatShard } from './flat-shard.js';

/** The name the optimizer knows the flat shard by. */
export const FLAT_PARAM = '__flat__';

export interface FullState {
  /** name -> full parameter (original shape and dtype). */
  weights: Map<string, Tensor>;
  /** AdamW state in the non-sharded naming: `<kind>.<name>`. */
  optimizer: Map<string, Tensor>;
}

export class ShardedAdamW {
  readonly optimizer: AdamW;
  readonly #local: Tensor;

  constructor(readonly shard: FlatShard, opts: AdamWOptions = {}) {
    this.#local = shard.local();
    this.optimizer = new AdamW(new Map([[FLAT_PARAM, this.#local]]), opts);
  }

  /** One AdamW update of the local slice (after shard.reduceScatterGrads()). */
  step(lr: number): Promise<number> {
    return this.optimizer.step(lr);
  }
  zeroGrad(): void {
    this.optimizer.zeroGrad();
  }
  /** Global-norm clip across all ranks' shards (collective). */
  clipGradNorm(maxNorm: number): Promise<number> {
    return this.shard.clipGradNorm(maxNorm);
  }

  /** Bytes this rank holds for parameters + optimizer state (the local slice, masters, moments, step). */
  memoryBytes(): { params: number; optimizer: number } {
    return { params: this.#local.numel * BYTES_PER_ELEMENT[this.#local.dtype], optimizer: this.optimizer.stateBytes() };
  }

  /**
   * Collective: every rank must call it. Rank 0 gets the full state (weights + optimizer, original names/shapes);
   * other ranks get null. Costs one all-gather per state tensor (weights, moments, masters).
   */
  async gatherFullState(): Promise<FullState | null> {
    const names = this.shard.layout.names;
    const root = this.shard.group.rank === 0;
    // Non-root ranks drop each gathered piece at once, so their peak is one full tensor set, not the whole state.
    const keep = (m: Map<string, Tensor>): Map<string, Tensor> => {
      if (!root) for (const t of m.values()) t.dispose();
      return root ? m : new Map();
    };
    const weights = keep(await this.shard.gatherNamed(this.#local));
    const optimizer = new Map<string, Tensor>();
    const state = this.optimizer.exportState();
    try {
      for (const [key, t] of Object.entries(state)) {
        const kind = key.slice(0, key.length - FLAT_PARAM.length - 1);
        if (kind === 'step') {
          if (root) for (const n of names) optimizer.set(`step.${n}`, t.clone());
          continue;
        }
        for (const [n, v] of keep(await this.shard.gatherNamed(t))) optimizer.set(`${kind}.${n}`, v);
      }
    } finally {
      for (const t of Object.values(state)) t.dispose();
    }
    return root ? { weights, optimizer } : null;
  }

  dispose(): void {
    this.optimizer.dispose();
    this.#local.dispose();
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
}
