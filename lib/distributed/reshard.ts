/**
 * Loading a full checkpoint (ShardedAdamW.gatherFullState, or a non-sharded run's weights + AdamW state) into ANY
 * world size: the flat layout is a pure function of (parameter order, shapes, world), so each rank packs the full
 * tensors and keeps its slice. Every rank reads the full state (simple, and what a resume from one file needs; for
 * very large models prefer loading it lazily from safetensors per tensor).
 */
import { type DType, Tensor } from '../tensor/index.js';
import { FlatShard, sliceForRank } from './flat-shard.js';
import type { ProcessGroup } from './process-group.js';
import { FLAT_PARAM, type FullState, ShardedAdamW } from './sharded-adamw.js';
import type { AdamWOptions } from '../optim/index.js';

export interface ShardedState {
  names: string[];
  shapes: number[][];
  dtype: DType;
  /** This rank's slice of the packed weights. */
  weights: Tensor;
  /** This rank's slices of the optimizer state, keyed like the sharded optimizer's exportState (`<kind>.__flat__`). */
  optimizer: Map<string, Tensor>;
}

const KINDS = ['exp_avg', 'exp_avg_sq', 'master'] as const;

/**
 * Rank `rank`'s share of `full` for `world` ranks. `names` fixes the parameter order (default: the weights' insertion
 * order); it only has to be the same on every rank of the NEW run, not the one that saved.
 */
export function loadSharded(full: FullState, rank: number, world: number, names?: readonly string[]): ShardedState {
  if (!(world >= 1 && rank >= 0 && rank < world)) throw new RangeError(`loadSharded: rank ${rank} is not in [0, ${world})`);
  const order = [...(names ?? full.weights.keys())];
  const weightsOf = order.map((n) => {
    const t = full.weights.get(n);
    if (!t) throw new RangeError(`loadSharded: the checkpoint has no weights for '${n}'`);
    return t;
  });
  const dtype = weightsOf[0]!.dtype;
  const optimizer = new Map<string, Tensor>();
  for (const kind of KINDS) {
    const present = order.filter((n) => full.optimizer.has(`${kind}.${n}`));
    if (present.length === 0) continue;
    if (present.length !== order.length) throw new RangeError(`loadSharded: optimizer state '${kind}' is missing for some parameters`);
    const ts = order.map((n) => full.optimizer.get(`${kind}.${n}`)!);
    optimizer.set(`${kind}.${FLAT_PARAM}`, sliceForRank(order, ts, world, rank, 'float32'));
  }
  const step = full.optimizer.get(`step.${order[0]}`);
  if (step) optimizer.set(`step.${FLAT_PARAM}`, step.clone());
  return {
    names: order,
    shapes: weightsOf.map((t) => [...t.shape]),
    dtype,
    weights: sliceForRank(order, weightsOf, world, rank, dtype),
    optimizer,
  };
}

/** A FlatShard + ShardedAdamW resumed from a full state on this group's rank/world. */
export function restoreSharded(group: ProcessGroup, full: FullState, opts: AdamWOptions = {}, names?: readonly string[]): { shard: FlatShard; optimizer: ShardedAdamW } {
  const s = loadSharded(full, group.rank, group.worldSize, names);
  try {
    const shard = FlatShard.fromLocal(group, s.names, s.shapes, s.weights);
    const optimizer = new ShardedAdamW(shard, opts);
    if (s.optimizer.size > 0) {
      // A checkpoint saved with masters (bf16 or offloaded) may resume where none are kept (fp32 on-device), and back.
      const wantsMaster = optimizer.optimizer.info()[0]?.hasMaster ?? false;
      const state: Record<string, Tensor> = {};
      for (const [k, v] of s.optimizer) if (wantsMaster || !k.startsWith('master.')) state[k] = v;
      const master = wantsMaster && !s.optimizer.has(`master.${FLAT_PARAM}`) ? s.weights.float() : null;
      if (master) state[`master.${FLAT_PARAM}`] = master;
      optimizer.optimizer.importState(state);
      master?.dispose();
    }
    return { shard, optimizer };
  } finally {
    s.weights.dispose();
    for (const t of s.optimizer.values()) t.dispose();
  }
}
