/**
 * The reasoning-score and SBERT blocks of metrics.json (spec §5.3, §7 item 17), with the reference's denominators:
 *   irrelevant_samples:    reasoning mean = Σ(score over TN) / #GT-irrelevant (FPs and unscored items count as 0, as
 *                          the reference's score defaults to 0.0); SBERT mean = Σ(similarity over TN) / #GT-irrelevant
 *                          items WITH a similarity (`sbert_count`; the reference's list holds only measured values);
 *                          label tables over ALL GT-irrelevant items incl. FPs' RAW scores (the reference's inconsistency);
 *   true_negative_samples: means over TN items with a value; label tables over TN items only.
 * Label tables: simple_mean, weighted_mean with weight 1/|GT categories| (Σ w·s / Σ w), count and total_weight (Σ w), one
 * entry per label of the table (tableLabels), zeros when no item carries the label. A value nothing measured is 0.0,
 * the reference's type; `scoring.not_measured` (refusal.ts) says which.
 */
import { safeDiv } from './binary.js';
import type { ItemScore } from './item-score.js';
import { mean } from './rt-iou.js';

export interface LabelScore {
  simple_mean: number;
  weighted_mean: number;
  count: number;
  total_weight: number;
}

/** Key order = the reference's; `reasoning_count` is our extra key, after them. */
export interface SampleBlock {
  mean_reasoning_score: number;
  /** Items in the block: #GT-irrelevant, or #TN. */
  count: number;
  label_reasoning_scores: Record<string, LabelScore>;
  mean_sbert_similarity: number;
  /** Items of the block with a similarity. */
  sbert_count: number;
  label_sbert_scores: Record<string, LabelScore>;
  /** Extra: items of the block with a reasoning score (`count` counts them all, as the reference's does). */
  reasoning_count: number;
}

/** The four-key block of one hardness level: the irrelevant_samples means without label tables. */
export interface IrrelevantMeans {
  mean_reasoning_score: number;
  count: number;
  mean_sbert_similarity: number;
  sbert_count: number;
}

type ScoreKey = 'reasoning_score' | 'sbert_similarity';

export function labelTable(items: readonly ItemScore[], key: ScoreKey, labels: readonly string[]): Record<string, LabelScore> {
  const sums = new Map<string, { s: number; ws: number; w: number; n: number }>(labels.map((l) => [l, { s: 0, ws: 0, w: 0, n: 0 }]));
  for (const it of items) {
    const score = it[key];
    if (score === null) continue;
    const weight = 1 / it.gt_categories.length;
    for (const label of new Set(it.gt_categories)) {
      const acc = sums.get(label);
      if (!acc) continue; // not a label of this table (an out-of-taxonomy label in reference behaviour)
      acc.s += score;
      acc.ws += weight * score;
      acc.w += weight;
      acc.n += 1;
    }
  }
  const table: Record<string, LabelScore> = {};
  for (const label of labels) {
    const a = sums.get(label)!;
    table[label] = { simple_mean: safeDiv(a.s, a.n), weighted_mean: safeDiv(a.ws, a.w), count: a.n, total_weight: a.w };
  }
  return table;
}

const withValue = (items: readonly ItemScore[], key: ScoreKey) => items.filter((it) => it[key] !== null);
const sumOf = (items: readonly ItemScore[], key: ScoreKey) => items.reduce((a, it) => a + (it[key] ?? 0), 0);

/** ΣTN / #GT-irrelevant for reasoning, ΣTN / #GT-irrelevant-with-a-similarity for SBERT (see the file comment). */
export function irrelevantMeans(items: readonly ItemScore[]): IrrelevantMeans {
  const irrelevant = items.filter((it) => !it.gt_relevant);
  const tn = irrelevant.filter((it) => it.outcome === 'TN');
  const sbertCount = withValue(irrelevant, 'sbert_similarity').length;
  return {
    mean_reasoning_score: safeDiv(sumOf(tn, 'reasoning_score'), irrelevant.length),
    count: irrelevant.length,
    mean_sbert_similarity: safeDiv(sumOf(tn, 'sbert_similarity'), sbertCount),
    sbert_count: sbertCount,
  };
}

export function irrelevantSamplesBlock(items: readonly ItemScore[], labels: readonly string[]): SampleBlock {
  const irrelevant = items.filter((it) => !it.gt_relevant);
  const m = irrelevantMeans(items);
  return {
    mean_reasoning_score: m.mean_reasoning_score,
    count: m.count,
    label_reasoning_scores: labelTable(irrelevant, 'reasoning_score', labels),
    mean_sbert_similarity: m.mean_sbert_similarity,
    sbert_count: m.sbert_count,
    label_sbert_scores: labelTable(irrelevant, 'sbert_similarity', labels),
    reasoning_count: withValue(irrelevant, 'reasoning_score').length,
  };
}

export function trueNegativeSamplesBlock(items: readonly ItemScore[], labels: readonly string[]): SampleBlock {
  const tn = items.filter((it) => it.outcome === 'TN');
  const rs = withValue(tn, 'reasoning_score'), ss = withValue(tn, 'sbert_similarity');
  return {
    mean_reasoning_score: mean(rs.map((it) => it.reasoning_score!)),
    count: tn.length,
    label_reasoning_scores: labelTable(tn, 'reasoning_score', labels),
    mean_sbert_similarity: mean(ss.map((it) => it.sbert_similarity!)),
    sbert_count: ss.length,
    label_sbert_scores: labelTable(tn, 'sbert_similarity', labels),
    reasoning_count: rs.length,
  };
}
