// FlatShard pieces in one process (a world-1 Gloo group over a real TCPStore): gather views, free, grads, clipping,
// re-sharding slices for other world sizes, bf16 masters in the full state, and the errors users will meet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLAT_PARAM, FlatShard, freePort, initProcessGroup, loadSharded, resolveBackend, ShardedAdamW, sliceForRank, type ProcessGroup } from '../../lib/distributed/index.js';
import { AdamW } from '../../lib/optim/index.js';
import { cat, tensor, type Tensor } from '../../lib/tensor/index.js';
import { batch, initParams, loss, SMALL } from './mlp.js';

let pg: ProcessGroup;
beforeAll(async () => {
  pg = await initProcessGroup({ backend: 'gloo', timeoutMs: 10_000, env: { rank: 0, worldSize: 1, localRank: 0, localWorldSize: 1, masterAddr: '127.0.0.1', masterPort: await freePort() } });
});
afterAll(async () => {
  await pg.destroy();
});

const arr = (t: Tensor) => [...(t.toArray() as Float32Array)];

describe('FlatShard (world 1)', () => {
  it('gathers leaves with the original shapes and values, and free() releases them loudly', async () => {
    const init = initParams();
    const shard = await FlatShard.create(pg, init);
    expect(shard.layout).toMatchObject({ names: [...init.keys()], total: 595, padded: 595, shardSize: 595, world: 1 });
    expect(shard.layout.offsets).toEqual([0, 528, 561, 594]);
    const p = await shard.gather();
    expect(shard.isGathered).toBe(true);
    for (const [n, t] of init) {
      expect(p.get(n)!.shape).toEqual(t.shape);
      expect(p.get(n)!.requiresGrad).toBe(true);
      expect(p.get(n)!.isLeaf).toBe(true);
      expect(arr(p.get(n)!)).toEqual(arr(t));
    }
    shard.free();
    expect(shard.isGathered).toBe(false);
    // A freed view is empty (no dangling storage): a forward that still used it fails on the shape.
    expect(p.get('fc1.weight')!.flatten().shape).toEqual([0]); // (a fresh wrapper: Tensor caches its shape)
    const { x, y } = batch(SMALL, 0, SMALL.batch, 0);
    expect(() => loss(p, x, y)).toThrow(/size|shape|mat/i);
    await expect(shard.reduceScatterGrads()).rejects.toThrow(/no gathered parameters/);
    shard.dispose();
  });

  it('reduce-scattered grads and the global clip equal plain AdamW.clipGradNorm on the same grads', async () => {
    const init = initParams();
    const shard = await FlatShard.create(pg, init);
    const p = await shard.gather();
    const { x, y } = batch(SMALL, 0, SMALL.batch, 0);
    await loss(p, x, y).backward();
    await loss(init, x, y).backward();
    await shard.reduceScatterGrads();
    shard.free();
    const plain = new AdamW(init);
    const refNorm = await plain.clipGradNorm(0.05);
    const norm = await shard.clipGradNorm(0.05);
    expect(norm).toBeGreaterThan(0.05); // the clip really scales
    expect(Math.abs(norm - refNorm) / refNorm).toBeLessThan(1e-6);
    const local = shard.local();
    const flatRef = cat([...init.values()].map((t) => t.grad!.flatten()));
    const g = arr(local.grad!), r = arr(flatRef);
    expect(g.length).toBe(r.length);
    for (let i = 0; i < g.length; i++) expect(Math.abs(g[i]! - r[i]!)).toBeLessThan(1e-7);
    plain.dispose();
    shard.dispose();
  });

  it('withGathered gathers once, runs without grad, and frees even when the callback throws', async () => {
    const shard = await FlatShard.create(pg, initParams());
    const { x, y } = batch(SMALL, 0, SMALL.batch, 0);
    const v = await shard.withGathered((p) => {
      const l = loss(p, x, y);
      expect(l.requiresGrad).toBe(false);
      return l.item();
    });
    expect(v).toBeGreaterThan(0);
    expect(shard.isGathered).toBe(false);
    await expect(shard.withGathered(() => { throw new Error('boom'); })).rejects.toThrow('boom');
    expect(shard.isGathered).toBe(false);
    shard.dispose();
  });

  it('slices for any world size tile the packed buffer (padding zeros at the end)', () => {
    const init = initParams();
    const names = [...init.keys()];
    const ts = [...init.values()];
    const whole = arr(cat(ts.map((t) => t.flatten())));
    for (const world of [1, 2, 3, 4, 7]) {
      const parts = Array.from({ length: world }, (_, r) => arr(sliceForRank(names, ts, world, r, 'float32')));
      const size = Math.ceil(595 / world);
      parts.forEach((p) => expect(p.length).toBe(size));
      const joined = parts.flat();
      expect(joined.slice(0, 595)).toEqual(whole);
      expect(joined.slice(595).every((v) => v === 0)).toBe(true);
    }
  });

  it('bf16 parameters keep fp32 masters in the shard optimizer and the full state; loadSharded re-slices them', async () => {
    const init = new Map([...initParams()].map(([n, t]) => [n, t.to('bfloat16').detach().requiresGrad_(true)] as const));
    const shard = await FlatShard.create(pg, init);
    const opt = new ShardedAdamW(shard);
    expect(opt.memoryBytes()).toEqual({ params: 595 * 2, optimizer: 595 * 4 * 3 + 8 });
    const p = await shard.gather();
    const { x, y } = batch(SMALL, 0, SMALL.batch, 0);
    await loss(p, x.to('bfloat16'), y.to('bfloat16')).backward();
    await shard.reduceScatterGrads();
    shard.free();
    await opt.step(1e-3);
    const full = (await opt.gatherFullState())!;
    expect([...full.optimizer.keys()].filter((k) => k.startsWith('master.')).length).toBe(4);
    expect(full.optimizer.get('master.fc1.weight')!.dtype).toBe('float32');
    expect(full.weights.get('fc1.weight')!.dtype).toBe('bfloat16');
    const two = [0, 1].map((r) => loadSharded(full, r, 2));
    expect(two[0]!.weights.numel).toBe(298);
    expect(two[1]!.optimizer.get(`master.${FLAT_PARAM}`)!.numel).toBe(298);
    expect(Number((two[1]!.optimizer.get(`step.${FLAT_PARAM}`)!.toArray() as BigInt64Array)[0])).toBe(1);
    opt.dispose();
    shard.dispose();
  });

  it('reports misuse clearly', async () => {
    await expect(FlatShard.create(pg, { a: tensor([1, 2]), b: tensor([1], { dtype: 'float64' }) })).rejects.toThrow(/'b' differs in dtype or device from 'a'/);
    await expect(pg.reduceScatter(tensor([1, 2, 3]))).resolves.toBeDefined(); // world 1: any length splits
    await expect(pg.allReduce(tensor([1], { dtype: 'int64' }), 'avg')).rejects.toThrow(/avg needs a floating-point tensor/);
    expect(() => resolveBackend('nccl', 'cuda')).toThrow(/without NCCL/);
    // A bad argument is reported and leaves the group usable (only a failed wait breaks it).
    await expect(pg.allReduce(tensor([[1, 2], [3, 4]]).T)).rejects.toThrow(/allReduce: the tensor must be contiguous/);
    const ok = tensor([2, 3]);
    await pg.allReduce(ok, 'max');
    expect(arr(ok)).toEqual([2, 3]);
    const other = await initProcessGroup({ backend: 'gloo', timeoutMs: 5000, env: { rank: 0, worldSize: 1, masterAddr: '127.0.0.1', masterPort: await freePort() } });
    await other.destroy();
    expect(() => other.barrier()).toThrow(/used after destroy/);
  });
});
