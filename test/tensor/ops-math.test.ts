import { describe, expect, it } from 'vitest';
import { tensor, where } from '../../lib/index.js';

const close = (got: unknown, want: unknown, digits = 5) => {
  const g = (got as number[]).flat(4) as number[];
  const w = (want as number[]).flat(4) as number[];
  expect(g.length).toBe(w.length);
  g.forEach((v, i) => expect(v).toBeCloseTo(w[i]!, digits));
};

describe('broadcasting arithmetic', () => {
  const a = tensor([[1, 2, 3], [4, 5, 6]]);
  const row = tensor([10, 20, 30]);
  const col = tensor([[1], [2]]);
  it('adds, subtracts, multiplies and divides with broadcasting', () => {
    expect(a.add(row).toNested()).toEqual([[11, 22, 33], [14, 25, 36]]);
    expect(a.sub(col).toNested()).toEqual([[0, 1, 2], [2, 3, 4]]);
    expect(a.mul(col).toNested()).toEqual([[1, 2, 3], [8, 10, 12]]);
    expect(a.div(row).toNested()).toEqual([[0.1, 0.1, 0.1], [0.4, 0.25, 0.2]].map((r) => r.map((v) => Math.fround(v))));
    expect(a.pow(2).toNested()).toEqual([[1, 4, 9], [16, 25, 36]]);
  });
  it('has scalar forms, including reversed ones', () => {
    expect(a.add(1).toNested()).toEqual([[2, 3, 4], [5, 6, 7]]);
    expect(a.mul(-2).toNested()).toEqual([[-2, -4, -6], [-8, -10, -12]]);
    expect(a.rsub(10).toNested()).toEqual([[9, 8, 7], [6, 5, 4]]);
    expect(tensor([1, 2, 4]).rdiv(8).toNested()).toEqual([8, 4, 2]);
    expect(tensor([5, -5]).remainder(3).toNested()).toEqual([2, 1]); // Python-style sign
  });
  it('promotes integer division to float32 like torch', () => {
    const i = tensor([1, 2, 3], { dtype: 'int64' });
    const q = i.div(2);
    expect(q.dtype).toBe('float32');
    expect(q.toNested()).toEqual([0.5, 1, 1.5]);
    expect(i.add(0.5).dtype).toBe('float32');
  });
});

describe('unary math', () => {
  it('computes exp/log/abs/sqrt and friends', () => {
    close(tensor([0, 1, 2]).exp().toNested(), [1, Math.E, Math.E ** 2]);
    close(tensor([1, Math.E]).log().toNested(), [0, 1]);
    expect(tensor([-1.5, 2]).abs().toNested()).toEqual([1.5, 2]);
    expect(tensor([4, 9]).sqrt().toNested()).toEqual([2, 3]);
    close(tensor([4]).rsqrt().toNested(), [0.5]);
    close(tensor([0]).sigmoid().toNested(), [0.5]);
    close(tensor([-1, 1]).silu().toNested(), [-1 / (1 + Math.E), 1 / (1 + Math.exp(-1))]);
    close(tensor([1]).gelu().toNested(), [0.8413447]);
    close(tensor([0.5]).tanh().toNested(), [Math.tanh(0.5)]);
    expect(tensor([-2, 0, 3]).sign().toNested()).toEqual([-1, 0, 1]);
    expect(tensor([-2, 3]).neg().toNested()).toEqual([2, -3]);
  });
  it('rounds half to even like Python and torch', () => {
    expect(tensor([0.5, 1.5, 2.5, -0.5, -2.5]).round().toNested()).toEqual([0, 2, 2, -0, -2]);
  });
  it('clamps with either bound, minimum/maximum and where', () => {
    const x = tensor([-2, 0.5, 3]);
    expect(x.clamp(0, 1).toNested()).toEqual([0, 0.5, 1]);
    expect(x.clamp(0).toNested()).toEqual([0, 0.5, 3]);
    expect(x.clamp(null, 1).toNested()).toEqual([-2, 0.5, 1]);
    expect(x.minimum(tensor([0, 0, 0])).toNested()).toEqual([-2, 0, 0]);
    expect(x.maximum(tensor([0, 0, 0])).toNested()).toEqual([0, 0.5, 3]);
    expect(where(x.gt(0), x, tensor([9, 9, 9])).toNested()).toEqual([9, 0.5, 3]);
    expect(where(x.gt(0), x, -1).toNested()).toEqual([-1, 0.5, 3]);
    expect(tensor([NaN, Infinity, -Infinity, 1]).nanToNum(0, 5, -5).toNested()).toEqual([0, 5, -5, 1]);
  });
});

describe('comparisons and logic', () => {
  it('returns bool tensors', () => {
    const x = tensor([1, 2, 3]);
    const y = tensor([3, 2, 1]);
    expect(x.eq(y).toNested()).toEqual([false, true, false]);
    expect(x.ne(2).toNested()).toEqual([true, false, true]);
    expect(x.lt(y).toNested()).toEqual([true, false, false]);
    expect(x.le(2).toNested()).toEqual([true, true, false]);
    expect(x.gt(y).dtype).toBe('bool');
    expect(x.ge(2).toNested()).toEqual([false, true, true]);
    const p = tensor([true, true, false], { dtype: 'bool' });
    const q = tensor([true, false, false], { dtype: 'bool' });
    expect(p.logicalAnd(q).toNested()).toEqual([true, false, false]);
    expect(p.logicalOr(q).toNested()).toEqual([true, true, false]);
    expect(p.logicalXor(q).toNested()).toEqual([false, true, false]);
    expect(p.logicalNot().toNested()).toEqual([false, false, true]);
    expect(tensor([NaN, 1]).isnan().toNested()).toEqual([true, false]);
    expect(tensor([Infinity, 1]).isfinite().toNested()).toEqual([false, true]);
  });
});
