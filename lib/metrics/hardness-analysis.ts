/**
 * hardness_level_analysis.metrics_by_hardness_level (spec §5.3), in the reference's key order: per level, accuracy,
 * binary scores with relevant as positive for "original" and IRRELEVANT as positive for weak/moderate/strong (the
 * reference swaps the arguments), the confusion counts (always relevant-positive orientation), total, RA-IoU over the
 * level's items, RT-IoU over its Jaccards, and the irrelevant_samples means (score-tables.ts `irrelevantMeans`).
 * Empty levels and unmeasured values give 0 (the reference's 0/0 convention). `positive_class` is our extra key.
 */
import { binaryScores, countOutcomes, type Confusion, safeDiv } from './binary.js';
import { HARDNESS_LEVELS, type HardnessLevel } from './hardness.js';
import type { ItemScore } from './item-score.js';
import { raIou, type RaIou } from './ra-iou.js';
import { mean } from './rt-iou.js';
import { type IrrelevantMeans, irrelevantMeans } from './score-tables.js';

export interface HardnessLevelMetrics {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  confusion: Confusion;
  total: number;
  'RA-IoU': RaIou;
  'RT-IoU': number;
  irrelevant_samples: IrrelevantMeans;
  /** Extra: which class the level's precision/recall/F1 treat as positive. */
  positive_class: 'relevant' | 'irrelevant';
}

export interface HardnessLevelAnalysis {
  metrics_by_hardness_level: Record<HardnessLevel, HardnessLevelMetrics>;
}

export function hardnessLevelAnalysis(items: readonly ItemScore[]): HardnessLevelAnalysis {
  const byLevel = {} as Record<HardnessLevel, HardnessLevelMetrics>;
  for (const level of HARDNESS_LEVELS) {
    const levelItems = items.filter((it) => it.hardness_level === level);
    const c = countOutcomes(levelItems.map((it) => it.outcome));
    const irrelevantPositive = level !== 'original';
    const scores = irrelevantPositive ? binaryScores(c.TN, c.FN, c.FP) : binaryScores(c.TP, c.FP, c.FN);
    const js = levelItems.filter((it) => !it.gt_relevant && it.jaccard !== null).map((it) => it.jaccard!);
    byLevel[level] = {
      accuracy: safeDiv(c.TP + c.TN, levelItems.length),
      precision: scores.precision,
      recall: scores.recall,
      f1: scores.f1,
      confusion: c,
      total: levelItems.length,
      'RA-IoU': raIou(levelItems),
      'RT-IoU': mean(js),
      irrelevant_samples: irrelevantMeans(levelItems),
      positive_class: irrelevantPositive ? 'irrelevant' : 'relevant',
    };
  }
  return { metrics_by_hardness_level: byLevel };
}
