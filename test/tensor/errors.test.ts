import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DisposedError, TorchError, tensor, zeros } from '../../lib/index.js';

// Each error must be a JS exception: the process survives (the last test runs the cases in a child to prove it).
describe('errors become TorchError, never a crash', () => {
  it('shape mismatch keeps libtorch message and names the op', () => {
    const a = zeros([2, 3]);
    const b = zeros([4, 5]);
    let err: unknown;
    try {
      a.matmul(b);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TorchError);
    expect((err as TorchError).op).toBe('matmul');
    expect((err as TorchError).message).toMatch(/^matmul: mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)/);
    expect((err as TorchError).message).not.toMatch(/Exception raised from/); // C++ backtrace stripped
    expect(() => a.add(zeros([3, 3]))).toThrow(/add: The size of tensor a \(\d\) must match the size of tensor b/);
  });
  it('wrong dtype', () => {
    const f = tensor([1, 2, 3]);
    expect(() => f.gather(0, tensor([0.5]) as never)).toThrow(/gather index must be int64 or int32, got Float/);
    expect(() => tensor([1, 2], { dtype: 'int64' }).requiresGrad_()).toThrow(/only floating-point tensors can require gradients/);
    expect(() => tensor([1, 2], { dtype: 'int64' }).mean()).toThrow(TorchError);
  });
  it('out-of-range index and dim', () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(() => x.select(0, 2)).toThrow(/select: index 2 out of range for dim 0 of size 2/);
    expect(() => x.gather(1, tensor([[5], [0]], { dtype: 'int64' }))).toThrow(/gather index out of range: values span \[0, 5\] but the dim has size 2/);
    expect(() => x.indexSelect(0, tensor([-3], { dtype: 'int64' }))).toThrow(/indexSelect index out of range/);
    expect(() => x.sum(5)).toThrow(TorchError);
    expect(() => x.softmax(2)).toThrow(/softmax: dim 2 out of range for a tensor of rank 2/);
    expect(() => x.item()).toThrow(/item\(\) needs a tensor with one element/);
  });
  it('use after dispose', () => {
    const x = tensor([1]);
    const y = tensor([2]);
    x.dispose();
    x.dispose(); // idempotent
    expect(() => x.add(y)).toThrow(DisposedError);
    expect(() => y.add(x)).toThrow(/tensor used after dispose/);
    expect(x.isDisposed).toBe(true);
  });
  it('async failures reject with TorchError', async () => {
    await expect(zeros([2, 3]).matmulAsync(zeros([2, 3]))).rejects.toThrow(/matmulAsync: mat1 and mat2 shapes cannot be multiplied/);
    await expect(zeros([2]).backward()).rejects.toThrow(/^backward: the tensor does not require grad/);
  });
  it('a process that hits every native error case exits normally', () => {
    // Plain JS on the raw addon in a child: a C++ exception escaping N-API would abort that process.
    const script = `
      const a = require(${JSON.stringify(process.cwd() + '/build/Release/rarft.node')});
      const f = (d, s) => a.fromData(new Float32Array(d), 6, s);
      const tries = [
        () => a.matmul(a.zeros([2, 3]), a.zeros([4, 5])),
        () => a.select(f([1], [1, 1]), 0, 9),
        () => a.gather(f([1], [1]), 0, a.fromData(new BigInt64Array([7n]), 4, [1])),
        () => { const t = f([1], [1]); a.free(t); a.neg(t); },
        () => a.mean(a.zeros([2], 4), null, false),
        () => a.fromData(new Float32Array(3), 6, [2, 2]),
        () => a.reshape(f([1, 2, 3], [3]), [2, 2]),
        () => a.add(12345.5, 1),
      ];
      let caught = 0;
      for (const t of tries) { try { t(); } catch (e) { caught++; } }
      try { a.backward(a.zeros([1]), null, false); } catch (e) { caught++; }
      console.log('caught', caught);
    `;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('caught 9');
    expect(r.status).toBe(0);
  });
});
