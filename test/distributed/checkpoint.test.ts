// A 2-process checkpoint (gathered full state: weights + AdamW state in the original names/shapes) resumes in 1
// process (re-sharded for world 1) with the same next step as the 2-process run that continued.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, initProcessGroup, restoreSharded, type FullState } from '../../lib/distributed/index.js';
import { loadSafetensors } from '../../lib/io/safetensors.js';
import type { Tensor } from '../../lib/tensor/index.js';
import { launchWorkers, tmp } from './helpers.js';
import { ADAMW, batch, loss, LR, SMALL } from './mlp.js';

const STEPS = 3;

describe('sharded checkpoint', () => {
  it('2-process full state resumes in 1 process with identical next-step weights', async () => {
    const dir = tmp();
    const { result, lines } = await launchWorkers('checkpoint', 2, { outDir: dir, steps: STEPS });
    expect(result.message + '\n' + lines.join('\n')).toMatch(/all 2 worker\(s\) exited 0/);

    const file = await loadSafetensors(join(dir, 'full.safetensors'));
    const order: string[] = JSON.parse(file.metadata.order!);
    const full: FullState = { weights: new Map(), optimizer: new Map() };
    for (const [k, t] of file.tensors) {
      if (k.startsWith('weights/')) full.weights.set(k.slice(8), t);
      else full.optimizer.set(k.slice(6), t);
    }
    expect(full.weights.get('fc1.weight')!.shape).toEqual([SMALL.inp, SMALL.hidden]);
    expect(full.optimizer.get('exp_avg.fc1.weight')!.shape).toEqual([SMALL.inp, SMALL.hidden]);
    expect(Number((full.optimizer.get('step.fc2.bias')!.toArray() as BigInt64Array)[0])).toBe(STEPS);

    const pg = await initProcessGroup({ backend: 'gloo', timeoutMs: 10_000, env: { rank: 0, worldSize: 1, localRank: 0, localWorldSize: 1, masterAddr: '127.0.0.1', masterPort: await freePort() } });
    const { shard, optimizer } = restoreSharded(pg, full, ADAMW, order);
    const params = await shard.gather();
    const { x, y } = batch(SMALL, 0, SMALL.batch, STEPS);
    const l = loss(params, x, y);
    await l.backward();
    await shard.reduceScatterGrads();
    shard.free();
    await optimizer.step(LR);
    const mine = await shard.gatherNamed(shard.local());
    const theirs = (await loadSafetensors(join(dir, 'next.safetensors'))).tensors;
    let maxDiff = 0, moved = 0;
    for (const n of order) {
      const a = mine.get(n)!.toArray() as Float32Array, b = theirs.get(n)!.toArray() as Float32Array;
      const w0 = full.weights.get(n)!.toArray() as Float32Array;
      for (let i = 0; i < a.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
        moved = Math.max(moved, Math.abs(a[i]! - w0[i]!));
      }
    }
    console.log(`checkpoint: 1-process resume vs 2-process next step: max diff ${maxDiff.toExponential(3)} (the step moved weights up to ${moved.toExponential(3)})`);
    expect(moved).toBeGreaterThan(1e-4);
    expect(maxDiff).toBeLessThan(1e-6);
    for (const t of [l, x, y, ...params.values(), ...mine.values()] as Tensor[]) t.dispose();
    optimizer.dispose();
    shard.dispose();
    await pg.destroy();
  });
});
