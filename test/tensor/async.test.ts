import { describe, expect, it } from 'vitest';
import { native } from '../../lib/tensor/native.js';
import { Generator, Tensor, getNumThreads, randn, setNumThreads, buildInfo, cuda } from '../../lib/index.js';

describe('off the JS thread', () => {
  it('a multi-second native op runs while a JS timer keeps firing', async () => {
    const g = new Generator(1);
    const a = randn([1200, 1200], { dtype: 'float64', generator: g });
    const b = randn([1200, 1200], { dtype: 'float64', generator: g });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const t0 = performance.now();
    // 24 products of 1200^3 fp64 multiply-adds: about a second on an idle 2-core box (8 took 0.39 s once: too
    // short for the tick count below to say much), several under load.
    const h = await (native().matmulChainAsync(a.handle, b.handle, 24) as Promise<number>);
    const elapsed = performance.now() - t0;
    clearInterval(timer);
    const out = new Tensor(h);
    expect(out.shape).toEqual([1200, 1200]);
    expect(elapsed).toBeGreaterThan(500);
    // The event loop ran the 10 ms timer throughout: at least a third of the ideal tick count.
    expect(ticks).toBeGreaterThan(elapsed / 10 / 3);
    out.dispose();
    a.dispose();
    b.dispose();
    g.dispose();
  });

  it('matmulAsync gives the same result as matmul', async () => {
    const g = new Generator(2);
    const a = randn([64, 32], { generator: g });
    const b = randn([32, 16], { generator: g });
    const sync = a.matmul(b);
    const viaPool = await a.matmulAsync(b);
    expect(sync.toArray()).toEqual(viaPool.toArray());
  });

  it('thread count is configurable', () => {
    const n = getNumThreads();
    setNumThreads(1);
    expect(getNumThreads()).toBe(1);
    setNumThreads(n);
    expect(getNumThreads()).toBe(n);
    expect(() => setNumThreads(0)).toThrow(/thread count must be >= 1/);
  });

  it('reports the build', () => {
    const info = buildInfo();
    expect(info.libtorch).toMatch(/^2\.\d+/);
    expect(typeof info.gloo).toBe('boolean');
    expect(cuda.isAvailable()).toBe(info.cudaBuild ? cuda.deviceCount() > 0 : false);
  });
});
