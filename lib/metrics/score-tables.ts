/**
 * The reasoning-score and SBERT blocks of metrics.json (spec §5.3, §7 item 17), with the reference's denominators:
 *   irrelevant_samples:    mean = Σ(score over TN) / #GT-irrelevant  (FPs count as 0),
 *                          label tables over ALL GT-irrelevant items incl. FPs' RAW scores (the reference's inconsistency);
 *   true_negative_samples: mean = mean over TN; label tables over TN items only.
 * Label tables: simple_mean and weighted_mean with weight 1/|GT categories| (Σ w·s / Σ w) per label found in the GT.
 */
import { orderLabels } from './taxonomy.js';
import type { ItemScore } from './item-score.js';
import { mean } from './rt-iou.js';

export interface LabelScore {
  simple_mean: number;
  weighted_mean: number;
  count: number;
}

export interface SampleBlock {
  /** Items in the block: #GT-irrelevant, or #TN. */
  count: number;
  /** null when no item in the run had a reasoning score (not measured), never a fake 0. */
  mean_reasoning_score: number | null;
  reasoning_count: number;
  label_reasoning_scores: Record<string, LabelScore>;
  mean_sbert_similarity: number | null;
  sbert_count: number;
  label_sbert_scores: Record<string, LabelScore>;
}

type ScoreKey = 'reasoning_score' | 'sbert_similarity';

export function labelTable(items: readonly ItemScore[], key: ScoreKey): Record<string, LabelScore> {
  const sums = new Map<string, { s: number; ws: number; w: number; n: number }>();
  for (const it of items) {
    const score = it[key];
    if (score === null) continue;
    const weight = 1 / it.gt_categories.length;
    for (const label of new Set(it.gt_categories)) {
      const acc = sums.get(label) ?? { s: 0, ws: 0, w: 0, n: 0 };
      acc.s += score;
      acc.ws += weight * score;
      acc.w += weight;
      acc.n += 1;
      sums.set(label, acc);
    }
  }
  const table: Record<string, LabelScore> = {};
  for (const label of orderLabels(sums.keys())) {
    const a = sums.get(label)!;
    table[label] = { simple_mean: a.s / a.n, weighted_mean: a.ws / a.w, count: a.n };
  }
  return table;
}

const scored = (items: readonly ItemScore[], key: ScoreKey) => items.filter((it) => it[key] !== null);
const sumOf = (items: readonly ItemScore[], key: ScoreKey) => items.reduce((a, it) => a + (it[key] ?? 0), 0);

/** Σ over TN / #GT-irrelevant; null if nothing was measured among the given items' run. */
export function tnSumOverIrrelevant(items: readonly ItemScore[], key: ScoreKey, measured: boolean): number | null {
  if (!measured) return null;
  const irrelevant = items.filter((it) => !it.gt_relevant);
  const tn = irrelevant.filter((it) => it.outcome === 'TN');
  return irrelevant.length === 0 ? 0 : sumOf(tn, key) / irrelevant.length;
}

export function irrelevantSamplesBlock(items: readonly ItemScore[]): SampleBlock {
  const irrelevant = items.filter((it) => !it.gt_relevant);
  const rs = scored(irrelevant, 'reasoning_score'), ss = scored(irrelevant, 'sbert_similarity');
  return {
    count: irrelevant.length,
    mean_reasoning_score: tnSumOverIrrelevant(items, 'reasoning_score', rs.length > 0),
    reasoning_count: rs.length,
    label_reasoning_scores: labelTable(irrelevant, 'reasoning_score'),
    mean_sbert_similarity: tnSumOverIrrelevant(items, 'sbert_similarity', ss.length > 0),
    sbert_count: ss.length,
    label_sbert_scores: labelTable(irrelevant, 'sbert_similarity'),
  };
}

export function trueNegativeSamplesBlock(items: readonly ItemScore[]): SampleBlock {
  const tn = items.filter((it) => it.outcome === 'TN');
  const rs = scored(tn, 'reasoning_score'), ss = scored(tn, 'sbert_similarity');
  // 0 (the reference's 0/0) when scores exist in the run but no TN has one; null when the run measured nothing.
  const runHas = (key: ScoreKey) => items.some((it) => !it.gt_relevant && it[key] !== null);
  const tnMean = (xs: ItemScore[], key: ScoreKey) => (runHas(key) ? mean(xs.map((it) => it[key]!)) : null);
  return {
    count: tn.length,
    mean_reasoning_score: tnMean(rs, 'reasoning_score'),
    reasoning_count: rs.length,
    label_reasoning_scores: labelTable(tn, 'reasoning_score'),
    mean_sbert_similarity: tnMean(ss, 'sbert_similarity'),
    sbert_count: ss.length,
    label_sbert_scores: labelTable(tn, 'sbert_similarity'),
  };
}
