/**
 * metrics.json of the refusal-aware evaluation (spec §5.3), built from per-item scores, in the reference's layout:
 * every key its eval script writes, in its order, always present (0 / 0.0 where it would write them; the JSON schema
 * is docs/schemas/metrics.reference.schema.json). Our additions come after the reference keys of their object and never
 * rename or move one: `relevance["F1 (avg)"]` (the paper's "F1 (avg)"), `reasoning_count` in the sample blocks,
 * `positive_class` per hardness level, out-of-taxonomy GT labels after the taxonomy labels of a table, and the
 * `scoring` block (how the run was scored). `referenceBehaviour` drops the out-of-taxonomy labels, as the reference
 * does; the hardness defect is the `hardnessSource` of the items (hardness.ts).
 */
import { binaryScores, type BinaryScores, type Confusion, countOutcomes, safeDiv } from './binary.js';
import { type CategoryIrrelevantClassification, categoryIrrelevantClassification } from './category-classification.js';
import { type HardnessLevelAnalysis, hardnessLevelAnalysis } from './hardness-analysis.js';
import type { ItemScore } from './item-score.js';
import { raIou, type RaIou } from './ra-iou.js';
import { rtIouPlain, rtIouSplitMerge } from './rt-iou.js';
import { irrelevantSamplesBlock, type SampleBlock, trueNegativeSamplesBlock } from './score-tables.js';
import { tableLabels } from './taxonomy.js';

export interface ClassScores extends BinaryScores {
  accuracy_within_gt_relevance: number;
}

/** Per-item values the run never measured: every aggregate of them is written as 0.0 (the reference's type). */
export type NotMeasured = 'RT-IoU' | 'reasoning_score' | 'sbert_similarity';

export interface ScoringInfo {
  /** How relevance was decided, counted over items. */
  relevance_sources: Record<string, number>;
  judge_model: string | null;
  /** Items with at least one recorded judge failure or skipped stage. */
  items_with_errors: number;
  num_splits: number;
  /** Both RT-IoU variants, whichever is reported under "RT-IoU"; null when no Jaccard was measured. */
  rt_iou_plain: number | null;
  rt_iou_split_merge: number | null;
  /** GT-irrelevant items with a measured Jaccard (TN items without categories are left out, not counted as 0). */
  rt_iou_count: number;
  hardness_source: string;
  /** true = the reference's numbers (its hardness defect, taxonomy-only label tables): `--reference-behaviour`. */
  reference_behaviour: boolean;
  /** Values no item had: the 0.0 of their means is "not measured", not a score of 0. */
  not_measured: NotMeasured[];
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
  'RT-IoU': number;
  irrelevant_samples: SampleBlock;
  true_negative_samples: SampleBlock;
  hardness_level_analysis: HardnessLevelAnalysis;
  category_irrelevant_classification: CategoryIrrelevantClassification;
  scoring: ScoringInfo;
}

export interface RefusalMetricsOptions {
  /** 1 (default) = plain-mean RT-IoU; the reference's run used contiguous chunks (e.g. 27) → set it for parity. */
  numSplits?: number;
  judgeModel?: string | null;
  hardnessSource?: string;
  /** Label tables list only the taxonomy, as the reference's (default false: out-of-taxonomy GT labels are extras). */
  referenceBehaviour?: boolean;
}

export function computeRefusalMetrics(items: readonly ItemScore[], options: RefusalMetricsOptions = {}): RefusalMetrics {
  if (items.length === 0) throw new Error('computeRefusalMetrics: no items');
  const numSplits = options.numSplits ?? 1;
  const referenceBehaviour = options.referenceBehaviour ?? false;
  const c = countOutcomes(items.map((it) => it.outcome));
  const relevant = { ...binaryScores(c.TP, c.FP, c.FN), accuracy_within_gt_relevance: safeDiv(c.TP, c.TP + c.FN) };
  const irrelevant = { ...binaryScores(c.TN, c.FN, c.FP), accuracy_within_gt_relevance: safeDiv(c.TN, c.TN + c.FP) };
  const plain = rtIouPlain(items);
  const splitMerge = rtIouSplitMerge(items, numSplits);
  const sources: Record<string, number> = {};
  for (const it of items) sources[it.relevance_source] = (sources[it.relevance_source] ?? 0) + 1;
  const labels = tableLabels(items.flatMap((it) => (it.gt_relevant ? [] : it.gt_categories)), referenceBehaviour);
  const notMeasured: NotMeasured[] = [];
  if (plain === null) notMeasured.push('RT-IoU');
  if (!items.some((it) => it.reasoning_score !== null)) notMeasured.push('reasoning_score');
  if (!items.some((it) => it.sbert_similarity !== null)) notMeasured.push('sbert_similarity');
  return {
    num_items: items.length,
    relevance: {
      overall_accuracy: (c.TP + c.TN) / items.length,
      per_class: { relevant, irrelevant },
      confusion: c,
      'F1 (avg)': (relevant.f1 + irrelevant.f1) / 2,
    },
    'RA-IoU': raIou(items),
    'RT-IoU': (numSplits > 1 ? splitMerge : plain) ?? 0,
    irrelevant_samples: irrelevantSamplesBlock(items, labels),
    true_negative_samples: trueNegativeSamplesBlock(items, labels),
    hardness_level_analysis: hardnessLevelAnalysis(items),
    category_irrelevant_classification: categoryIrrelevantClassification(items, labels),
    scoring: {
      relevance_sources: sources,
      judge_model: options.judgeModel ?? null,
      items_with_errors: items.filter((it) => it.errors.length > 0).length,
      num_splits: numSplits,
      rt_iou_plain: plain,
      rt_iou_split_merge: splitMerge,
      rt_iou_count: items.filter((it) => !it.gt_relevant && it.jaccard !== null).length,
      hardness_source: options.hardnessSource ?? 'mapped',
      reference_behaviour: referenceBehaviour,
      not_measured: notMeasured,
    },
  };
}
