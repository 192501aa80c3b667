import { describe, expect, it } from 'vitest';
import { decideWithoutJudge, scorePredictions } from '../../lib/metrics/index.js';
import { hiVtgPredictions } from './real-data.js';

const policy = { strictGt: true }; // HI-Charades has no empty GT explanation, so strict must pass
const score = (preds: ReturnType<typeof hiVtgPredictions>, numSplits = 1) =>
  scorePredictions(preds, preds.map((p, i) => decideWithoutJudge(p, i, policy)), { numSplits });

describe('scoring path on the real hi_vtg_charades.json annotations', () => {
  it('echoing the GT answer (rule-based relevance) gives perfect scores', () => {
    // Answerable GT `a` is "<answer>S to E</answer>" = the record timestamp (checked: all 1097 match); refusal `a` is an
    // explanation with no "NUM to NUM". Categories are echoed too, so every Jaccard is 1.
    const preds = hiVtgPredictions('rarft/hi_vtg_charades.json', (g) => ({
      model_output: `<think>\nlooking\n</think>\n${g.a}\n<correction>${g.r ? 'NIL' : 'a fixed query'}</correction><|im_end|>`,
      ...(g.r ? {} : { pred_categories: g.c ?? [], reasoning_score: 5, sbert_similarity: 1 }),
    }));
    const { metrics: m, items } = score(preds);
    expect(m.num_items).toBe(2194);
    expect(m.relevance.confusion).toEqual({ TP: 1097, FP: 0, FN: 0, TN: 1097 });
    expect(m.relevance.overall_accuracy).toBe(1);
    expect(m.relevance['F1 (avg)']).toBe(1);
    expect(m['RA-IoU']).toEqual({ mean_all: 1, 'R@0.3': 100, 'R@0.5': 100, 'R@0.7': 100 });
    expect(m['RT-IoU']).toBe(1);
    expect(m.irrelevant_samples.mean_reasoning_score).toBe(5);
    expect(m.true_negative_samples.mean_sbert_similarity).toBe(1);
    expect(items.every((it) => it.relevance_source === 'rule')).toBe(true);
    const h = m.hardness_level_analysis.metrics_by_hardness_level; // §3.2: refusable hardness easy/medium/hard = 204 / 363 / 530
    expect([h.original.total, h.weak.total, h.moderate.total, h.strong.total]).toEqual([1097, 204, 363, 530]);
    // Category totals of HI-Charades (§3.2 table), all classified correctly
    const cls = m.category_irrelevant_classification.metrics_by_category;
    expect(cls['Object/ObjectExistence']).toEqual({ correct: 804, incorrect: 0, total: 804, accuracy: 1 });
    expect(cls['Scene/SceneTransition']).toEqual({ correct: 0, incorrect: 0, total: 0, accuracy: 0 }); // none in HI-Charades
    expect(cls['Action/FineGrainedAction']!.total).toBe(558);
    expect(cls['Object/ObjectSpatialRelation']!.total).toBe(210);
    expect(cls['Attribute/Comparison']!.total).toBe(1);
    // Balanced data order (1 answerable + 1 refusable per record): split/merge with 2-item chunks is exact
    expect(score(preds, 1097).metrics['RT-IoU']).toBeCloseTo(1, 12);
  });

  it('refusing everything: all answerable items are FN, all refusables TN', () => {
    const preds = hiVtgPredictions('rarft/hi_vtg_charades.json', () => ({
      model_output: '<think>\nno\n</think>\n<answer>\nThe video does not contain a relevant segment.\n</answer>\n<correction>\nx\n</correction><|im_end|>',
    }));
    const { metrics: m } = score(preds);
    expect(m.num_items).toBe(2194);
    expect(m.relevance.confusion).toEqual({ TP: 0, FP: 0, FN: 1097, TN: 1097 });
    expect(m.relevance.overall_accuracy).toBe(0.5);
    expect(m.relevance.per_class.relevant).toEqual({ precision: 0, recall: 0, f1: 0, accuracy_within_gt_relevance: 0 });
    // irrelevant positive: P = 1097/(1097+1097) = 0.5, R = 1, F1 = 2·0.5/1.5 = 2/3
    expect(m.relevance.per_class.irrelevant.precision).toBe(0.5);
    expect(m.relevance.per_class.irrelevant.recall).toBe(1);
    expect(m.relevance.per_class.irrelevant.f1).toBeCloseTo(2 / 3, 12);
    expect(m.relevance['F1 (avg)']).toBeCloseTo(1 / 3, 12);
    expect(m['RA-IoU'].mean_all).toBe(0.5); // TN = 1, FN = 0
    expect(m['RA-IoU']['R@0.7']).toBe(50);
    expect(m['RT-IoU']).toBe(0); // no categories given → not measured: 0.0 as the reference writes it, and named
    expect(m.scoring.not_measured).toContain('RT-IoU');
    expect(m.hardness_level_analysis.metrics_by_hardness_level.original.recall).toBe(0);
    expect(m.hardness_level_analysis.metrics_by_hardness_level.strong.recall).toBe(1); // irrelevant positive
  });

  it('answering every item with the GT span: refusables become FP (iou 0, Jaccard 0)', () => {
    const preds = hiVtgPredictions('rarft/hi_vtg_charades.json', (_g, rec) => ({
      model_output: `<answer>${rec.timestamp[0]} to ${rec.timestamp[1]}</answer><correction>NIL</correction>`,
    }));
    const { metrics: m } = score(preds);
    expect(m.relevance.confusion).toEqual({ TP: 1097, FP: 1097, FN: 0, TN: 0 });
    expect(m['RA-IoU'].mean_all).toBe(0.5);
    expect(m['RT-IoU']).toBe(0); // every HI-Charades refusable has ≥1 GT category, FPs predict none
    expect(m.category_irrelevant_classification.metrics_by_category['Object/ObjectExistence']!.accuracy).toBe(0);
  });
});
