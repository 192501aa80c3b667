/**
 * AdamW in the addon: a hand-computed step, torch.optim.AdamW trajectories (fixture from
 * scripts/fixtures/make_adamw_fixture.py) including weight decay, a changing lr and bf16 with fp32 masters,
 * gradient clipping, frozen parameters, and exact resume through exportState/importState.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { AdamW } from '../../lib/optim/index.js';
import { type Tensor, tensor, tidy, tidyAsync } from '../../lib/tensor/index.js';

interface Case {
  name: string;
  dtype: 'float32' | 'bfloat16';
  init: number[];
  grads: number[][];
  lrs: number[];
  betas: [number, number];
  eps: number;
  weight_decay: number;
  steps: { master: number[]; exp_avg: number[]; exp_avg_sq: number[]; param: number[] }[];
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/optim/adamw_reference.json', import.meta.url), 'utf8')) as { cases: Case[] };

/** Sets p.grad = c by backpropagating sum(p · c). */
async function setGrad(p: Tensor, c: number[]): Promise<void> {
  await tidyAsync(async () => {
    await p.mul(tensor(c, { dtype: p.dtype as 'float32' })).sum().backward();
  });
}

const f32 = (t: Tensor) => Array.from(tidy(() => t.to('float32').toArray() as Float32Array));
const expectClose = (got: number[], want: number[], tol: number) => want.forEach((w, i) => expect(Math.abs(got[i]! - w)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w))));

