import { describe, expect, it } from 'vitest';
import { hashKey, mulberry32, permutation, randomIndex } from '../../lib/data/prng.js';

describe('mulberry32', () => {
  it('matches the published algorithm computed independently with BigInt arithmetic', () => {
    // Reference: t = a += 0x6D2B79F5; t = imul(t ^ t>>>15, t|1); t ^= t + imul(t ^ t>>>7, t|61); (t ^ t>>>14)>>>0
    const M = 0xffffffffn;
    const imul = (x: bigint, y: bigint) => (x * y) & M;
    let a = 12345n;
    const expected: number[] = [];
    for (let i = 0; i < 5; i++) {
      a = (a + 0x6d2b79f5n) & M;
      let t = imul(a ^ (a >> 15n), a | 1n);
      t = (t ^ ((t + imul(t ^ (t >> 7n), t | 61n)) & M)) & M;
      expected.push(Number((t ^ (t >> 14n)) & M) / 4294967296);
    }
    const next = mulberry32(12345);
    expect(Array.from({ length: 5 }, next)).toEqual(expected);
  });

  it('stays in [0, 1) with mean about 1/2', () => {
    const next = mulberry32(1);
    let sum = 0;
    for (let i = 0; i < 100000; i++) {
      const x = next();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(Math.abs(sum / 100000 - 0.5)).toBeLessThan(0.005);
  });
});

describe('hashKey / randomIndex / permutation', () => {
  it('hashKey separates neighbouring keys and rejects bad words', () => {
    const seen = new Set<number>();
    for (let step = 0; step < 1000; step++) for (let r = 0; r < 10; r++) seen.add(hashKey(42, 0, step, r));
    expect(seen.size).toBe(10000);
    expect(hashKey(1, 2)).not.toBe(hashKey(2, 1));
    expect(() => hashKey(-1)).toThrow(/non-negative integer/);
    expect(hashKey(2 ** 40)).not.toBe(hashKey(0));
  });

  it('randomIndex rejects n <= 0 and permutation handles 0 and 1 elements', () => {
    expect(() => randomIndex(mulberry32(0), 0)).toThrow(/positive integer/);
    expect(permutation(0, mulberry32(0))).toEqual([]);
    expect(permutation(1, mulberry32(0))).toEqual([0]);
  });
});
