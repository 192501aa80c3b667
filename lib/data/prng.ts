/**
 * Small deterministic PRNGs for data order and negative sampling. We do not emulate Python's MT19937: the reference's
 * draws (random.Random(global_step).randint) are "functionally" a step-seeded choice (rarft-reference §4.1), and a
 * keyed generator lets any (seed, epoch, step, record) draw be recomputed on resume without replaying a stream.
 */

/** mulberry32 (Tommy Ettinger's public-domain 32-bit generator): returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Hashes a tuple of non-negative integers to a 32-bit seed (murmur3's fmix32 finaliser after each word), so nearby
 * keys such as (42, 0, 7, 3) and (42, 0, 7, 4) give unrelated seeds.
 */
export function hashKey(...words: number[]): number {
  let h = 0x9e3779b9;
  for (const w of words) {
    if (!Number.isInteger(w) || w < 0) throw new Error(`hashKey: ${w} is not a non-negative integer`);
    // Fold values above 2^32 too (steps can exceed it in principle).
    h = fmix32(h ^ (w >>> 0));
    h = fmix32(h ^ Math.floor(w / 4294967296));
  }
  return h >>> 0;
}

function fmix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform integer in [0, n) from a [0,1) generator. */
export function randomIndex(next: () => number, n: number): number {
  if (!Number.isInteger(n) || n <= 0) throw new Error(`randomIndex: n = ${n} must be a positive integer`);
  return Math.floor(next() * n);
}

/** Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, next: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}
