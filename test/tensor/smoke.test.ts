import { describe, expect, it } from 'vitest';
import { tensor, tidy, memory } from '../../lib/index.js';

describe('bridge smoke', () => {
  it('adds and frees', () => {
    const before = memory().liveTensors;
    const out = tidy(() => {
      const a = tensor([[1, 2], [3, 4]]);
      return a.add(1).mul(a);
    });
    expect(out.toNested()).toEqual([[2, 6], [12, 20]]);
    out.dispose();
    expect(memory().liveTensors).toBe(before);
  });
});
