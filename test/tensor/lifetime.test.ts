import { describe, expect, it } from 'vitest';
import { dispose, keep, memory, tensor, tidy, tidyAsync, zeros, Tensor } from '../../lib/index.js';

describe('lifetime', () => {
  it('tidy frees everything made inside except the returned value', () => {
    const base = memory().liveTensors;
    const out = tidy(() => {
      const a = tensor([1, 2, 3]);
      const b = a.mul(2).add(1);
      return { sum: b.sum(), list: [b.max()] };
    });
    expect(memory().liveTensors).toBe(base + 2);
    expect(out.sum.item()).toBe(15);
    expect(out.list[0]!.item()).toBe(7);
    dispose(out);
    expect(memory().liveTensors).toBe(base);
  });

  it('nested scopes hand returned tensors to the outer scope; keep() escapes all scopes', () => {
    const base = memory().liveTensors;
    let kept: Tensor | undefined;
    const r = tidy(() => {
      const inner = tidy(() => {
        kept = keep(tensor([9]));
        return tensor([1]).add(1);
      });
      expect(inner.isDisposed).toBe(false);
      return 42;
    });
    expect(r).toBe(42);
    expect(memory().liveTensors).toBe(base + 1);
    expect(kept!.item()).toBe(9);
    kept!.dispose();
    expect(memory().liveTensors).toBe(base);
  });

  it('frees on throw', () => {
    const base = memory().liveTensors;
    expect(() =>
      tidy(() => {
        tensor([1]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(memory().liveTensors).toBe(base);
  });

  it('tidyAsync frees across awaits and keeps concurrent scopes apart', async () => {
    const base = memory().liveTensors;
    const work = (v: number) =>
      tidyAsync(async () => {
        const a = tensor([v]);
        await new Promise((r) => setTimeout(r, 5));
        const b = await a.matmulAsync(tensor([[2]]).reshape([1, 1]).select(0, 0).reshape([1]) as never).catch(() => a.mul(2));
        return b.add(0);
      });
    const [x, y] = await Promise.all([work(1), work(10)]);
    expect(x.item()).toBe(2);
    expect(y.item()).toBe(20);
    dispose(x, y);
    expect(memory().liveTensors).toBe(base);
  });

  it('rejects a Promise returned to sync tidy', () => {
    expect(() => tidy(() => Promise.resolve(1) as never)).toThrow(/use tidyAsync/);
  });

  it('supports using-declarations and reports host bytes to V8', () => {
    const base = memory();
    {
      using t = zeros([1000], { dtype: 'float64' });
      expect(memory().hostBytes).toBe(base.hostBytes + 8000);
      expect(t.numel).toBe(1000);
    }
    expect(memory().liveTensors).toBe(base.liveTensors);
    expect(memory().hostBytes).toBe(base.hostBytes);
  });

  it('the GC safety net frees unreachable handles', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc) {
      // vitest's fork runs without --expose-gc; exercise it in a child process instead.
      const { spawnSync } = await import('node:child_process');
      const script = `
        const a = require(${JSON.stringify(process.cwd() + '/build/Release/rarft.node')});
        const reg = new FinalizationRegistry((h) => a.free(h));
        (function () { for (let i = 0; i < 1000; i++) { const h = a.zeros([10]); reg.register({}, h); } })();
        const before = a.liveTensors();
        setTimeout(() => { global.gc(); setTimeout(() => { console.log(before, a.liveTensors()); }, 50); }, 10);
      `;
      const r = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' });
      const [before, after] = r.stdout.trim().split(' ').map(Number);
      expect(before).toBe(1000);
      expect(after).toBeLessThan(1000);
      return;
    }
  });
});
