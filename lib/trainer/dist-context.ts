/**
 * The trainer's view of a multi-process run (torchrun-style env, see lib/distributed/env.ts): the process group, which share
 * of each step's prompts this rank takes, and the agreements that keep ranks in lockstep. Sharded model calls are
 * collectives, so every decision that changes which calls a rank makes (skip this step, stop training) is taken by
 * all ranks together: any rank's reason to skip skips the step everywhere.
 */
import type { TrainConfig } from '../config/schema.js';
import { initProcessGroup, type ProcessGroup, readDistEnv } from '../distributed/index.js';
import { rankDevice } from '../distributed/device.js';
import { distTimeoutMsFromEnv } from '../env.js';
import { type Device, tensor } from '../tensor/index.js';
import type { StepMetrics } from '../grpo/policy-update.js';

export interface DistContext {
  group: ProcessGroup;
  rank: number;
  world: number;
  /** True on every rank when it is true on any rank (one all-reduce). */
  anyTrue(flag: boolean): Promise<boolean>;
  /** The sum of `x` over ranks (one all-reduce, float64: exact for counts). */
  sum(x: number): Promise<number>;
  /** The largest `x` of any rank (one all-reduce). */
  max(x: number): Promise<number>;
  /** Numeric metrics averaged over ranks (times: the slowest rank's). Collective. */
  reduceMetrics(m: StepMetrics): Promise<StepMetrics>;
}

/** A DistContext when WORLD_SIZE > 1 in the environment, else null (a single-process run). */
export async function initTrainingDist(cfg: TrainConfig, env: NodeJS.ProcessEnv = process.env): Promise<DistContext | null> {
  const e = readDistEnv(env);
  if (e.worldSize === 1) return null;
  const timeoutMs = distTimeoutMsFromEnv(env);
  const group = await initProcessGroup({ timeoutMs, device: rankDevice(cfg.device as Device, e.localRank, e.worldSize), env: e });
  return distContext(group);
}

export function distContext(group: ProcessGroup): DistContext {
  const reduce = async (x: number, op: 'sum' | 'max') => {
    const t = tensor([x], { dtype: 'float64', device: group.device });
    try {
      await group.allReduce(t, op);
      return t.item();
    } finally {
      t.dispose();
    }
  };
  return {
    group,
    rank: group.rank,
    world: group.worldSize,
    async anyTrue(flag) {
      const t = tensor([flag ? 1 : 0], { dtype: 'float32', device: group.device });
      try {
        await group.allReduce(t, 'max');
        return t.item() > 0;
      } finally {
        t.dispose();
      }
    },
    sum: (x) => reduce(x, 'sum'),
    max: (x) => reduce(x, 'max'),
    async reduceMetrics(m) {
      // Same keys on every rank (same config, steps skipped together); a mismatch in the key count is detected and
      // then this rank's own values are kept rather than averaging unrelated numbers.
      const keys = Object.keys(m).filter((k) => typeof m[k] === 'number').sort();
      const count = tensor([keys.length, -keys.length], { dtype: 'float64', device: group.device });
      try {
        await group.allReduce(count, 'max');
        const [hi, negLo] = Array.from(count.toArray() as Float64Array);
        if (hi !== keys.length || -negLo! !== keys.length) return m;
      } finally {
        count.dispose();
      }
      const times = keys.filter((k) => k.startsWith('time/'));
      const means = keys.filter((k) => !k.startsWith('time/'));
      const out: StepMetrics = { ...m };
      const sum = tensor(means.map((k) => m[k] as number), { dtype: 'float64', device: group.device });
      const max = tensor(times.map((k) => m[k] as number), { dtype: 'float64', device: group.device });
      try {
        if (means.length) await group.allReduce(sum, 'sum');
        if (times.length) await group.allReduce(max, 'max');
        const s = sum.toArray() as Float64Array, x = max.toArray() as Float64Array;
        means.forEach((k, i) => (out[k] = s[i]! / group.worldSize));
        times.forEach((k, i) => (out[k] = x[i]!));
      } finally {
        sum.dispose();
        max.dispose();
      }
      return out;
    },
  };
}

/** This rank's contiguous share of a step's items (per_device_train_batch_size x gradient_accumulation_steps each). */
export function rankShare<T>(items: readonly T[], dist: DistContext | null | undefined): T[] {
  if (!dist) return [...items];
  const k = items.length / dist.world;
  return items.slice(dist.rank * k, (dist.rank + 1) * k);
}
