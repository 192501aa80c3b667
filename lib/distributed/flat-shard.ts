/**
 * FlatShard: ZeRO-3 style parameter sharding, model-agnostic (csrc/distributed/flat_shard.h does the work).
 * The named parameters are packed in order into one flat buffer padded to a multiple of the world size; this rank
 * keeps only its 1/world slice (`local`). Per step:
 *
 *   const params = await shard.gather();      // all-gather: name -> full tensor (views of one buffer, leaves)
 *   ... forward with params, await loss.backward() ...
 *   await shard.reduceScatterGrads();         // grads flat -> reduce-scatter -> mean over ranks, as local.grad
 *   shard.free();                              // the full buffer's memory is released now
 *   await optimizer.step(lr);                  // ShardedAdamW: AdamW over the local slice only
 *
 * All ranks must make the same calls in the same order (they are collectives).
 */
import { BYTES_PER_ELEMENT, DTYPE_CODE, noGradAsync, Tensor, type DType } from '../tensor/index.js';
import type { NativeLayout } from '../native/bindings/distributed.js';
import { native } from '../tensor/native.js';
import type { ProcessGroup } from './process-group.js';

export type FlatLayout = NativeLayout;

export class FlatShard {
  #id: number;
  readonly layout: FlatLayout;

  private constructor(id: number, readonly group: ProcessGroup) {
    this.#id = id;
    this.layout = native().shardLayout(id);
  }

  /**
   * Shards full parameters that every rank holds (same names, shapes, one dtype and device). With `syncFromRoot`
   * (default true) rank 0's values are broadcast first, so differently-initialised ranks start identical. The
   * caller's tensors are not kept: dispose them afterwards to actually save the memory.
   */
  static async create(group: ProcessGroup, params: ReadonlyMap<string, Tensor> | Record<string, Tensor>, { syncFromRoot = true } = {}): Promise<FlatShard> {
    const map = params instanceof Map ? params : new Map(Object.entries(params));
    const gid = group.id;
    const id = await group.enqueue(() =>
      native().shardCreate(gid, [...map.keys()], [...map.values()].map((t) => t.handle), syncFromRoot),
    );
    return new FlatShard(id, group);
  }

  /** Wraps a shard the addon already registered (a sharded model's block: QwenVL.shard). */
  static adopt(id: number, group: ProcessGroup): FlatShard {
    return new FlatShard(id, group);
  }

  /** From this rank's slice of a re-sharded checkpoint (see reshard.ts); no communication. */
  static fromLocal(group: ProcessGroup, names: readonly string[], shapes: readonly (readonly number[])[], local: Tensor): FlatShard {
    if (names.length !== shapes.length) throw new RangeError('FlatShard.fromLocal: names and shapes differ in length');
    return new FlatShard(native().shardFromLocal(group.id, names, shapes, local.handle), group);
  }

  get id(): number {
    if (this.#id < 0) throw new RangeError('FlatShard used after dispose()');
    return this.#id;
  }

  /** This rank's slice (1-D, layout.shardSize elements). Same storage as the shard: the optimizer updates it. */
  local(): Tensor {
    return new Tensor(native().shardLocal(this.id));
  }

  get isGathered(): boolean {
    return native().shardGathered(this.id);
  }

  /** All-gathers the full parameters: name -> tensor (original shape, requires grad, a view of one flat buffer). */
  async gather(): Promise<Map<string, Tensor>> {
    const id = this.id;
    const hs = await this.group.enqueue(() => native().shardGather(id));
    return new Map(this.layout.names.map((n, i) => [n, new Tensor(hs[i]!)]));
  }

  /**
   * Gather once, run `fn` with the full parameters, free - even if `fn` throws. This is the shape of generation under
   * ZeRO-3: gather the policy ONCE per rollout, never per decode step (that costs hours: trl#3858), and keep every
   * rank generating in lockstep since the gather is a collective. Grad mode is off until `fn` settles; the
   * parameters handed to `fn` are disposed afterwards (do not keep them).
   */
  async withGathered<T>(fn: (params: ReadonlyMap<string, Tensor>) => Promise<T> | T): Promise<T> {
    const params = await this.gather();
    try {
      return await noGradAsync(async () => fn(params));
    } finally {
      this.free();
      for (const t of params.values()) t.dispose();
    }
  }

  /**
   * Releases the gathered buffer's memory now, even if views are still referenced: each view becomes an empty [0]
   * tensor (so using a freed parameter fails on its shape; it never reads freed memory).
   */
  free(): void {
    native().shardFree(this.id);
  }

  /** Reduce-scatters the gathered parameters' grads: local.grad = mean over ranks of this rank's slice. */
  async reduceScatterGrads(): Promise<void> {
    const id = this.id;
    const h = await this.group.enqueue(() => native().shardReduceScatterGrads(id));
    new Tensor(h).dispose(); // the grad stays on the shard; this handle was only the return value
  }

  /** clip_grad_norm_ over the whole (sharded) gradient: one all-reduce of the local squared norm. Pre-clip norm. */
  clipGradNorm(maxNorm: number): Promise<number> {
    const id = this.id;
    return this.group.enqueue(() => native().shardClipGradNorm(id, maxNorm));
  }

  /**
   * All-gathers a flat tensor laid out like the shard (the weights, or an optimizer moment of the shard) into
   * per-parameter tensors in the original names and shapes. Collective: every rank calls it; all get the result.
   */
  async gatherNamed(localFlat: Tensor): Promise<Map<string, Tensor>> {
    const id = this.id;
    const hs = await this.group.enqueue(() => native().shardGatherNamed(id, localFlat.handle));
    return new Map(this.layout.names.map((n, i) => [n, new Tensor(hs[i]!)]));
  }

  /** Bytes this rank holds for the parameters (the local slice only). */
  localBytes(dtype: DType): number {
    return this.layout.shardSize * BYTES_PER_ELEMENT[dtype];
  }

  get isDisposed(): boolean {
    return this.#id < 0;
  }
  dispose(): void {
    if (this.#id >= 0) native().shardDispose(this.#id);
    this.#id = -1;
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** Rank `rank`'s slice of `tensors` (in the order given) packed flat for `world` ranks. Pure; used to re-shard. */
export function sliceForRank(names: readonly string[], tensors: readonly Tensor[], world: number, rank: number, dtype: DType): Tensor<DType, 1> {
  return new Tensor(native().shardSliceForRank(names, tensors.map((t) => t.handle), world, rank, DTYPE_CODE[dtype]));
}
