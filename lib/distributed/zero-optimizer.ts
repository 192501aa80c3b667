/**
 * The optimizer of a ZeRO-3 sharded QwenVL (QwenVL.shard): AdamW over the local slices of the model's trainable
 * block shards, one AdamW "parameter" per block, so fp32 masters and both moments cost 1/world per rank
 * (`stateDevice: 'cpu'` keeps them on the host: DeepSpeed's zero3_offload). AdamW is element-wise and the weight
 * decay uniform, so updating flat slices equals updating the full parameters.
 *
 * Per update (what policyUpdate / sftStep call, in this order, on every rank):
 *   zeroGrad()          drops grads and anything a skipped forward left gathered
 *   ... forwards + backwards (each block's grads are reduce-scattered during the backward) ...
 *   clipGradNorm(max)   finishes the backward ("rest" block's grads), then clips by the GLOBAL norm (one all-reduce)
 *   step(lr)
 *
 * Checkpoints use the non-sharded naming (exp_avg.<param>, exp_avg_sq.<param>, master.<param>, step.<param>), so a
 * checkpoint written by N ranks resumes on M ranks or on one, and the other way round.
 */
import { type SafetensorsEntrySpec, SafetensorsWriter } from '../io/safetensors-writer.js';
import { AdamW, type AdamWOptions } from '../optim/adamw.js';
import { type Tensor, tensor } from '../tensor/index.js';
import type { ModelShards, QwenVL } from '../qwen/qwen.js';
import { type FlatShard, sliceForRank } from './flat-shard.js';
import type { ProcessGroup } from './process-group.js';

/** What a training step needs from its optimizer (AdamW itself fits). */
export interface UpdateOptimizer {
  zeroGrad(): void;
  clipGradNorm(maxNorm: number): Promise<number>;
  step(lr: number): Promise<number>;
}

const MOMENTS = ['exp_avg', 'exp_avg_sq', 'master'] as const;

interface Block {
  name: string;
  shard: FlatShard;
  local: Tensor;
}

export class ZeroOptimizer implements UpdateOptimizer {
  readonly adamw: AdamW;
  readonly #blocks: Block[];

  constructor(
    readonly model: QwenVL,
    shards: ModelShards,
    readonly group: ProcessGroup,
    opts: AdamWOptions = {},
  ) {
    this.#blocks = shards.blocks.flatMap((b) => (b.trainable ? [{ name: b.name, shard: b.trainable, local: b.trainable.local() }] : []));
    if (!this.#blocks.length) throw new RangeError('ZeroOptimizer: the model has no trainable parameters');
    this.adamw = new AdamW(new Map(this.#blocks.map((b) => [b.name, b.local])), opts);
  }

  zeroGrad(): void {
    this.model.releaseBindings();
    this.adamw.zeroGrad();
  }

  /** Global-norm clip over all ranks' slices; returns the pre-clip norm (non-finite: grads untouched). */
  async clipGradNorm(maxNorm: number): Promise<number> {
    if (!(maxNorm > 0)) throw new RangeError('clipGradNorm: maxNorm must be > 0');
    await this.model.finishBackward(this.group);
    const local = await this.adamw.localGradNorm();
    const sq = tensor([local * local], { dtype: 'float64', device: this.group.device });
    let total: number;
    try {
      await this.group.allReduce(sq, 'sum');
      total = Math.sqrt(sq.item());
    } finally {
      sq.dispose();
    }
    if (!Number.isFinite(total)) return total;
    const coef = maxNorm / (total + 1e-6);
    if (coef < 1) await this.adamw.scaleGrads(coef);
    return total;
  }

  step(lr: number): Promise<number> {
    return this.adamw.step(lr);
  }

  /** Bytes this rank holds: parameter slices (trainable + frozen) and optimizer state (masters, moments, steps). */
  memoryBytes(): { params: number; optimizer: number } {
    return { params: this.model.shardBytes(), optimizer: this.adamw.stateBytes() };
  }

  /**
   * Collective. Writes the full optimizer state in the non-sharded naming (the file an unsharded AdamW's
   * saveOptimizerState writes, so a run resumes in any world size). Rank 0 appends each block's state to the file as
   * soon as it is gathered (SafetensorsWriter) instead of holding the whole state: its peak is one block, where the
   * whole is 12 bytes per trainable parameter (~90 GB for 7B). Other ranks only take part in the gathers.
   */
  async writeFullState(path: string, metadata: Record<string, string>): Promise<void> {
    const root = this.group.rank === 0;
    const state = this.adamw.exportState();
    let writer: SafetensorsWriter | null = null;
    try {
      if (root) writer = new SafetensorsWriter(path, this.#fileEntries(state), metadata);
      for (const b of this.#blocks) {
        for (const kind of MOMENTS) {
          const t = state[`${kind}.${b.name}`];
          if (!t) continue;
          const parts = await b.shard.gatherNamed(t);
          try {
            if (writer) for (const [n, v] of parts) await writer.append(`${kind}.${n}`, v);
          } finally {
            for (const v of parts.values()) v.dispose();
          }
        }
        const step = state[`step.${b.name}`];
        if (step && writer) for (const n of b.shard.layout.names) await writer.append(`step.${n}`, step);
      }
      await writer?.finish();
    } catch (e) {
      writer?.abort();
      throw e;
    } finally {
      for (const t of Object.values(state)) t.dispose();
    }
  }

  /** The file's tensors in the order writeFullState appends them. */
  #fileEntries(state: Readonly<Record<string, Tensor>>): SafetensorsEntrySpec[] {
    const out: SafetensorsEntrySpec[] = [];
    for (const b of this.#blocks) {
      const { names, shapes } = b.shard.layout;
      for (const kind of MOMENTS) {
        const t = state[`${kind}.${b.name}`];
        if (t) names.forEach((n, i) => out.push({ name: `${kind}.${n}`, dtype: t.dtype, shape: shapes[i]! }));
      }
      const step = state[`step.${b.name}`];
      if (step) for (const n of names) out.push({ name: `step.${n}`, dtype: step.dtype, shape: step.shape });
    }
    return out;
  }

  /**
   * Loads a full (non-sharded naming) state: each block keeps this rank's slice. A state saved with fp32 masters may
   * resume where none are kept, and the other way round (masters then start from the weights).
   */
  importFullState(full: Readonly<Record<string, Tensor>>): void {
    const wantsMaster = this.adamw.info()[0]?.hasMaster ?? false;
    const state: Record<string, Tensor> = {};
    try {
      for (const b of this.#blocks) {
        const names = b.shard.layout.names;
        for (const kind of MOMENTS) {
          if (kind === 'master' && !wantsMaster) continue;
          const ts = names.map((n) => full[`${kind}.${n}`]);
          if (ts.every((t) => t === undefined)) {
            if (kind === 'master') state[`master.${b.name}`] = b.local.float();
            continue;
          }
          const missing = names.find((_, i) => ts[i] === undefined);
          if (missing) throw new RangeError(`optimizer state: '${kind}.${missing}' is missing`);
          state[`${kind}.${b.name}`] = sliceForRank(names, ts as Tensor[], this.group.worldSize, this.group.rank, 'float32');
        }
        const step = full[`step.${names[0]}`];
        if (step) state[`step.${b.name}`] = step.clone();
      }
      this.adamw.importState(state);
    } finally {
      for (const t of Object.values(state)) t.dispose();
    }
  }

  dispose(): void {
    this.adamw.dispose();
    for (const b of this.#blocks) {
      b.local.dispose();
      b.shard.dispose();
    }
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
}
