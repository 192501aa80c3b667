/**
 * Per-item values of the refusal-aware evaluation (spec §5.2 "per-item derived values"): outcome, iou, jaccard and the
 * scores the aggregate tables are built from. One ItemScore is one line of the per-item JSONL.
 */
import { type Outcome, outcomeOf } from './binary.js';
import { type HardnessLevel, type HardnessSource, resolveHardness } from './hardness.js';
import { asSpan, lengthUnionIoU, type Span } from './interval-iou.js';
import type { ItemDecision, RelevanceSource } from './item-decision.js';
import type { PredictionItem } from './predictions.js';
import { categoryJaccard } from './taxonomy.js';

export interface ItemScore {
  index: number;
  video: string;
  query: string;
  gt_relevant: boolean;
  pred_relevant: boolean;
  outcome: Outcome;
  relevance_source: RelevanceSource;
  gt_timestamp: Span | null;
  pred_span: Span | null;
  /** Misclassified 0; TN 1.0; TP IoU(gt, span) with the length-sum union, 0 if either is unusable. */
  iou: number;
  hardness_level: HardnessLevel | null;
  gt_categories: string[];
  pred_categories: string[] | null;
  /** GT-irrelevant items only (null otherwise, or when categories were not measured). */
  jaccard: number | null;
  reasoning_score: number | null;
  sbert_similarity: number | null;
  errors: string[];
}

/**
 * The reference uses a GT span only if it is a 2-element list whose first element is a number; we also require the
 * second to be a finite number (a non-numeric end would crash Python's arithmetic).
 */
export function usableGtSpan(value: unknown): Span | null {
  return asSpan(value);
}

export function scoreItem(
  item: PredictionItem,
  index: number,
  decision: ItemDecision,
  hardnessSource: HardnessSource = 'mapped',
): ItemScore {
  const outcome = outcomeOf(item.gt_relevant, decision.predRelevant);
  const gtSpan = item.gt_relevant ? usableGtSpan(item.gt_timestamp) : null;
  let iou = 0;
  if (outcome === 'TN') iou = 1;
  else if (outcome === 'TP' && gtSpan && decision.predSpan) iou = lengthUnionIoU(gtSpan, decision.predSpan);
  const gtCategories = item.gt_categories ?? [];
  const jaccard =
    !item.gt_relevant && decision.predCategories !== null ? categoryJaccard(decision.predCategories, gtCategories) : null;
  return {
    index,
    video: item.video,
    query: item.query,
    gt_relevant: item.gt_relevant,
    pred_relevant: decision.predRelevant,
    outcome,
    relevance_source: decision.relevanceSource,
    gt_timestamp: gtSpan,
    pred_span: decision.predSpan,
    iou,
    hardness_level: resolveHardness(item, hardnessSource),
    gt_categories: gtCategories,
    pred_categories: decision.predCategories,
    jaccard,
    reasoning_score: item.gt_relevant ? null : decision.reasoningScore,
    sbert_similarity: item.gt_relevant ? null : decision.sbertSimilarity,
    errors: decision.errors,
  };
}
