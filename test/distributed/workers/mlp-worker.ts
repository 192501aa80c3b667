/**
 * A distributed worker for the tests and the bench (run with vite-node, env set by lib/distributed/launch or by the test).
 * argv: <mode> <outDir> [steps]. Modes:
 *   train       k ZeRO-3 steps on the MLP; rank 0 writes final weights (gathered) to <outDir>/weights.safetensors;
 *               every rank prints `MEM {...}` (bytes of its shard + AdamW state) and `STEP_MS <ms>`.
 *   checkpoint  k steps, gatherFullState -> <outDir>/full.safetensors (rank 0), then one more step; rank 0 writes the
 *               next-step weights to <outDir>/next.safetensors.
 *   collectives hand-valued collectives; prints `RESULT <json>`.
 *   die         rank 1 SIGKILLs itself after one all-reduce; rank 0 keeps all-reducing (must error, not hang).
 *   die-idle    rank 1 SIGKILLs itself after one all-reduce; rank 0 then calls no collective and waits to be stopped,
 *               so only a launcher can end it (it would otherwise notice nothing).
 *   stall       rank 1 stays alive but stops calling collectives (until it is killed); rank 0 must time out.
 * DIST_TIMEOUT_MS sets the group's timeout.
 */
import { join } from 'node:path';
import { FlatShard, initProcessGroup, ShardedAdamW, type ProcessGroup } from '../../../lib/distributed/index.js';
import { saveSafetensors } from '../../../lib/io/safetensors.js';
import { tensor, zeros } from '../../../lib/tensor/index.js';
import { ADAMW, batch, initParams, loss, LR, SMALL } from '../mlp.js';

const [mode = 'train', outDir = '.', stepsArg = '5'] = process.argv.slice(2);
const steps = Number(stepsArg);
const timeoutMs = Number(process.env.DIST_TIMEOUT_MS ?? 20000);

async function zeroStep(pg: ProcessGroup, shard: FlatShard, opt: ShardedAdamW, step: number): Promise<number> {
  const per = SMALL.batch / pg.worldSize;
  const params = await shard.gather();
  const { x, y } = batch(SMALL, pg.rank * per, (pg.rank + 1) * per, step);
  const l = loss(params, x, y);
  await l.backward();
  await shard.reduceScatterGrads();
  shard.free();
  await opt.step(LR);
  opt.zeroGrad();
  const v = l.item();
  for (const t of [l, x, y, ...params.values()]) t.dispose();
  return v;
}

async function makeShard(pg: ProcessGroup): Promise<{ shard: FlatShard; opt: ShardedAdamW }> {
  const init = initParams();
  const shard = await FlatShard.create(pg, init);
  for (const t of init.values()) t.dispose();
  return { shard, opt: new ShardedAdamW(shard, ADAMW) };
}

async function train(pg: ProcessGroup): Promise<void> {
  const { shard, opt } = await makeShard(pg);
  console.log('MEM ' + JSON.stringify({ rank: pg.rank, world: pg.worldSize, ...opt.memoryBytes(), total: shard.layout.total, padded: shard.layout.padded }));
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) await zeroStep(pg, shard, opt, s);
  await pg.barrier();
  console.log('STEP_MS ' + ((performance.now() - t0) / steps).toFixed(4));
  const weights = await shard.gatherNamed(shard.local());
  if (pg.rank === 0) await saveSafetensors(join(outDir, 'weights.safetensors'), weights);
}

async function checkpoint(pg: ProcessGroup): Promise<void> {
  const { shard, opt } = await makeShard(pg);
  for (let s = 0; s < steps; s++) await zeroStep(pg, shard, opt, s);
  const full = await opt.gatherFullState();
  if (full) {
    const out = new Map<string, import('../../../lib/tensor/index.js').Tensor>();
    for (const [n, t] of full.weights) out.set(`weights/${n}`, t);
    for (const [n, t] of full.optimizer) out.set(`optim/${n}`, t);
    await saveSafetensors(join(outDir, 'full.safetensors'), out, { order: JSON.stringify(shard.layout.names) });
  }
  await zeroStep(pg, shard, opt, steps);
  const weights = await shard.gatherNamed(shard.local());
  if (pg.rank === 0) await saveSafetensors(join(outDir, 'next.safetensors'), weights);
}

