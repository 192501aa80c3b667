/**
 * §3.4 data defects as they reach scoring, on the real annotation files.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanGroundTruth, decideWithoutJudge, scorePredictions } from '../../lib/metrics/index.js';
import { hiVtgPredictions, sharedDataset } from './real-data.js';

const refuseAll = () => ({ model_output: '<answer>The video does not contain a relevant segment.</answer><correction>x</correction><|im_end|>' });

describe('SS-Charades: every `a` is "" (§3.4 item 6)', () => {
  const preds = hiVtgPredictions('rarft/ss_vtg_charades.json', refuseAll);

  it('strict (reference) mode fails at the first GT-irrelevant item, naming record and field', () => {
    expect(preds.length).toBe(3720);
    expect(() => preds.map((p, i) => decideWithoutJudge(p, i, { strictGt: true, file: 'ss_vtg_charades.json' }))).toThrow(
      /ss_vtg_charades\.json, record 2, field "gt_output": GT-irrelevant item has an empty GT explanation/,
    );
  });

  it('default mode scores it, recording the 1860 skipped reasoning/SBERT stages', () => {
    const { metrics } = scorePredictions(preds, preds.map((p, i) => decideWithoutJudge(p, i, { strictGt: false })));
    expect(metrics.num_items).toBe(3720);
    expect(metrics.relevance.confusion).toEqual({ TP: 0, FP: 0, FN: 1860, TN: 1860 });
    expect(metrics.scoring.items_with_errors).toBe(1860);
    // no `c` in SS-Charades: GT categories are empty, so a TN's Jaccard needs predicted categories; none given → not measured
    expect(metrics['RT-IoU']).toBe(0);
    expect(metrics.scoring.not_measured).toEqual(['RT-IoU', 'reasoning_score', 'sbert_similarity']);
    expect(metrics.hardness_level_analysis.metrics_by_hardness_level.weak.total).toBe(1860); // all "easy"
  });
});

describe('human_anno.json GT text (§3.4 item 5)', () => {
  const records = JSON.parse(readFileSync(sharedDataset('rarft/human_anno.json'), 'utf8')) as { GRPO: { a: string; r: boolean }[] }[];
  it('<correct> survives GT cleaning; the refusal closed by </correct> keeps it too', () => {
    expect(cleanGroundTruth(records[0]!.GRPO[1]!.a)).toBe(
      'The man is sitting on a bed, not a chair, and reading a book.<correct>man with a white shirt is reading a book.</correct>',
    );
    const malformed = cleanGroundTruth(records[31]!.GRPO[1]!.a);
    expect(malformed.startsWith('There is a subtle mismatch')).toBe(true);
    expect(malformed.endsWith('The query has the scene order reversed.</correct>')).toBe(true);
  });
  it('has no difficulty field: answerable items are "original", refusables get no level', () => {
    const preds = hiVtgPredictions('rarft/human_anno.json', refuseAll);
    const { metrics } = scorePredictions(preds, preds.map((p, i) => decideWithoutJudge(p, i, { strictGt: false })));
    expect(metrics.num_items).toBe(200);
    const h = metrics.hardness_level_analysis.metrics_by_hardness_level;
    expect([h.original.total, h.weak.total, h.moderate.total, h.strong.total]).toEqual([100, 0, 0, 0]);
  });
});

describe('HI-TVGBench: one out-of-taxonomy GT path (§3.2, §7 item 19)', () => {
  it('"Action/SceneTransition" stays in the GT set and lowers a perfect prediction\'s Jaccard', () => {
    const preds = hiVtgPredictions('rarft/hi_vtg_tvgbench.json', (g) => ({
      ...refuseAll(),
      ...(g.r ? {} : { pred_categories: g.c ?? [] }), // echo GT categories; the judge could never output the invalid path
    }));
    const { items, metrics } = scorePredictions(preds, preds.map((p, i) => decideWithoutJudge(p, i, { strictGt: false })));
    expect(metrics.num_items).toBe(1600);
    const odd = items.filter((it) => it.gt_categories.includes('Action/SceneTransition'));
    expect(odd).toHaveLength(1);
    const k = odd[0]!.gt_categories.length;
    expect(odd[0]!.jaccard).toBeCloseTo((k - 1) / k, 12); // the invalid path is filtered from the prediction only
    expect(metrics['RT-IoU']).toBeCloseTo((799 + (k - 1) / k) / 800, 12);
    expect(metrics.category_irrelevant_classification.metrics_by_category['Action/SceneTransition']).toEqual({ correct: 1, incorrect: 0, total: 1, accuracy: 1 });
    // The reference's label space is the taxonomy: in reference behaviour the invalid path has no table entry, but it
    // still enlarges the item's Jaccard union (the number is the reference's either way).
    const ref = scorePredictions(preds, preds.map((p, i) => decideWithoutJudge(p, i, { strictGt: false })), { referenceBehaviour: true }).metrics;
    expect(ref.category_irrelevant_classification.metrics_by_category['Action/SceneTransition']).toBeUndefined();
    expect(Object.keys(ref.category_irrelevant_classification.metrics_by_category)).toHaveLength(11);
    expect(ref['RT-IoU']).toBe(metrics['RT-IoU']);
  });
});
