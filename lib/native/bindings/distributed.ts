/**
 * The addon's c10d bindings (csrc/napi/distributed_group.cpp, distributed_shard.cpp). Part of NativeAddon (lib/native/addon.ts).
 */

export type ReduceOp = 'sum' | 'avg' | 'max';

export interface NativeGroupOptions {
  backend: 'gloo' | 'nccl';
  rank: number;
  worldSize: number;
  localRank: number;
  masterAddr: string;
  masterPort: number;
  timeoutMs: number;
  /** Where the group's tensors live (the device audit holds collectives to it). Default cpu. */
  device?: string;
}

export interface NativeLayout {
  names: string[];
  shapes: number[][];
  offsets: number[];
  total: number;
  padded: number;
  shardSize: number;
  world: number;
}

export interface DistributedBindings {
  distBackends(): { gloo: boolean; nccl: boolean };
  distInit(opts: NativeGroupOptions): Promise<number>;
  distAllReduce(id: number, t: number, op: ReduceOp): Promise<void>;
  distBroadcast(id: number, t: number, root: number): Promise<void>;
  distAllGather(id: number, t: number): Promise<number>;
  distReduceScatter(id: number, t: number, op: ReduceOp): Promise<number>;
  distBarrier(id: number): Promise<void>;
  distDestroy(id: number): Promise<void>;

  shardCreate(group: number, names: readonly string[], params: readonly number[], syncFromRoot: boolean): Promise<number>;
  shardFromLocal(group: number, names: readonly string[], shapes: readonly (readonly number[])[], local: number): number;
  shardLayout(id: number): NativeLayout;
  shardLocal(id: number): number;
  shardGathered(id: number): boolean;
  shardGather(id: number): Promise<number[]>;
  shardFree(id: number): void;
  shardReduceScatterGrads(id: number): Promise<number>;
  shardClipGradNorm(id: number, maxNorm: number): Promise<number>;
  shardGatherNamed(id: number, local: number): Promise<number[]>;
  shardSliceForRank(names: readonly string[], tensors: readonly number[], world: number, rank: number, dtype: number): number;
  shardDispose(id: number): void;
}