async function collectives(pg: ProcessGroup): Promise<void> {
  const r = pg.rank;
  const res: Record<string, number[]> = {};
  const a = tensor([r + 1, 10 * (r + 1), -r]);
  await pg.allReduce(a, 'sum');
  res.sum = [...a.toArray()];
  const b = tensor([r + 1, 2 * r]);
  await pg.allReduce(b, 'avg');
  res.avg = [...b.toArray()];
  const c = tensor([r, 5 - r]);
  await pg.allReduce(c, 'max');
  res.max = [...c.toArray()];
  const d = r === 1 ? tensor([7, 8, 9]) : zeros([3]);
  await pg.broadcast(d, 1);
  res.broadcast = [...d.toArray()];
  const g = await pg.allGather(tensor([[r, r + 0.5]]));
  res.allGather = [...g.toArray()];
  // Rank r contributes [r*10 + i for i in 0..3]: slot i sums over ranks.
  const rs = await pg.reduceScatter(tensor([0, 1, 2, 3].map((i) => r * 10 + i)), 'sum');
  res.reduceScatter = [...rs.toArray()];
  const i64 = tensor([r + 1], { dtype: 'int64' });
  await pg.allReduce(i64, 'sum');
  res.int64 = [Number(i64.toArray()[0])];
  // FlatShard over 2 ranks with rank-dependent values (5 elements -> padded to 6, 3 per rank).
  const mk = () => ({ w: tensor([[r + 1, r + 2], [r + 3, r + 4]]), b: tensor([10 * (r + 1)]) });
  for (const sync of [true, false]) {
    const sh = await FlatShard.create(pg, mk(), { syncFromRoot: sync });
    const g = await sh.gather();
    res[sync ? 'synced' : 'unsynced'] = [...(g.get('w')!.toArray() as Float32Array), ...(g.get('b')!.toArray() as Float32Array)];
    res[sync ? 'syncedLocal' : 'unsyncedLocal'] = [...(sh.local().toArray() as Float32Array)];
    sh.free();
    sh.dispose();
  }
  await pg.barrier();
  console.log('RESULT ' + JSON.stringify({ rank: r, ...res }));
}

async function die(pg: ProcessGroup): Promise<void> {
  const t = tensor([1, 2, 3]);
  await pg.allReduce(t);
  if (pg.rank === 1) {
    console.log('DYING');
    process.kill(process.pid, 'SIGKILL');
    return;
  }
  const t0 = performance.now();
  try {
    for (;;) await pg.allReduce(t);
  } catch (e) {
    console.log('ERROR_AFTER_MS ' + (performance.now() - t0).toFixed(0));
    throw e;
  }
}

/** Never resolves, and keeps the process alive (a pending promise alone would let it exit): until a signal ends it. */
function untilKilled(): Promise<never> {
  return new Promise(() => setInterval(() => {}, 1 << 30));
}

async function dieIdle(pg: ProcessGroup): Promise<void> {
  await pg.allReduce(tensor([1, 2, 3]));
  if (pg.rank === 1) {
    console.log('DYING');
    process.kill(process.pid, 'SIGKILL');
  }
  // says who stopped it (a listener runs before vite-node's own, which exits 143)
  process.on('SIGTERM', () => console.log('GOT SIGTERM'));
  console.log('WAITING');
  await untilKilled();
}

async function stall(pg: ProcessGroup): Promise<void> {
  const t = tensor([1, 2, 3]);
  await pg.allReduce(t);
  if (pg.rank === 1) {
    console.log('STALLING');
    // not a sleep: one that ended (on a slow machine, before rank 0's timeout fired) would close the connection and
    // turn rank 0's timeout into a dead-peer error
    await untilKilled();
  }
  const t0 = performance.now();
  try {
    await pg.allReduce(t);
  } catch (e) {
    console.log('ERROR_AFTER_MS ' + (performance.now() - t0).toFixed(0));
    throw e;
  }
}

const tInit = performance.now();
const pg = await initProcessGroup({ backend: 'gloo', timeoutMs }).catch((e: Error) => {
  console.log('INIT_FAILED_AFTER_MS ' + (performance.now() - tInit).toFixed(0));
  console.error(`${e.name}: ${e.message}`);
  process.exit(1);
});
try {
  if (mode === 'train') await train(pg);
  else if (mode === 'checkpoint') await checkpoint(pg);
  else if (mode === 'collectives') await collectives(pg);
  else if (mode === 'die') await die(pg);
  else if (mode === 'die-idle') await dieIdle(pg);
  else if (mode === 'stall') await stall(pg);
  else throw new Error(`unknown mode ${mode}`);
  await pg.destroy();
  process.exit(0);
} catch (e) {
  console.error(`rank ${pg.rank}: ${(e as Error).name}: ${(e as Error).message}`);
  process.exit(1);
}
