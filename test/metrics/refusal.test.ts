import { describe, expect, it } from 'vitest';
import {
  decideWithoutJudge,
  type ItemDecision,
  rtIouPlain,
  rtIouSplitMerge,
  scorePredictions,
} from '../../lib/metrics/index.js';
import { CONSTRUCTED } from './constructed-set.js';

const policy = { strictGt: false };
const decisions = (): ItemDecision[] => CONSTRUCTED.map((p, i) => decideWithoutJudge(p, i, policy));

describe('refusal-aware metrics on the hand-computed 12-item set', () => {
  const { items, metrics: m } = scorePredictions(CONSTRUCTED, decisions());

  it('per-item outcomes, iou and jaccard', () => {
    expect(items.map((it) => it.outcome)).toEqual(['TP', 'TP', 'TP', 'TP', 'FN', 'TP', 'TN', 'TN', 'TN', 'FP', 'TN', 'FP']);
    const ious = [0.6, 1 / 3, 1, 0.25, 0, 0.5, 1, 1, 1, 0, 1, 0];
    items.forEach((it, i) => expect(it.iou).toBeCloseTo(ious[i]!, 12));
    const jac = [null, null, null, null, null, null, 0.5, 0.5, 1, 0, 2 / 3, 0];
    items.forEach((it, i) => (jac[i] === null ? expect(it.jaccard).toBeNull() : expect(it.jaccard).toBeCloseTo(jac[i]!, 12)));
    expect(items[7]!.pred_categories).toEqual(['Object/ObjectExistence', 'Scene/SceneExistence']); // Negation dropped
    expect(items[9]!.pred_categories).toEqual([]); // FP: stage 2 never runs
    expect(items[8]!.sbert_similarity).toBe(1); // clipped
    expect(items[10]!.sbert_similarity).toBe(0); // clipped
    expect(items[3]!.pred_span).toEqual([15, 30]); // think "1 to 2" deleted before the rule looks
    expect(items[5]!.pred_span).toEqual([2, 3]);
  });

  it('relevance block: confusion TP5 FN1 FP2 TN4', () => {
    expect(m.num_items).toBe(12);
    expect(m.relevance.confusion).toEqual({ TP: 5, FP: 2, FN: 1, TN: 4 });
    expect(m.relevance.overall_accuracy).toBeCloseTo(9 / 12, 12);
    const r = m.relevance.per_class.relevant, ir = m.relevance.per_class.irrelevant;
    expect(r.precision).toBeCloseTo(5 / 7, 12); // TP/(TP+FP)
    expect(r.recall).toBeCloseTo(5 / 6, 12); // TP/(TP+FN)
    expect(r.f1).toBeCloseTo(10 / 13, 12); // 2·(5/7)(5/6)/((5/7)+(5/6)) = 50/65
    expect(r.accuracy_within_gt_relevance).toBeCloseTo(5 / 6, 12);
    expect(ir.precision).toBeCloseTo(4 / 5, 12); // TN/(TN+FN)
    expect(ir.recall).toBeCloseTo(2 / 3, 12); // TN/(TN+FP)
    expect(ir.f1).toBeCloseTo(8 / 11, 12); // 2·0.8·(2/3)/(0.8+2/3) = 16/22
    expect(ir.accuracy_within_gt_relevance).toBeCloseTo(2 / 3, 12);
    expect(m.relevance['F1 (avg)']).toBeCloseTo(107 / 143, 12); // (10/13 + 8/11)/2
  });

  it('RA-IoU: mean over all items, inclusive R@k', () => {
    // Σiou = 0.6 + 1/3 + 1 + 0.25 + 0 + 0.5 + 4·1 = 401/60
    expect(m['RA-IoU'].mean_all).toBeCloseTo(401 / 720, 12);
    expect(m['RA-IoU']['R@0.3']).toBeCloseTo((100 * 8) / 12, 10); // 0.6, 1/3, 1, 0.5 + 4 TN (0.25 misses)
    expect(m['RA-IoU']['R@0.5']).toBeCloseTo((100 * 7) / 12, 10); // 0.5 counts: inclusive
    expect(m['RA-IoU']['R@0.7']).toBeCloseTo((100 * 5) / 12, 10);
  });

  it('RT-IoU plain mean = (0.5+0.5+1+0+2/3+0)/6 = 4/9', () => {
    expect(m['RT-IoU']).toBeCloseTo(4 / 9, 12);
    expect(m.scoring.rt_iou_plain).toBeCloseTo(4 / 9, 12);
    expect(m.scoring.rt_iou_count).toBe(6);
  });

  it('reasoning and SBERT blocks use the reference denominators', () => {
    const irr = m.irrelevant_samples, tn = m.true_negative_samples;
    expect(irr.count).toBe(6);
    expect(irr.mean_reasoning_score).toBeCloseTo(13 / 6, 12); // (4+3+5+1) TN / 6 GT-irrelevant; FPs count 0
    expect(tn.count).toBe(4);
    expect(tn.mean_reasoning_score).toBeCloseTo(13 / 4, 12);
    expect(irr.reasoning_count).toBe(6);
    expect(tn.reasoning_count).toBe(4);
    expect(irr.mean_sbert_similarity).toBeCloseTo(2.4 / 6, 12); // 0.8+0.6+1.0+0 over 6
    expect(tn.mean_sbert_similarity).toBeCloseTo(0.6, 12);
    expect(irr.sbert_count).toBe(6);
    const OE = 'Object/ObjectExistence', FGA = 'Action/FineGrainedAction';
    // irrelevant block includes FP raw scores: OE items 6 (4, w 1/2), 7 (3, w 1), 9 FP (2, w 1)
    expect(irr.label_reasoning_scores[OE]!.simple_mean).toBeCloseTo(3, 12);
    expect(irr.label_reasoning_scores[OE]!.weighted_mean).toBeCloseTo(7 / 2.5, 12);
    // FGA items 6 (4, w 1/2) and 10 (1, w 1/3): (2 + 1/3)/(5/6) = 14/5
    expect(irr.label_reasoning_scores[FGA]!.simple_mean).toBeCloseTo(2.5, 12);
    expect(irr.label_reasoning_scores[FGA]!.weighted_mean).toBeCloseTo(14 / 5, 12);
    expect(irr.label_reasoning_scores['Scene/SceneExistence']!.simple_mean).toBe(3); // FP 11 only
    expect(irr.label_reasoning_scores['Action/SceneTransition']!.simple_mean).toBe(1); // out-of-taxonomy GT label kept
    // count and total_weight (Σ 1/|GT categories|): OE items 6 (1/2), 7 (1), 9 (1)
    expect(irr.label_reasoning_scores[OE]).toMatchObject({ count: 3, total_weight: 2.5 });
    // TN block: OE items 6, 7 only → simple 3.5, weighted (2+3)/1.5
    expect(tn.label_reasoning_scores[OE]!.simple_mean).toBeCloseTo(3.5, 12);
    expect(tn.label_reasoning_scores[OE]!.weighted_mean).toBeCloseTo(10 / 3, 12);
    // Every taxonomy label is listed, zeros included, as the reference lists its label space
    expect(tn.label_reasoning_scores['Scene/SceneExistence']).toEqual({ simple_mean: 0, weighted_mean: 0, count: 0, total_weight: 0 });
    // Reference order (Python sorted()) for the 11 taxonomy labels, then the out-of-taxonomy GT label as an extra key
    expect(Object.keys(irr.label_reasoning_scores)).toEqual([
      'Action/ActionSequence', FGA, 'Attribute/AttributeValue', 'Attribute/Comparison', 'Attribute/Counting', OE,
      'Object/ObjectMoving', 'Object/ObjectPartRelation', 'Object/ObjectSpatialRelation', 'Scene/SceneExistence',
      'Scene/SceneTransition', 'Action/SceneTransition',
    ]);
    // SBERT label table: OE in irrelevant block = (0.8 + 0.6 + 0.4)/3
    expect(irr.label_sbert_scores[OE]!.simple_mean).toBeCloseTo(0.6, 12);
  });

  it('category_irrelevant_classification', () => {
    const c = m.category_irrelevant_classification.metrics_by_category;
    expect(c['Object/ObjectExistence']).toEqual({ correct: 2, incorrect: 1, total: 3, accuracy: 2 / 3 });
    expect(c['Action/FineGrainedAction']).toEqual({ correct: 2, incorrect: 0, total: 2, accuracy: 1 });
    expect(c['Scene/SceneExistence']).toEqual({ correct: 0, incorrect: 1, total: 1, accuracy: 0 });
    expect(c['Action/SceneTransition']).toEqual({ correct: 1, incorrect: 0, total: 1, accuracy: 1 });
    expect(c['Attribute/Comparison']).toEqual({ correct: 0, incorrect: 0, total: 0, accuracy: 0 }); // no item carries it
    expect(Object.keys(c)).toHaveLength(12);
  });

  it('hardness levels with the fixed mapping (easy→weak, medium→moderate, hard→strong)', () => {
    const h = m.hardness_level_analysis.metrics_by_hardness_level;
    expect(h.original.total).toBe(6);
    expect(h.original.confusion).toEqual({ TP: 5, FP: 0, FN: 1, TN: 0 });
    expect(h.original.positive_class).toBe('relevant');
    expect(h.original.precision).toBe(1);
    expect(h.original.recall).toBeCloseTo(5 / 6, 12);
    expect(h.original.f1).toBeCloseTo(10 / 11, 12);
    expect(h.original['RA-IoU'].mean_all).toBeCloseTo(161 / 360, 12);
    expect(h.original['RA-IoU']['R@0.5']).toBeCloseTo(50, 10);
    expect(h.original['RT-IoU']).toBe(0);
    expect(h.original.irrelevant_samples).toEqual({ mean_reasoning_score: 0, count: 0, mean_sbert_similarity: 0, sbert_count: 0 });

    expect(h.weak.total).toBe(2); // items 6, 10: both TN
    expect(h.weak.positive_class).toBe('irrelevant');
    expect([h.weak.precision, h.weak.recall, h.weak.f1, h.weak.accuracy]).toEqual([1, 1, 1, 1]);
    expect(h.weak['RT-IoU']).toBeCloseTo(7 / 12, 12); // (1/2 + 2/3)/2
    expect(h.weak.irrelevant_samples.mean_reasoning_score).toBeCloseTo(2.5, 12); // (4+1)/2
    expect(h.weak.irrelevant_samples.mean_sbert_similarity).toBeCloseTo(0.4, 12); // (0.8+0)/2
    expect(h.weak.irrelevant_samples).toMatchObject({ count: 2, sbert_count: 2 });

    expect(h.moderate.total).toBe(2); // item 7 (TN, difficulty medium) + item 11 (FP, hardness_level moderate)
    expect(h.moderate.confusion).toEqual({ TP: 0, FP: 1, FN: 0, TN: 1 });
    expect(h.moderate.precision).toBe(1); // irrelevant positive: TN/(TN+FN)
    expect(h.moderate.recall).toBe(0.5); // TN/(TN+FP)
    expect(h.moderate.f1).toBeCloseTo(2 / 3, 12);
    expect(h.moderate['RA-IoU'].mean_all).toBe(0.5);
    expect(h.moderate['RT-IoU']).toBeCloseTo(0.25, 12);
    expect(h.moderate.irrelevant_samples.mean_reasoning_score).toBeCloseTo(1.5, 12); // 3 (TN) / 2
    expect(h.strong.total).toBe(2);
    expect(h.strong['RT-IoU']).toBeCloseTo(0.5, 12);
    expect(h.strong.irrelevant_samples.mean_reasoning_score).toBeCloseTo(2.5, 12);
    expect(h.strong.irrelevant_samples.mean_sbert_similarity).toBeCloseTo(0.5, 12);
  });

  it('hardness "reference" source reproduces the released evaluator: only hardness_level counts', () => {
    const { metrics } = scorePredictions(CONSTRUCTED, decisions(), { hardnessSource: 'reference' });
    const h = metrics.hardness_level_analysis.metrics_by_hardness_level;
    expect([h.original.total, h.weak.total, h.moderate.total, h.strong.total]).toEqual([0, 0, 1, 0]);
    expect(h.original.f1).toBe(0);
    expect(h.original['RA-IoU'].mean_all).toBe(0);
  });
});

