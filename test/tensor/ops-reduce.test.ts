import { describe, expect, it } from 'vitest';
import { tensor } from '../../lib/index.js';

describe('reductions', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  it('sum/mean over all, one dim, several dims, with keepdim', () => {
    expect(x.sum().item()).toBe(21);
    expect(x.sum(0).toNested()).toEqual([5, 7, 9]);
    expect(x.sum(1, true).toNested()).toEqual([[6], [15]]);
    expect(x.sum([0, 1]).item()).toBe(21);
    expect(x.mean(1).toNested()).toEqual([2, 5]);
    expect(x.mean(0, true).shape).toEqual([1, 3]);
  });
  it('std and var: unbiased by default, population with correction 0', () => {
    // [1..6]: mean 3.5, Σ(x-m)^2 = 17.5 -> var 3.5 (N-1) or 2.916667 (N)
    expect(x.var().item()).toBeCloseTo(3.5, 6);
    expect(x.std().item()).toBeCloseTo(Math.sqrt(3.5), 6);
    expect(x.var(undefined, { correction: 0 }).item()).toBeCloseTo(17.5 / 6, 6);
    // along dim 1: [1,2,3] -> std 1, [4,5,6] -> std 1
    expect(x.std(1).toNested()).toEqual([1, 1]);
    expect(x.std(1, { keepdim: true }).shape).toEqual([2, 1]);
  });
  it('max/min/argmax/argmin, with indices', () => {
    expect(x.max().item()).toBe(6);
    expect(x.max(0).toNested()).toEqual([4, 5, 6]);
    expect(x.min(1, true).toNested()).toEqual([[1], [4]]);
    const { values, indices } = tensor([[3, 9, 1], [7, 2, 8]]).maxWithIndices(1);
    expect(values.toNested()).toEqual([9, 8]);
    expect(indices.toNested()).toEqual([1n, 2n]);
    expect(tensor([3, 9, 1]).argmax().item()).toBe(1);
    expect(tensor([[3, 9, 1]]).argmin(1).toNested()).toEqual([2n]);
  });
  it('prod, logsumexp, all/any, norm', () => {
    expect(x.prod().item()).toBe(720);
    expect(x.prod(1).toNested()).toEqual([6, 120]);
    expect(tensor([0, 0]).logsumexp(0).item()).toBeCloseTo(Math.log(2), 6);
    expect(tensor([true, false], { dtype: 'bool' }).any().item()).toBe(1);
    expect(tensor([true, false], { dtype: 'bool' }).all().item()).toBe(0);
    expect(tensor([3, 4]).norm().item()).toBeCloseTo(5, 6);
    expect(tensor([3, -4]).norm(1).item()).toBeCloseTo(7, 6);
  });
  it('cumsum, softmax and log_softmax', () => {
    expect(tensor([1, 2, 3, 4]).cumsum(0).toNested()).toEqual([1, 3, 6, 10]);
    expect(tensor([true, false, true], { dtype: 'bool' }).cumsum(0).toNested()).toEqual([1n, 1n, 2n]);
    const s = tensor([[1, 2, 3]]).softmax(-1).toNested() as number[][];
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    s[0]!.forEach((v, i) => expect(v).toBeCloseTo(Math.exp(i + 1) / z, 6));
    const ls = tensor([[1, 2, 3]]).logSoftmax(1).toNested() as number[][];
    ls[0]!.forEach((v, i) => expect(v).toBeCloseTo(i + 1 - Math.log(z), 5));
  });
  it('topk and sort', () => {
    const { values, indices } = tensor([5, 1, 4, 2]).topk(2);
    expect(values.toNested()).toEqual([5, 4]);
    expect(indices.toNested()).toEqual([0n, 2n]);
    const sorted = tensor([3, 1, 2]).sort(0, true);
    expect(sorted.values.toNested()).toEqual([3, 2, 1]);
    expect(tensor([3, 1, 2]).argsort().toNested()).toEqual([1n, 2n, 0n]);
  });
  it('masked mean over a dim (the GRPO token mean)', () => {
    const v = tensor([[1, 2, 3], [4, 5, 6]]);
    const m = tensor([[true, true, false], [true, false, false]], { dtype: 'bool' });
    expect(v.maskedMean(m, 1).toNested()).toEqual([1.5, 4]);
    expect(v.maskedMean(m).item()).toBeCloseTo(7 / 3, 6);
  });
});
