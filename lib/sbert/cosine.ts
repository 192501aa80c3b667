/**
 * Cosine similarity as sentence_transformers.util.cos_sim computes it: each vector divided by max(‖v‖, 1e-12),
 * then the dot product. The eps matters only for an all-zero vector, whose cosine is then 0 rather than NaN.
 */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`cosine: length ${a.length} != ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / (Math.max(Math.sqrt(na), 1e-12) * Math.max(Math.sqrt(nb), 1e-12));
}