describe('RT-IoU split/merge (reference arithmetic) vs plain mean', () => {
  const { items } = scorePredictions(CONSTRUCTED, decisions());

  it('unbalanced chunks bias the merged value', () => {
    // 3 splits → chunks of ceil(12/3)=4: {0..3} no irrelevant → 0; {4..7} mean(1/2,1/2)·4 = 2; {8..11} mean(1,0,2/3,0)·4 = 5/3
    expect(rtIouSplitMerge(items, 3)).toBeCloseTo((0 + 2 + 5 / 3) / 12, 12); // 11/36 ≈ 0.306, not 4/9 ≈ 0.444
    // 2 splits → {0..5} all relevant → 0; {6..11} mean 4/9 · 6 → (8/3)/12 = 2/9
    expect(rtIouSplitMerge(items, 2)).toBeCloseTo(2 / 9, 12);
    // 5 splits → chunk 3: {0-2},{3-5} → 0; {6-8} mean 2/3·3 = 2; {9-11} mean(0,2/3,0)·3 = 2/3 → (8/3)/12
    expect(rtIouSplitMerge(items, 5)).toBeCloseTo(2 / 9, 12);
    expect(rtIouSplitMerge(items, 1)).toBeCloseTo(4 / 9, 12);
    expect(rtIouPlain(items)).toBeCloseTo(4 / 9, 12);
  });

  it('balanced chunks (same irrelevant fraction everywhere) are exact', () => {
    // interleave relevant/irrelevant so every 2-item chunk has one irrelevant item
    const order = [0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11];
    const interleaved = order.map((i) => items[i]!);
    expect(rtIouSplitMerge(interleaved, 6)).toBeCloseTo(4 / 9, 12);
    expect(rtIouSplitMerge(interleaved, 3)).toBeCloseTo(4 / 9, 12);
  });

  it('the metrics object reports the split/merge value under "RT-IoU" when num_splits > 1', () => {
    const { metrics } = scorePredictions(CONSTRUCTED, decisions(), { numSplits: 3 });
    expect(metrics['RT-IoU']).toBeCloseTo(11 / 36, 12);
    expect(metrics.scoring.rt_iou_plain).toBeCloseTo(4 / 9, 12);
    expect(metrics.scoring.num_splits).toBe(3);
    expect(() => rtIouSplitMerge(items, 0)).toThrow(/num_splits/);
  });
});

