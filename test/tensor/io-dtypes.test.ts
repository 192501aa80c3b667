import { describe, expect, it } from 'vitest';
import { Generator, arange, eye, fromTypedArray, full, linspace, ones, rand, randint, randn, scalar, tensor, zeros, zerosLike, onesLike, fullLike, manualSeed, memory } from '../../lib/index.js';

describe('tensors from and to TypedArrays', () => {
  it('keeps every dtype exactly', () => {
    const cases = [
      ['float32', new Float32Array([1.5, -2.25, 3e38])],
      ['float64', new Float64Array([1e-300, Math.PI])],
      ['int32', new Int32Array([-(2 ** 31), 2 ** 31 - 1])],
      ['int64', new BigInt64Array([-(2n ** 62n), 2n ** 62n + 7n])],
      ['uint8', new Uint8Array([0, 128, 255])],
      ['int16', new Int16Array([-32768, 32767])],
      ['int8', new Int8Array([-128, 127])],
    ] as const;
    for (const [dtype, data] of cases) {
      const t = fromTypedArray(data, [data.length], dtype);
      expect(t.dtype).toBe(dtype);
      expect(t.toArray()).toEqual(data);
      t.dispose();
    }
  });

  it('carries bfloat16 and float16 as raw 16-bit patterns', () => {
    // bf16: 1.0 = 0x3F80, -2.0 = 0xC000, 0.5 = 0x3F00. f16: 1.0 = 0x3C00, 65504 = 0x7BFF.
    const bf = fromTypedArray(new Uint16Array([0x3f80, 0xc000, 0x3f00]), [3], 'bfloat16');
    expect(bf.to('float32').toArray()).toEqual(new Float32Array([1, -2, 0.5]));
    const h = fromTypedArray(new Uint16Array([0x3c00, 0x7bff]), [2], 'float16');
    expect(h.to('float32').toArray()).toEqual(new Float32Array([1, 65504]));
    // float32 -> bf16 rounds to nearest even: 1 + 2^-8 (exactly between 1 and 1+2^-7) goes to 1.0 (0x3F80).
    const r = tensor([1 + 2 ** -8, 1 + 3 * 2 ** -8], { dtype: 'bfloat16' });
    expect(r.toArray()).toEqual(new Uint16Array([0x3f80, 0x3f82]));
  });

  it('maps bool to 0/1 bytes and nested arrays to booleans', () => {
    const b = tensor([[true, false], [false, true]], { dtype: 'bool' });
    expect(b.toArray()).toEqual(new Uint8Array([1, 0, 0, 1]));
    expect(b.toNested()).toEqual([[true, false], [false, true]]);
  });

  it('rejects data whose length does not fit the shape', () => {
    expect(() => fromTypedArray(new Float32Array(5), [2, 3], 'float32')).toThrow(/data holds 5 elements but shape \[2, 3\] needs 6/);
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged/);
  });
});

describe('factories', () => {
  it('make constants and ranges', () => {
    expect(zeros([2, 2]).toNested()).toEqual([[0, 0], [0, 0]]);
    expect(ones([3], { dtype: 'int32' }).toArray()).toEqual(new Int32Array([1, 1, 1]));
    expect(full([2], 7.5).toNested()).toEqual([7.5, 7.5]);
    expect(eye(2).toNested()).toEqual([[1, 0], [0, 1]]);
    expect(arange(5).toArray()).toEqual(new BigInt64Array([0n, 1n, 2n, 3n, 4n]));
    expect(arange(1, 2, 0.25, { dtype: 'float32' }).toNested()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(linspace(0, 1, 5).toNested()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(scalar(3).shape).toEqual([]);
    const x = tensor([1, 2]);
    expect(zerosLike(x).toNested()).toEqual([0, 0]);
    expect(onesLike(x).toNested()).toEqual([1, 1]);
    expect(fullLike(x, -1).toNested()).toEqual([-1, -1]);
  });

  it('draws reproducible random numbers from seeded generators', () => {
    const g1 = new Generator(1234);
    const g2 = new Generator(1234);
    const a = rand([4], { generator: g1 }).toArray();
    const b = rand([4], { generator: g2 }).toArray();
    expect(a).toEqual(b);
    for (const v of a) expect(v >= 0 && v < 1).toBe(true);
    // Saving and restoring the state replays the same draws (what resumable training relies on).
    const state = g1.getState();
    const next = randn([3], { generator: g1 }).toArray();
    g1.setState(state);
    expect(randn([3], { generator: g1 }).toArray()).toEqual(next);
    const ints = randint(0, 3, [1000], { generator: g1 }).toArray();
    const seen = new Set(Array.from(ints, Number));
    expect([...seen].sort()).toEqual([0, 1, 2]);
    g1.dispose();
    g2.dispose();
    manualSeed(7);
    const c = rand([2]).toArray();
    manualSeed(7);
    expect(rand([2]).toArray()).toEqual(c);
  });

  it('randn has mean ~0 and std ~1', () => {
    const g = new Generator(0);
    const x = randn([100000], { generator: g });
    expect(Math.abs(x.mean().item())).toBeLessThan(0.02);
    expect(Math.abs(x.std().item() - 1)).toBeLessThan(0.02);
    g.dispose();
    expect(memory().liveTensors).toBeGreaterThan(0);
  });
});
