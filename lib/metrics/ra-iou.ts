/**
 * RA-IoU (spec §5.3): per-item iou averaged over ALL items (TN = 1.0, misclassified = 0), and R@k = 100·#(iou ≥ k)/N
 * with an INCLUSIVE threshold, unlike Time-R1's strict R1@k. Empty sets give 0 (the reference's 0/0 convention).
 */
import type { ItemScore } from './item-score.js';
import { safeDiv } from './binary.js';

export const RA_THRESHOLDS = [0.3, 0.5, 0.7] as const;

export interface RaIou {
  mean_all: number;
  'R@0.3': number;
  'R@0.5': number;
  'R@0.7': number;
}

export function raIou(items: readonly Pick<ItemScore, 'iou'>[]): RaIou {
  const n = items.length;
  const recall = (k: number) => safeDiv(100 * items.filter((it) => it.iou >= k).length, n);
  return {
    mean_all: safeDiv(items.reduce((a, it) => a + it.iou, 0), n),
    'R@0.3': recall(0.3),
    'R@0.5': recall(0.5),
    'R@0.7': recall(0.7),
  };
}