describe('not-measured values: 0.0 in the reference\'s type, named in scoring.not_measured', () => {
  const bare = CONSTRUCTED.map(({ pred_categories, reasoning_score, sbert_similarity, ...rest }) => rest);

  it('no categories, scores or similarities given → means are 0, and scoring says they were not measured', () => {
    const { metrics } = scorePredictions(bare, bare.map((p, i) => decideWithoutJudge(p, i, policy)));
    // FP items still have a known Jaccard (pred categories are [] for FPs), so RT-IoU uses those two only
    expect(metrics['RT-IoU']).toBe(0);
    expect(metrics.scoring.rt_iou_count).toBe(2);
    expect(metrics.scoring.not_measured).toEqual(['reasoning_score', 'sbert_similarity']);
    expect(metrics.irrelevant_samples.mean_reasoning_score).toBe(0);
    expect(metrics.irrelevant_samples.count).toBe(6); // the block's size, as the reference counts it
    expect(metrics.irrelevant_samples.reasoning_count).toBe(0);
    expect(metrics.true_negative_samples.mean_sbert_similarity).toBe(0);
    expect(metrics.irrelevant_samples.sbert_count).toBe(0);
    expect(metrics.hardness_level_analysis.metrics_by_hardness_level.weak.irrelevant_samples).toEqual({
      mean_reasoning_score: 0, count: 2, mean_sbert_similarity: 0, sbert_count: 0,
    });
  });

  it('no Jaccard at all (no FPs, no categories) → RT-IoU 0 and "RT-IoU" listed; the plain mean stays null', () => {
    const noFp = bare.filter((_, i) => i !== 9 && i !== 11);
    const { metrics } = scorePredictions(noFp, noFp.map((p, i) => decideWithoutJudge(p, i, policy)));
    expect(metrics['RT-IoU']).toBe(0);
    expect(metrics.scoring.rt_iou_plain).toBeNull();
    expect(metrics.scoring.not_measured).toEqual(['RT-IoU', 'reasoning_score', 'sbert_similarity']);
  });

  it('SBERT means divide by the items that have a similarity (sbert_count), as the reference\'s lists do', () => {
    const partial = CONSTRUCTED.map((p, i) => (i === 6 ? { ...p, sbert_similarity: null } : p));
    const { metrics } = scorePredictions(partial, partial.map((p, i) => decideWithoutJudge(p, i, policy)));
    // TN sims 0.6 (7), 1.0 (8, clipped), 0 (10, clipped) over the 5 GT-irrelevant items with a similarity
    expect(metrics.irrelevant_samples.sbert_count).toBe(5);
    expect(metrics.irrelevant_samples.mean_sbert_similarity).toBeCloseTo(1.6 / 5, 12);
    expect(metrics.true_negative_samples.sbert_count).toBe(3);
    expect(metrics.true_negative_samples.mean_sbert_similarity).toBeCloseTo(1.6 / 3, 12);
    // weak = items 6 (no similarity) and 10 (0): 0 / 1
    expect(metrics.hardness_level_analysis.metrics_by_hardness_level.weak.irrelevant_samples).toMatchObject({ count: 2, sbert_count: 1, mean_sbert_similarity: 0 });
    expect(metrics.scoring.not_measured).toEqual([]);
  });
});

