/**
 * Scores a predictions list end to end, given one decision per item (from the offline rule or a judge).
 */
import type { HardnessSource } from './hardness.js';
import type { ItemDecision } from './item-decision.js';
import { type ItemScore, scoreItem } from './item-score.js';
import type { PredictionItem } from './predictions.js';
import { computeRefusalMetrics, type RefusalMetrics } from './refusal.js';

export interface ScoreOptions {
  numSplits?: number;
  /** Default: 'reference' with `referenceBehaviour`, else 'mapped' (our fix of the hardness defect). */
  hardnessSource?: HardnessSource;
  /** Reproduce the reference's numbers where ours differ on purpose: hardness from `hardness_level` only (its
   * defect, spec §3.4 item 7) and label tables over the taxonomy only. */
  referenceBehaviour?: boolean;
  judgeModel?: string | null;
}

export function scorePredictions(
  predictions: readonly PredictionItem[],
  decisions: readonly ItemDecision[],
  options: ScoreOptions = {},
): { items: ItemScore[]; metrics: RefusalMetrics } {
  if (predictions.length !== decisions.length) {
    throw new Error(`scorePredictions: ${predictions.length} items but ${decisions.length} decisions`);
  }
  const referenceBehaviour = options.referenceBehaviour ?? false;
  const hardnessSource = options.hardnessSource ?? (referenceBehaviour ? 'reference' : 'mapped');
  const items = predictions.map((p, i) => scoreItem(p, i, decisions[i]!, hardnessSource));
  const metrics = computeRefusalMetrics(items, {
    numSplits: options.numSplits ?? 1,
    judgeModel: options.judgeModel ?? null,
    hardnessSource,
    referenceBehaviour,
  });
  return { items, metrics };
}
