/**
 * metrics.json of the refusal-aware evaluation (spec §5.3), built from per-item scores. Key names and nesting follow
 * the reference; keys the spec does not name are our choice and are listed in docs/metrics.md. Extra keys:
 * `relevance["F1 (avg)"]` (the paper's "F1 (avg)") and the `scoring` block (how the run was scored).
 */
import { binaryScores, type BinaryScores, type Confusion, countOutcomes, safeDiv } from './binary.js';
import { hardnessLevelAnalysis, type HardnessLevelMetrics } from './hardness-analysis.js';
import type { HardnessLevel } from './hardness.js';
import type { ItemScore } from './item-score.js';
import { raIou, type RaIou } from './ra-iou.js';
import { rtIouPlain, rtIouSplitMerge } from './rt-iou.js';
import { irrelevantSamplesBlock, type SampleBlock, trueNegativeSamplesBlock } from './score-tables.js';
import { orderLabels } from './taxonomy.js';

export interface ClassScores extends BinaryScores {
  accuracy_within_gt_relevance: number;
}

export interface CategoryClassification {
  total: number;
  correct: number;
  accuracy: number;
}

export interface ScoringInfo {
  /** How relevance was decided, counted over items. */
  relevance_sources: Record<string, number>;
  judge_model: string | null;
  /** Items with at least one recorded judge failure or skipped stage. */
  items_with_errors: number;
  num_splits: number;
  /** Both RT-IoU variants, whichever is reported under "RT-IoU". */
  rt_iou_plain: number | null;
  rt_iou_split_merge: number | null;
  /** GT-irrelevant items with a measured Jaccard (TN items without categories are left out, not counted as 0). */
  rt_iou_count: number;
  hardness_source: string;
}

export interface RefusalMetrics {
  num_items: number;
  relevance: {
    overall_accuracy: number;
    per_class: { relevant: ClassScores; irrelevant: ClassScores };
    confusion: Confusion;
    'F1 (avg)': number;
  };
  'RA-IoU': RaIou;
  /** Plain mean over GT-irrelevant items (num_splits = 1) or the reference's split/merge value (num_splits > 1). */
  'RT-IoU': number | null;
  irrelevant_samples: SampleBlock;
  true_negative_samples: SampleBlock;
  category_irrelevant_classification: Record<string, CategoryClassification>;
  hardness_level_analysis: Record<HardnessLevel, HardnessLevelMetrics>;
  scoring: ScoringInfo;
}

export interface RefusalMetricsOptions {
  /** 1 (default) = plain-mean RT-IoU; the reference's run used contiguous chunks (e.g. 27) → set it for parity. */
  numSplits?: number;
  judgeModel?: string | null;
  hardnessSource?: string;
}

export function computeRefusalMetrics(items: readonly ItemScore[], options: RefusalMetricsOptions = {}): RefusalMetrics {
  if (items.length === 0) throw new Error('computeRefusalMetrics: no items');
  const numSplits = options.numSplits ?? 1;
  const c = countOutcomes(items.map((it) => it.outcome));
  const relevant = { ...binaryScores(c.tp, c.fp, c.fn), accuracy_within_gt_relevance: safeDiv(c.tp, c.tp + c.fn) };
  const irrelevant = { ...binaryScores(c.tn, c.fn, c.fp), accuracy_within_gt_relevance: safeDiv(c.tn, c.tn + c.fp) };
  const plain = rtIouPlain(items);
  const splitMerge = rtIouSplitMerge(items, numSplits);
  const sources: Record<string, number> = {};
  for (const it of items) sources[it.relevance_source] = (sources[it.relevance_source] ?? 0) + 1;
  return {
    num_items: items.length,
    relevance: {
      overall_accuracy: (c.tp + c.tn) / items.length,
      per_class: { relevant, irrelevant },
      confusion: c,
      'F1 (avg)': (relevant.f1 + irrelevant.f1) / 2,
    },
    'RA-IoU': raIou(items),
    'RT-IoU': numSplits > 1 ? splitMerge : plain,
    irrelevant_samples: irrelevantSamplesBlock(items),
    true_negative_samples: trueNegativeSamplesBlock(items),
    category_irrelevant_classification: categoryIrrelevantClassification(items),
    hardness_level_analysis: hardnessLevelAnalysis(items),
    scoring: {
      relevance_sources: sources,
      judge_model: options.judgeModel ?? null,
      items_with_errors: items.filter((it) => it.errors.length > 0).length,
      num_splits: numSplits,
      rt_iou_plain: plain,
      rt_iou_split_merge: splitMerge,
      rt_iou_count: items.filter((it) => !it.gt_relevant && it.jaccard !== null).length,
      hardness_source: options.hardnessSource ?? 'mapped',
    },
  };
}

/** Per GT label, over GT-irrelevant items carrying it: correct = predicted irrelevant. */
export function categoryIrrelevantClassification(items: readonly ItemScore[]): Record<string, CategoryClassification> {
  const acc = new Map<string, { total: number; correct: number }>();
  for (const it of items) {
    if (it.gt_relevant) continue;
    for (const label of new Set(it.gt_categories)) {
      const a = acc.get(label) ?? { total: 0, correct: 0 };
      a.total += 1;
      if (!it.pred_relevant) a.correct += 1;
      acc.set(label, a);
    }
  }
  const out: Record<string, CategoryClassification> = {};
  for (const label of orderLabels(acc.keys())) {
    const a = acc.get(label)!;
    out[label] = { ...a, accuracy: a.correct / a.total };
  }
  return out;
}
