import { describe, expect, it } from 'vitest';
import { arange, cat, embedding, stack, tensor } from '../../lib/index.js';

describe('shape ops', () => {
  const x = arange(0, 6, 1, { dtype: 'float32' }).reshape([2, 3]);
  it('reshape, view, transpose, permute, flatten', () => {
    expect(x.toNested()).toEqual([[0, 1, 2], [3, 4, 5]]);
    expect(x.view([3, 2]).toNested()).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(x.transpose(0, 1).toNested()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(x.T.shape).toEqual([3, 2]);
    expect(x.reshape([1, 2, 3]).permute([2, 0, 1]).shape).toEqual([3, 1, 2]);
    expect(x.flatten().toNested()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(x.reshape([-1]).shape).toEqual([6]);
  });
  it('slice (Python semantics), narrow, select', () => {
    expect(x.slice(1, 1).toNested()).toEqual([[1, 2], [4, 5]]);
    expect(x.slice(1, -2, null).toNested()).toEqual([[1, 2], [4, 5]]);
    expect(x.slice(1, 0, null, 2).toNested()).toEqual([[0, 2], [3, 5]]);
    expect(x.narrow(0, 1, 1).toNested()).toEqual([[3, 4, 5]]);
    expect(x.select(1, -1).toNested()).toEqual([2, 5]);
  });
  it('squeeze, unsqueeze, expand, repeat, flip, tril, pad', () => {
    expect(x.unsqueeze(0).shape).toEqual([1, 2, 3]);
    expect(x.unsqueeze(0).squeeze(0).shape).toEqual([2, 3]);
    expect(tensor([[1], [2]]).expand([2, 3]).toNested()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(tensor([1, 2]).repeat([2]).toNested()).toEqual([1, 2, 1, 2]);
    expect(tensor([1, 2]).repeatInterleave(2, 0).toNested()).toEqual([1, 1, 2, 2]);
    expect(tensor([1, 2, 3]).flip([0]).toNested()).toEqual([3, 2, 1]);
    expect(tensor([[1, 2], [3, 4]]).tril().toNested()).toEqual([[1, 0], [3, 4]]);
    expect(tensor([1, 2]).pad([1, 2], 9).toNested()).toEqual([9, 1, 2, 9, 9]);
  });
  it('cat, stack, split, chunk, unbind', () => {
    const a = tensor([[1, 2]]);
    const b = tensor([[3, 4]]);
    expect(cat([a, b], 0).toNested()).toEqual([[1, 2], [3, 4]]);
    expect(cat([a, b], 1).toNested()).toEqual([[1, 2, 3, 4]]);
    expect(stack([a, b], 0).shape).toEqual([2, 1, 2]);
    const parts = tensor([1, 2, 3, 4, 5]).split([2, 3]);
    expect(parts.map((p) => p.toNested())).toEqual([[1, 2], [3, 4, 5]]);
    expect(tensor([1, 2, 3, 4]).chunk(2).map((p) => p.toNested())).toEqual([[1, 2], [3, 4]]);
    expect(x.unbind(0).map((p) => p.toNested())).toEqual([[0, 1, 2], [3, 4, 5]]);
  });
});

describe('indexing', () => {
  it('gather picks per-row entries (the log-prob of the sampled token)', () => {
    const logp = tensor([[0.1, 0.2, 0.7], [0.5, 0.4, 0.1]]);
    const idx = tensor([[2], [0]], { dtype: 'int64' });
    expect(logp.gather(1, idx).toNested()).toEqual([[Math.fround(0.7)], [Math.fround(0.5)]]);
  });
  it('index_select, masked_fill, masked_select, scatter_add, nonzero, embedding', () => {
    const x = tensor([[1, 2], [3, 4], [5, 6]]);
    const ids = tensor([2, 0], { dtype: 'int64' });
    expect(x.indexSelect(0, ids).toNested()).toEqual([[5, 6], [1, 2]]);
    const m = x.gt(3);
    expect(x.maskedFill(m, 0).toNested()).toEqual([[1, 2], [3, 0], [0, 0]]);
    expect(x.maskedSelect(m).toNested()).toEqual([4, 5, 6]);
    const z = tensor([0, 0, 0]);
    expect(z.scatterAdd(0, tensor([0, 2, 2], { dtype: 'int64' }), tensor([1, 2, 3])).toNested()).toEqual([1, 0, 5]);
    expect(tensor([0, 3, 0, 1]).nonzero().toNested()).toEqual([[1n], [3n]]);
    expect(embedding(x, tensor([[1, 1]], { dtype: 'int64' })).toNested()).toEqual([[[3, 4], [3, 4]]]);
  });
  it('matmul and linear', () => {
    const a = tensor([[1, 2], [3, 4]]);
    const b = tensor([[5, 6], [7, 8]]);
    expect(a.matmul(b).toNested()).toEqual([[19, 22], [43, 50]]);
    const batched = stack([a, b]).matmul(a);
    expect(batched.toNested()).toEqual([[[7, 10], [15, 22]], [[23, 34], [31, 46]]]);
  });
});
