/**
 * hardness_level_analysis (spec §5.3): per level, confusion counts (always relevant-positive orientation), binary
 * scores with relevant as positive for "original" and IRRELEVANT as positive for weak/moderate/strong (the reference
 * swaps the arguments), RA-IoU over the level's items, RT-IoU over its Jaccards, and reasoning/SBERT = ΣTN/#irrelevant.
 * Empty levels give zeros (the reference's 0/0 convention); values that were never measured in the run are null.
 */
import { binaryScores, countOutcomes, type Confusion, safeDiv } from './binary.js';
import { HARDNESS_LEVELS, type HardnessLevel } from './hardness.js';
import type { ItemScore } from './item-score.js';
import { raIou, type RaIou } from './ra-iou.js';
import { mean } from './rt-iou.js';
import { tnSumOverIrrelevant } from './score-tables.js';

export interface HardnessLevelMetrics {
  total: number;
  confusion: Confusion;
  positive_class: 'relevant' | 'irrelevant';
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  'RA-IoU': RaIou;
  'RT-IoU': number | null;
  mean_reasoning_score: number | null;
  mean_sbert_similarity: number | null;
}

export function hardnessLevelAnalysis(items: readonly ItemScore[]): Record<HardnessLevel, HardnessLevelMetrics> {
  const runHas = (key: 'jaccard' | 'reasoning_score' | 'sbert_similarity') => items.some((it) => it[key] !== null);
  const out = {} as Record<HardnessLevel, HardnessLevelMetrics>;
  for (const level of HARDNESS_LEVELS) {
    const levelItems = items.filter((it) => it.hardness_level === level);
    const c = countOutcomes(levelItems.map((it) => it.outcome));
    const irrelevantPositive = level !== 'original';
    const scores = irrelevantPositive ? binaryScores(c.tn, c.fn, c.fp) : binaryScores(c.tp, c.fp, c.fn);
    const js = levelItems.filter((it) => !it.gt_relevant && it.jaccard !== null).map((it) => it.jaccard!);
    out[level] = {
      total: levelItems.length,
      confusion: c,
      positive_class: irrelevantPositive ? 'irrelevant' : 'relevant',
      accuracy: safeDiv(c.tp + c.tn, levelItems.length),
      ...scores,
      'RA-IoU': raIou(levelItems),
      'RT-IoU': runHas('jaccard') ? mean(js) : null,
      mean_reasoning_score: tnSumOverIrrelevant(levelItems, 'reasoning_score', runHas('reasoning_score')),
      mean_sbert_similarity: tnSumOverIrrelevant(levelItems, 'sbert_similarity', runHas('sbert_similarity')),
    };
  }
  return out;
}
