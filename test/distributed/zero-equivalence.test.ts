// ZeRO-3 sharding is exact: k AdamW steps of the MLP with 2 ranks (each half the global batch, FlatShard + ShardedAdamW)
// give the same weights as plain AdamW on one process with the whole batch; and each rank holds about half the bytes.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSafetensors } from '../../lib/io/safetensors.js';
import { AdamW } from '../../lib/optim/index.js';
import { BYTES_PER_ELEMENT } from '../../lib/tensor/index.js';
import { launchWorkers, linesOf, tmp } from './helpers.js';
import { ADAMW, batch, initParams, loss, LR, SMALL } from './mlp.js';

const STEPS = 5;

/** The reference: one process, plain AdamW over the named parameters, full batch. */
async function singleProcess(steps: number) {
  const params = initParams();
  const opt = new AdamW(params, ADAMW);
  for (let s = 0; s < steps; s++) {
    const { x, y } = batch(SMALL, 0, SMALL.batch, s);
    const l = loss(params, x, y);
    await l.backward();
    await opt.step(LR);
    opt.zeroGrad();
    [l, x, y].forEach((t) => t.dispose());
  }
  let optimizerBytes = 0;
  for (const t of Object.values(opt.exportState())) {
    optimizerBytes += t.numel * BYTES_PER_ELEMENT[t.dtype];
    t.dispose();
  }
  const paramBytes = [...params.values()].reduce((a, t) => a + t.numel * 4, 0);
  opt.dispose();
  return { params, paramBytes, optimizerBytes };
}

describe('ZeRO-3 flat sharding over 2 ranks', () => {
  it('matches a 1-process run with the same global batch within 1e-5 after k AdamW steps, at ~half the memory per rank', async () => {
    const dir = tmp();
    const { result, lines } = await launchWorkers('train', 2, { outDir: dir, steps: STEPS });
    expect(result.message + '\n' + lines.join('\n')).toMatch(/all 2 worker\(s\) exited 0/);

    const ref = await singleProcess(STEPS);
    const got = (await loadSafetensors(join(dir, 'weights.safetensors'))).tensors;
    expect([...got.keys()]).toEqual([...ref.params.keys()]);
    let maxDiff = 0, maxMove = 0;
    const init = initParams();
    for (const [n, t] of ref.params) {
      const a = t.toArray() as Float32Array, b = got.get(n)!.toArray() as Float32Array, i0 = init.get(n)!.toArray() as Float32Array;
      expect(got.get(n)!.shape).toEqual(t.shape);
      for (let i = 0; i < a.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
        maxMove = Math.max(maxMove, Math.abs(a[i]! - i0[i]!));
      }
    }
    console.log(`zero-equivalence: max |w_2proc - w_1proc| = ${maxDiff.toExponential(3)} after ${STEPS} steps (weights moved up to ${maxMove.toFixed(4)})`);
    expect(maxMove).toBeGreaterThan(0.01); // the comparison is not trivially between unchanged weights
    expect(maxDiff).toBeLessThan(1e-5);

    // Memory: bytes of the local shard + its AdamW state, measured in each worker, vs the 1-process totals.
    const mem = [0, 1].map((r) => JSON.parse(linesOf(lines, r, 'MEM')[0]!));
    const full = ref.paramBytes + ref.optimizerBytes;
    for (const m of mem) {
      const ratio = (m.params + m.optimizer) / full;
      console.log(`zero-equivalence: rank ${m.rank}/${m.world}: params ${m.params} B + optimizer ${m.optimizer} B = ${m.params + m.optimizer} B; 1 process: ${ref.paramBytes} + ${ref.optimizerBytes} = ${full} B (ratio ${ratio.toFixed(3)})`);
      expect(m.params).toBe((m.padded / 2) * 4);
      expect(ratio).toBeGreaterThan(0.45);
      expect(ratio).toBeLessThan(0.55);
    }
  });
});
