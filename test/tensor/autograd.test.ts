import { describe, expect, it } from 'vitest';
import { noGrad, isGradEnabled, tensor, noGradAsync } from '../../lib/index.js';

describe('autograd', () => {
  it('matches the analytic gradient of a log-softmax policy loss', async () => {
    // L = -Σ_i A_i · log_softmax(z)_i[y_i] / n ; dL/dz_ij = -(A_i/n) (1[j = y_i] - softmax(z)_ij)
    const z = tensor([[0.2, -0.1, 0.4], [1.0, 0.0, -1.0]]).requiresGrad_();
    const y = tensor([[2], [0]], { dtype: 'int64' });
    const A = tensor([[1.5], [-0.5]]);
    const logp = z.logSoftmax(-1).gather(1, y);
    const loss = logp.mul(A).sum().div(2).neg();
    await loss.backward();
    const g = z.grad!.toNested() as number[][];
    const zs = [[0.2, -0.1, 0.4], [1.0, 0.0, -1.0]];
    const ys = [2, 0];
    const As = [1.5, -0.5];
    zs.forEach((row, i) => {
      const zsum = row.reduce((s, v) => s + Math.exp(v), 0);
      row.forEach((v, j) => {
        const p = Math.exp(v) / zsum;
        const want = -(As[i]! / 2) * ((j === ys[i] ? 1 : 0) - p);
        expect(g[i]![j]!).toBeCloseTo(want, 6);
      });
    });
  });

  it('accumulates, zeroes, detaches and honours noGrad', async () => {
    const w = tensor([2, 3]).requiresGrad_();
    expect(w.requiresGrad).toBe(true);
    expect(w.isLeaf).toBe(true);
    await w.mul(w).sum().backward(); // d/dw w^2 = 2w
    await w.mul(w).sum().backward();
    expect(w.grad!.toNested()).toEqual([8, 12]);
    w.zeroGrad();
    expect(w.grad).toBeNull();
    expect(w.detach().requiresGrad).toBe(false);
    const y = noGrad(() => w.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(isGradEnabled()).toBe(true);
    const z = await noGradAsync(async () => w.mul(3));
    expect(z.requiresGrad).toBe(false);
    expect(isGradEnabled()).toBe(true);
    w.backwardSync; // exists
  });

  it('backward with an explicit gradient and a retained graph', async () => {
    const x = tensor([1, 2, 3]).requiresGrad_();
    const y = x.mul(x);
    await y.backward(tensor([1, 0, 2]), { retainGraph: true });
    expect(x.grad!.toNested()).toEqual([2, 0, 12]);
    y.backwardSync(tensor([1, 1, 1]));
    expect(x.grad!.toNested()).toEqual([4, 4, 18]);
  });
});