describe('reference behaviour', () => {
  it('label tables and category classification list exactly the 11 taxonomy labels; hardness from hardness_level only', () => {
    const { metrics: m } = scorePredictions(CONSTRUCTED, decisions(), { referenceBehaviour: true });
    expect(m.scoring.reference_behaviour).toBe(true);
    expect(m.scoring.hardness_source).toBe('reference');
    expect(Object.keys(m.irrelevant_samples.label_reasoning_scores)).toHaveLength(11);
    expect(m.irrelevant_samples.label_reasoning_scores['Action/SceneTransition']).toBeUndefined();
    expect(m.category_irrelevant_classification.metrics_by_category['Action/SceneTransition']).toBeUndefined();
    // the dropped label still counts in its item's weight 1/|GT categories| (item 10: FGA, OSR, A/ST → 1/3 each)
    expect(m.irrelevant_samples.label_reasoning_scores['Object/ObjectSpatialRelation']).toEqual({ simple_mean: 1, weighted_mean: 1, count: 1, total_weight: 1 / 3 });
    const h = m.hardness_level_analysis.metrics_by_hardness_level;
    expect([h.original.total, h.weak.total, h.moderate.total, h.strong.total]).toEqual([0, 0, 1, 0]);
    // everything else is the same numbers
    const { metrics: fixed } = scorePredictions(CONSTRUCTED, decisions());
    expect(m.relevance).toEqual(fixed.relevance);
    expect(m['RA-IoU']).toEqual(fixed['RA-IoU']);
    expect(m['RT-IoU']).toBe(fixed['RT-IoU']);
    expect(m.irrelevant_samples.mean_reasoning_score).toBe(fixed.irrelevant_samples.mean_reasoning_score);
  });
});
