/**
 * inference_results_merged.json: a run's answers in the reference's inference output layout (rarft-reference §5.1;
 * schema docs/schemas/inference-results.reference.schema.json): a JSON array in data order, one object per answered
 * item with the fields its inference writes, in its order. The reference's evaluate.py reads it as it reads its own
 * inference output, and `rarft-eval score` reads it back. One extra field closes the reference's hardness gap
 * (§3.4 item 7): `hardness_level` (original/weak/moderate/strong, "" when the source has none) is the key its
 * evaluator reads for the hardness table and its inference never writes, so its table is filled on our files.
 * Written as its aggregate script's `json.dump(indent=2)` writes (spans as floats, non-ASCII escaped).
 */
import path from 'node:path';
import { levelForName } from '../metrics/hardness.js';
import { pythonJson } from '../util/python-json.js';
import type { EvalPrediction } from './prediction-record.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export const REFERENCE_PREDICTIONS_FILE = 'inference_results_merged.json';

/** The fields the reference's inference writes (our prediction lines carry them too), and the hardness. */
export interface ReferencePredictionItem
  extends Pick<EvalPrediction, 'video' | 'query' | 'model_output' | 'gt_relevant' | 'gt_timestamp' | 'gt_output' | 'irrelevance_level' | 'gt_categories'> {
  /** Extra (not written by the reference's inference); read by its evaluator. */
  hardness_level: string;
}

export function toReferenceItem(p: EvalPrediction): ReferencePredictionItem {
  // written in this order: the reference's
  return {
    video: p.video,
    query: p.query,
    model_output: p.model_output,
    gt_relevant: p.gt_relevant,
    gt_timestamp: p.gt_timestamp,
    gt_output: p.gt_output,
    irrelevance_level: p.irrelevance_level,
    gt_categories: p.gt_categories,
    hardness_level: (p.difficulty && levelForName(p.difficulty)) || '',
  };
}

/** Writes `dir`/inference_results_merged.json (atomically) from answers already in data order; returns its path. */
export function writeReferencePredictions(dir: string, ordered: readonly EvalPrediction[]): string {
  const file = path.join(dir, REFERENCE_PREDICTIONS_FILE);
  writeFileAtomic(file, pythonJson(ordered.map(toReferenceItem), { asciiOnly: true }));
  return file;
}