describe('AdamW', () => {
  it('one step equals the hand-computed update', async () => {
    // p = [1, -2], g = [0.5, -3], lr 0.1, wd 0.1, betas (0.9, 0.999):
    //  decay: p·(1 - 0.1·0.1) = [0.99, -1.98]
    //  m = 0.1·g = [0.05, -0.3];  v = 0.001·g² = [0.00025, 0.009]
    //  m̂ = m / (1 - 0.9) = g;  sqrt(v̂) = sqrt(v / (1 - 0.999)) = |g|  -> update = lr·g/(|g| + 1e-8) = ±0.1
    //  p = [0.99 - 0.1, -1.98 + 0.1] = [0.89, -1.88]
    const p = tensor([1, -2]).requiresGrad_();
    const opt = new AdamW({ p }, { weightDecay: 0.1 });
    await setGrad(p, [0.5, -3]);
    expect(await opt.step(0.1)).toBe(1);
    expectClose(f32(p), [0.89, -1.88], 1e-6);
    const st = opt.exportState();
    expectClose(f32(st['exp_avg.p']!), [0.05, -0.3], 1e-7);
    expectClose(f32(st['exp_avg_sq.p']!), [0.00025, 0.009], 1e-7);
    expect(st['step.p']!.item()).toBe(1);
    expect(st['master.p']).toBeUndefined(); // fp32 on its own device: the parameter is its own master
    opt.dispose();
  });

  for (const c of fixture.cases) {
    it(`matches torch.optim.AdamW step by step: ${c.name}`, async () => {
      const p = tensor(c.init, { dtype: c.dtype }).requiresGrad_();
      const opt = new AdamW({ w: p }, { betas: c.betas, eps: c.eps, weightDecay: c.weight_decay });
      for (let k = 0; k < c.grads.length; k++) {
        opt.zeroGrad();
        await setGrad(p, c.grads[k]!);
        await opt.step(c.lrs[k]!);
        const ref = c.steps[k]!;
        const st = opt.exportState();
        // fp32 arithmetic in a different order than torch's: agree to a few ulps
        expectClose(f32(st['exp_avg.w']!), ref.exp_avg, 1e-6);
        expectClose(f32(st['exp_avg_sq.w']!), ref.exp_avg_sq, 1e-6);
        if (c.dtype === 'bfloat16') {
          expectClose(f32(st['master.w']!), ref.master, 1e-6);
          // the bf16 parameter is exactly the master rounded to bf16
          expect(f32(p)).toEqual(ref.param.map((v) => Math.fround(v)));
        } else {
          expectClose(f32(p), ref.param, 1e-6);
        }
        for (const t of Object.values(st)) t.dispose();
      }
      opt.dispose();
    });
  }

  it('bf16 masters keep updates that bf16 alone would round away', async () => {
    // w = 1.0 in bf16 has spacing 2^-7 = 0.0078125 above 1; ten updates of lr = 1e-4 each move the master by
    // ~1e-3 in total, still inside half a spacing, so the bf16 weight stays 1.0 while the master has moved.
    const p = tensor([1.0], { dtype: 'bfloat16' }).requiresGrad_();
    const opt = new AdamW({ p });
    for (let k = 0; k < 10; k++) {
      opt.zeroGrad();
      await setGrad(p, [1]);
      await opt.step(1e-4);
    }
    expect(f32(p)).toEqual([1]);
    const master = f32(opt.exportState()['master.p']!)[0]!;
    expect(master).toBeCloseTo(1 - 10 * 1e-4, 6); // first-step-like updates of -lr each (g constant)
    opt.dispose();
  });

  it('frozen parameters get no state and are never touched; params without grad do not advance', async () => {
    const w = tensor([1, 2]).requiresGrad_();
    const frozen = tensor([3, 4]);
    const idle = tensor([5]).requiresGrad_();
    const opt = new AdamW({ w, frozen, idle });
    await setGrad(w, [1, 1]);
    await opt.step(0.1);
    expect(f32(frozen)).toEqual([3, 4]);
    expect(f32(idle)).toEqual([5]);
    expect(opt.info()).toEqual([
      { name: 'w', trainable: true, step: 1, hasMaster: false },
      { name: 'frozen', trainable: false, step: 0, hasMaster: false },
      { name: 'idle', trainable: true, step: 0, hasMaster: false },
    ]);
    const keys = Object.keys(opt.exportState()).sort();
    expect(keys).toEqual(['exp_avg.idle', 'exp_avg.w', 'exp_avg_sq.idle', 'exp_avg_sq.w', 'step.idle', 'step.w']);
    opt.dispose();
  });

  it('clipGradNorm returns the pre-clip global norm and scales like clip_grad_norm_', async () => {
    // grads [3, 4] and [12]: norm = sqrt(9 + 16 + 144) = 13; max 6.5 -> coef 6.5/(13 + 1e-6) -> [1.5, 2], [6]
    const a = tensor([0, 0]).requiresGrad_();
    const b = tensor([0]).requiresGrad_();
    const opt = new AdamW({ a, b });
    await setGrad(a, [3, 4]);
    await setGrad(b, [12]);
    expect(await opt.clipGradNorm(20)).toBeCloseTo(13, 5); // below the limit: untouched
    expectClose(f32(a.grad!), [3, 4], 1e-7);
    expect(await opt.clipGradNorm(6.5)).toBeCloseTo(13, 5);
    expectClose(f32(a.grad!), [1.5, 2], 1e-6);
    expectClose(f32(b.grad!), [6], 1e-6);
    expect(await opt.clipGradNorm(6.5)).toBeCloseTo(6.5, 5); // now at the limit
    opt.zeroGrad();
    expect(a.grad).toBeNull();
    expect(await opt.clipGradNorm(1)).toBe(0);
    opt.dispose();
  });

  it('a non-finite norm is returned and the gradients are left as they are', async () => {
    const a = tensor([0, 0]).requiresGrad_();
    const opt = new AdamW({ a });
    await setGrad(a, [Number.NaN, 1]);
    expect(await opt.clipGradNorm(1)).toBeNaN();
    expect(f32(a.grad!)[1]).toBe(1);
    opt.dispose();
  });

  it('resume through exportState/importState is bit-exact (bf16 with masters)', async () => {
    const grads = [[0.5, -1], [0.25, 2], [-1, 0.125], [1, 1], [0.0625, -0.5]];
    const a = tensor([1, -0.5], { dtype: 'bfloat16' }).requiresGrad_();
    const optA = new AdamW({ a }, { weightDecay: 0.01 });
    for (const g of grads.slice(0, 3)) {
      optA.zeroGrad();
      await setGrad(a, g);
      await optA.step(1e-2);
    }
    // "checkpoint": copy the state and the weights, then continue both runs
    const saved = Object.fromEntries(Object.entries(optA.exportState()).map(([k, t]) => [k, t.clone()]));
    const b = tidy(() => a.detach().clone()).requiresGrad_();
    const optB = new AdamW({ a: b }, { weightDecay: 0.01 });
    optB.importState(saved);
    expect(optB.info()[0]!.step).toBe(3);
    for (const g of grads.slice(3)) {
      for (const [p, o] of [[a, optA], [b, optB]] as const) {
        o.zeroGrad();
        await setGrad(p, g);
        await o.step(1e-2);
      }
    }
    expect(f32(b)).toEqual(f32(a));
    expect(f32(optB.exportState()['master.a']!)).toEqual(f32(optA.exportState()['master.a']!));
    optA.dispose();
    optB.dispose();
  });

  it('importState rejects a missing or unknown entry', () => {
    const w = tensor([1]).requiresGrad_();
    const opt = new AdamW({ w });
    const st = opt.exportState();
    const { ['step.w']: _drop, ...missing } = st;
    expect(() => opt.importState(missing)).toThrow(/missing 'step.w'/);
    expect(() => opt.importState({ ...st, 'exp_avg.other': tensor([0]) })).toThrow(/unknown entry 'exp_avg.other'/);
    opt.dispose();
  });
});
