/**
 * RT-IoU: mean category Jaccard over GT-irrelevant items (spec §5.3, §7 item 16).
 *
 * The reference evaluates in `num_splits` contiguous chunks of ceil(N/num_splits) items and merges them with
 * Σ(chunk mean-Jaccard × chunk ITEM count)/N, where a chunk without irrelevant items contributes 0. That weights by all
 * items, not irrelevant items, so it equals the plain mean only when every chunk has the same irrelevant fraction.
 * We report the plain mean; the split/merge variant exists for parity.
 */
import type { ItemScore } from './item-score.js';

export const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Plain mean over GT-irrelevant items with a measured Jaccard; null when none was measured. */
export function rtIouPlain(items: readonly Pick<ItemScore, 'gt_relevant' | 'jaccard'>[]): number | null {
  const js = jaccards(items);
  return js.length === 0 ? null : mean(js);
}

/** The reference's chunk-weighted merge; null when no Jaccard was measured at all. */
export function rtIouSplitMerge(
  items: readonly Pick<ItemScore, 'gt_relevant' | 'jaccard'>[],
  numSplits: number,
): number | null {
  if (!Number.isInteger(numSplits) || numSplits < 1) throw new Error(`num_splits must be a positive integer, got ${numSplits}`);
  if (jaccards(items).length === 0) return null;
  const n = items.length;
  const chunkSize = Math.ceil(n / numSplits);
  let weighted = 0;
  for (let start = 0; start < n; start += chunkSize) {
    const chunk = items.slice(start, start + chunkSize);
    weighted += mean(jaccards(chunk)) * chunk.length;
  }
  return weighted / n;
}

function jaccards(items: readonly Pick<ItemScore, 'gt_relevant' | 'jaccard'>[]): number[] {
  const out: number[] = [];
  for (const it of items) if (!it.gt_relevant && it.jaccard !== null) out.push(it.jaccard);
  return out;
}
