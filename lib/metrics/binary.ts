/**
 * Confusion counts and binary precision/recall/F1 with "relevant" as the positive class (spec §5.3).
 * Every 0/0 is 0, as in the reference.
 */
/** Keys and key order as the reference's metrics.json writes them, at both places a confusion occurs. */
export interface Confusion {
  TP: number;
  FP: number;
  FN: number;
  TN: number;
}

export type Outcome = 'TP' | 'FN' | 'FP' | 'TN';

export function outcomeOf(gtRelevant: boolean, predRelevant: boolean): Outcome {
  if (gtRelevant) return predRelevant ? 'TP' : 'FN';
  return predRelevant ? 'FP' : 'TN';
}

export function emptyConfusion(): Confusion {
  return { TP: 0, FP: 0, FN: 0, TN: 0 };
}

export function countOutcomes(outcomes: Iterable<Outcome>): Confusion {
  const c = emptyConfusion();
  for (const o of outcomes) c[o] += 1;
  return c;
}

export const safeDiv = (num: number, den: number): number => (den === 0 ? 0 : num / den);

export interface BinaryScores {
  precision: number;
  recall: number;
  f1: number;
}

/** precision = tp/(tp+fp), recall = tp/(tp+fn), F1 = 2PR/(P+R); call with (tn, fn, fp) to make "irrelevant" positive. */
export function binaryScores(tp: number, fp: number, fn: number): BinaryScores {
  const precision = safeDiv(tp, tp + fp);
  const recall = safeDiv(tp, tp + fn);
  return { precision, recall, f1: safeDiv(2 * precision * recall, precision + recall) };
}
