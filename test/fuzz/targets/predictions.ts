/**
 * Predictions files for `rarft-eval score` (lib/metrics/predictions.ts): the reference's merged JSON array and our
 * JSONL, mutated as JSON, bytes or lines, then read and scored offline (the rule-based decisions, no judge). A correct
 * result: every item's IoU is in [0, 1] and the headline metrics are finite.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { decideWithoutJudge, readPredictions, scorePredictions } from '../../../lib/metrics/index.js';
import { chance, mutateBytes, mutateJsonText, mutateLines } from '../mutate.js';
import { type FuzzCase, defineTarget } from '../target.js';

const ITEMS = [
  { video: 'a.mp4', query: 'a person opens a door', model_output: '<think>x</think><answer>2.0 to 5.0</answer><correction>NIL</correction>', gt_relevant: true, gt_timestamp: [1.5, 5], gt_output: '<answer>1.5 to 5.0</answer>', irrelevance_level: '', gt_categories: [], difficulty: 'original' },
  { video: 'a.mp4', query: 'a dog opens a door', model_output: '<answer>The video does not show a dog.</answer><correction>a person opens a door</correction>', gt_relevant: false, gt_timestamp: null, gt_output: '<answer>The video does not show a dog.</answer>', gt_categories: ['Entity Substitution/Object'], difficulty: 'hard', hardness_level: 'strong' },
  { video: 'b.mp4', query: 'someone sits', model_output: 'no tags at all 3 to 1', gt_relevant: true, gt_timestamp: [7, 3], gt_output: '', pred_relevant: true, pred_span: [1, 4], reasoning_score: 4, sbert_similarity: 0.5 },
];

interface Case extends FuzzCase {
  file: string;
}

export const target = defineTarget<null, Case>({
  async setup() {
    return null;
  },
  make(rng, _base, dir) {
    const jsonl = chance(rng, 0.5);
    const file = join(dir, jsonl ? 'predictions.jsonl' : 'inference_results_merged.json');
    const text = jsonl ? ITEMS.map((i) => JSON.stringify(i)).join('\n') + '\n' : JSON.stringify(ITEMS, null, 1);
    const r = rng();
    const how = r < 0.5 ? 'json' : r < 0.75 ? 'bytes' : 'lines';
    const body = how === 'bytes' ? mutateBytes(rng, Buffer.from(text)) : how === 'lines' ? mutateLines(rng, text) : jsonl ? ITEMS.map((i) => (chance(rng, 0.5) ? mutateJsonText(rng, i) : JSON.stringify(i))).join('\n') : mutateJsonText(rng, ITEMS);
    writeFileSync(file, body);
    return { file, names: [file], mode: `${jsonl ? 'jsonl' : 'array'}-${how}` };
  },
  run(c) {
    const items = readPredictions(c.file);
    const decisions = items.map((p, i) => decideWithoutJudge(p, i, { strictGt: false, file: c.file }));
    return scorePredictions(items, decisions, { numSplits: 1, hardnessSource: 'mapped', judgeModel: null });
  },
  check(_c, result) {
    const r = result as ReturnType<typeof scorePredictions>;
    const bad = r.items.find((i) => !(i.iou >= 0 && i.iou <= 1));
    if (bad) return `item ${bad.index}: IoU ${bad.iou}`;
    const m = r.metrics;
    if (!Number.isFinite(m.relevance.overall_accuracy) || !Number.isFinite(m['RA-IoU'].mean_all)) return `metrics not finite: accuracy ${m.relevance.overall_accuracy}, RA-IoU ${m['RA-IoU'].mean_all}`;
    return null;
  },
});
