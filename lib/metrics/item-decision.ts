/**
 * What was decided about one item before scoring: predicted relevance and span, predicted mismatch categories, the
 * reasoning-consistency score and the SBERT similarity. A judge produces it (lib/judge), or, offline, the rule-based
 * classifier plus any precomputed fields in the predictions file.
 */
import { DataError } from '../errors.js';
import { type Span } from './interval-iou.js';
import type { PredictionItem } from './predictions.js';
import { classifyRelevanceByRule } from './relevance.js';
import { keepTaxonomyPaths } from './taxonomy.js';
import { cleanGroundTruth } from './text-cleaning.js';

export type RelevanceSource = 'rule' | 'given' | 'judge' | 'rule-fallback';

export interface ItemDecision {
  predRelevant: boolean;
  predSpan: Span | null;
  relevanceSource: RelevanceSource;
  /** Valid taxonomy paths; [] unless GT-irrelevant and predicted irrelevant (stage 2 runs only there); null = not measured. */
  predCategories: string[] | null;
  /** 0–5, GT-irrelevant items only; null = not measured (no judge, judge failure, empty GT explanation). */
  reasoningScore: number | null;
  /** Cosine clipped to [0,1], GT-irrelevant items only; null = not measured. */
  sbertSimilarity: number | null;
  /** Judge failures and skipped stages, recorded per item instead of aborting the run. */
  errors: string[];
}

/** The reference clips the SBERT cosine to [0, 1]. */
export const clipSimilarity = (x: number) => Math.min(1, Math.max(0, x));

export interface GtExplanationPolicy {
  /** true = reproduce the reference: an irrelevant item with an empty GT explanation is an error (§3.4 item 6). */
  strictGt: boolean;
  file?: string;
}

/**
 * Whether stages 3–4 can run for a GT-irrelevant item. With an empty cleaned GT the reference raises and the whole
 * run dies (so SS-Charades cannot be scored); by default we skip those two stages for the item and record why.
 */
export function gtExplanationUsable(item: PredictionItem, index: number, policy: GtExplanationPolicy): boolean {
  if (item.gt_relevant || cleanGroundTruth(item.gt_output) !== '') return true;
  if (policy.strictGt) {
    throw new DataError('GT-irrelevant item has an empty GT explanation (the reference evaluator raises here)', {
      file: policy.file,
      record: index,
      field: 'gt_output',
    });
  }
  return false;
}

/** Offline decision: precomputed fields where present, otherwise the deterministic NUM-to-NUM rule. */
export function decideWithoutJudge(item: PredictionItem, index: number, policy: GtExplanationPolicy): ItemDecision {
  const errors: string[] = [];
  let predRelevant: boolean, predSpan: Span | null, relevanceSource: RelevanceSource;
  if (item.pred_relevant !== undefined) {
    predRelevant = item.pred_relevant;
    predSpan = predRelevant ? (item.pred_span ?? null) : null;
    relevanceSource = 'given';
  } else {
    const rule = classifyRelevanceByRule(item.model_output);
    ({ relevant: predRelevant, span: predSpan } = rule);
    relevanceSource = 'rule';
  }
  const gtIrrelevant = !item.gt_relevant;
  const tn = gtIrrelevant && !predRelevant;
  const predCategories = tn ? (item.pred_categories ? keepTaxonomyPaths(item.pred_categories) : null) : [];
  let reasoningScore: number | null = null, sbertSimilarity: number | null = null;
  if (gtIrrelevant) {
    if (gtExplanationUsable(item, index, policy)) {
      reasoningScore = item.reasoning_score ?? null;
      sbertSimilarity = item.sbert_similarity != null ? clipSimilarity(item.sbert_similarity) : null;
    } else {
      errors.push('empty GT explanation: reasoning score and SBERT similarity not computed');
    }
  }
  return { predRelevant, predSpan, relevanceSource, predCategories, reasoningScore, sbertSimilarity, errors };
}
