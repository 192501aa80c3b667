/**
 * ProcessGroup: libtorch c10d collectives (Gloo on CPU, NCCL on CUDA builds) on Tensors. Every call returns a Promise
 * and runs off the JS thread; calls are chained so they reach the backend in JS call order, which c10d requires to be
 * the same on every rank (two un-awaited collectives can otherwise be issued in different orders and deadlock).
 * Every collective is bounded by `timeoutMs`: a dead or stuck peer rejects with a TorchError naming the op, the rank,
 * the store address and the timeout, and the group is unusable afterwards (exit the worker; the launcher restarts).
 */
import { type Device, Tensor, deviceAudit } from '../tensor/index.js';
import { collectiveDevice } from './device.js';
import { type DistEnv, readDistEnv } from './env.js';
import type { ReduceOp } from '../native/bindings/distributed.js';
import { native } from '../tensor/native.js';

export type Backend = 'gloo' | 'nccl';

export interface InitOptions {
  /** 'auto' = NCCL when the addon has it and `device` is CUDA, else Gloo. Default 'auto'. */
  backend?: 'auto' | Backend;
  /** Bound on rendezvous and on every collective. Default 30 min (torch's default); tests use seconds. */
  timeoutMs?: number;
  /** The training device: picks the backend under 'auto' and the device of `group.device`. Default 'cpu'. */
  device?: string;
  /** Overrides for the env (RANK, WORLD_SIZE, ...); unset fields come from process.env. */
  env?: Partial<DistEnv>;
}

export function availableBackends(): { gloo: boolean; nccl: boolean } {
  return native().distBackends();
}

export function resolveBackend(requested: 'auto' | Backend, device: string): Backend {
  const have = availableBackends();
  const pick: Backend = requested === 'auto' ? (have.nccl && device.startsWith('cuda') ? 'nccl' : 'gloo') : requested;
  if (!have[pick]) {
    throw new Error(
      pick === 'nccl'
        ? 'backend nccl: this addon was built without NCCL (a CUDA libtorch and nccl.h are needed at build time); use gloo'
        : 'backend gloo: this addon was built without Gloo (RARFT_WITHOUT_GLOO=1); `npm run setup` fetches the Gloo headers, then rebuild with `npm run build`',
    );
  }
  return pick;
}

/** Rendezvous (rank 0 hosts a c10d TCPStore at MASTER_ADDR:MASTER_PORT) and backend creation. */
export async function initProcessGroup(opts: InitOptions = {}): Promise<ProcessGroup> {
  const env: DistEnv = { ...readDistEnv(), ...opts.env };
  const timeoutMs = opts.timeoutMs ?? 30 * 60_000;
  if (!(timeoutMs > 0 && Number.isInteger(timeoutMs))) throw new RangeError(`timeoutMs must be a positive integer, got ${timeoutMs}`);
  const backend = resolveBackend(opts.backend ?? 'auto', opts.device ?? 'cpu');
  const device: Device = collectiveDevice(backend, opts.device ?? 'cpu', env.localRank, deviceAudit.devices() > 0);
  const id = await native().distInit({
    device,
    backend,
    rank: env.rank,
    worldSize: env.worldSize,
    localRank: env.localRank,
    masterAddr: env.masterAddr,
    masterPort: env.masterPort,
    timeoutMs,
  });
  return new ProcessGroup(id, env, backend, timeoutMs, device);
}

export class ProcessGroup {
  #id: number;
  #queue: Promise<unknown> = Promise.resolve();

  /**
   * Use initProcessGroup(). `device`: where tensors given to the collectives must live (NCCL: this rank's GPU; Gloo:
   * the CPU); make small control tensors (flags, metric sums) there.
   */
  constructor(id: number, readonly env: DistEnv, readonly backend: Backend, readonly timeoutMs: number, readonly device: Device = 'cpu') {
    this.#id = id;
  }

  get rank(): number {
    return this.env.rank;
  }
  get worldSize(): number {
    return this.env.worldSize;
  }
  /** The native id (for FlatShard). Throws after destroy(). */
  get id(): number {
    if (this.#id < 0) throw new RangeError('ProcessGroup used after destroy()');
    return this.#id;
  }

  /** Runs `fn` after every previously issued call has settled (in order), whatever their outcome. */
  enqueue<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** In place: every rank's `t` becomes the sum / mean / max over ranks. */
  allReduce(t: Tensor, op: ReduceOp = 'sum'): Promise<void> {
    const id = this.id;
    return this.enqueue(() => native().distAllReduce(id, t.handle, op));
  }

  /** In place: every rank's `t` becomes rank `root`'s. */
  broadcast(t: Tensor, root = 0): Promise<void> {
    const id = this.id;
    return this.enqueue(() => native().distBroadcast(id, t.handle, root));
  }

  /** A new 1-D tensor of world x t.numel elements: rank r's (flattened) `t` at [r*n, (r+1)*n). */
  allGather<T extends Tensor>(t: T): Promise<Tensor<T['dtype'], 1>> {
    const id = this.id;
    return this.enqueue(async () => new Tensor(await native().distAllGather(id, t.handle)));
  }

  /** A new 1-D tensor of numel/world elements: slice `rank` of the reduction over ranks of the flat `t`. */
  reduceScatter<T extends Tensor>(t: T, op: ReduceOp = 'sum'): Promise<Tensor<T['dtype'], 1>> {
    const id = this.id;
    return this.enqueue(async () => new Tensor(await native().distReduceScatter(id, t.handle, op)));
  }

  barrier(): Promise<void> {
    const id = this.id;
    return this.enqueue(() => native().distBarrier(id));
  }

  get isDestroyed(): boolean {
    return this.#id < 0;
  }

  /** Releases the backend and the store (after pending calls settle). Safe to call twice. */
  async destroy(): Promise<void> {
    if (this.#id < 0) return;
    const id = this.#id;
    this.#id = -1;
    await this.enqueue(() => native().distDestroy(id));
  }
}
