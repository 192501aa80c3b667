/**
 * category_irrelevant_classification.metrics_by_category (spec §5.3): per GT label, over the GT-irrelevant items whose
 * GT categories contain it, correct = predicted irrelevant. Every label of the table is listed, zeros included, in the
 * reference's order and key order ({correct, incorrect, total, accuracy}).
 */
import { safeDiv } from './binary.js';
import type { ItemScore } from './item-score.js';

export interface CategoryClassification {
  correct: number;
  incorrect: number;
  total: number;
  accuracy: number;
}

export interface CategoryIrrelevantClassification {
  metrics_by_category: Record<string, CategoryClassification>;
}

export function categoryIrrelevantClassification(items: readonly ItemScore[], labels: readonly string[]): CategoryIrrelevantClassification {
  const acc = new Map(labels.map((l) => [l, { correct: 0, incorrect: 0 }]));
  for (const it of items) {
    if (it.gt_relevant) continue;
    for (const label of new Set(it.gt_categories)) {
      const a = acc.get(label);
      if (!a) continue; // not a label of this table (an out-of-taxonomy label in reference behaviour)
      if (it.pred_relevant) a.incorrect += 1;
      else a.correct += 1;
    }
  }
  const byCategory: Record<string, CategoryClassification> = {};
  for (const label of labels) {
    const { correct, incorrect } = acc.get(label)!;
    byCategory[label] = { correct, incorrect, total: correct + incorrect, accuracy: safeDiv(correct, correct + incorrect) };
  }
  return { metrics_by_category: byCategory };
}
