/**
 * The reference evaluates `num_splits` contiguous chunks of ceil(N/num_splits) items and merges them (rarft-reference
 * §5.3, "Split/merge arithmetic"). We compute everything in one pass over all items and emulate only what the merge
 * changes: RT-IoU. This test runs the reference's procedure as an oracle, chunk by chunk with our single-pass metrics
 * per chunk and the §5.3 merge rules below, and checks that the single pass with `numSplits` gives the merged value of
 * EVERY key of metrics.json.
 */
import { describe, expect, it } from 'vitest';
import {
  binaryScores,
  computeRefusalMetrics,
  decideWithoutJudge,
  HARDNESS_LEVELS,
  type ItemScore,
  type LabelScore,
  type RefusalMetrics,
  scorePredictions,
} from '../../lib/metrics/index.js';
import { CONSTRUCTED } from './constructed-set.js';

const { items: ALL } = scorePredictions(CONSTRUCTED, CONSTRUCTED.map((p, i) => decideWithoutJudge(p, i, { strictGt: false })));

function chunks<T>(xs: readonly T[], numSplits: number): T[][] {
  const size = Math.ceil(xs.length / numSplits);
  const out: T[][] = [];
  for (let s = 0; s < xs.length; s += size) out.push(xs.slice(s, s + size));
  return out;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
/** Σ(value × weight) / Σ weight, 0 when the weights sum to 0 (the reference's 0/0). */
const weighted = (pairs: [number, number][]) => {
  const w = sum(pairs.map(([, n]) => n));
  return w === 0 ? 0 : sum(pairs.map(([v, n]) => v * n)) / w;
};
const mergeLabelTables = (tables: Record<string, LabelScore>[]) =>
  Object.fromEntries(
    Object.keys(tables[0]!).map((label) => {
      const ts = tables.map((t) => t[label]!);
      return [label, {
        simple_mean: weighted(ts.map((t) => [t.simple_mean, t.count])),
        weighted_mean: weighted(ts.map((t) => [t.weighted_mean, t.total_weight])),
        count: sum(ts.map((t) => t.count)),
        total_weight: sum(ts.map((t) => t.total_weight)),
      }];
    }),
  );

/** §5.3: sum the counts and R@k hits, weight chunk means by their sizes, concatenate score lists. */
function referenceMerge(parts: { items: ItemScore[]; m: RefusalMetrics }[]) {
  const ms = parts.map((p) => p.m);
  const n = sum(ms.map((m) => m.num_items));
  const conf = { TP: sum(ms.map((m) => m.relevance.confusion.TP)), FP: sum(ms.map((m) => m.relevance.confusion.FP)), FN: sum(ms.map((m) => m.relevance.confusion.FN)), TN: sum(ms.map((m) => m.relevance.confusion.TN)) };
  const rel = binaryScores(conf.TP, conf.FP, conf.FN), irr = binaryScores(conf.TN, conf.FN, conf.FP);
  const hits = (m: RefusalMetrics, k: 'R@0.3' | 'R@0.5' | 'R@0.7') => (m['RA-IoU'][k] * m.num_items) / 100;
  const block = (key: 'irrelevant_samples' | 'true_negative_samples', reasoningWeight: 'count' | 'reasoning_count') => {
    const bs = ms.map((m) => m[key]);
    return {
      mean_reasoning_score: weighted(bs.map((b) => [b.mean_reasoning_score, b[reasoningWeight]])),
      count: sum(bs.map((b) => b.count)),
      label_reasoning_scores: mergeLabelTables(bs.map((b) => b.label_reasoning_scores)),
      mean_sbert_similarity: weighted(bs.map((b) => [b.mean_sbert_similarity, b.sbert_count])),
      sbert_count: sum(bs.map((b) => b.sbert_count)),
      label_sbert_scores: mergeLabelTables(bs.map((b) => b.label_sbert_scores)),
      reasoning_count: sum(bs.map((b) => b.reasoning_count)),
    };
  };
  const levels = Object.fromEntries(
    HARDNESS_LEVELS.map((level) => {
      const ls = ms.map((m) => m.hardness_level_analysis.metrics_by_hardness_level[level]);
      const c = { TP: sum(ls.map((l) => l.confusion.TP)), FP: sum(ls.map((l) => l.confusion.FP)), FN: sum(ls.map((l) => l.confusion.FN)), TN: sum(ls.map((l) => l.confusion.TN)) };
      const total = sum(ls.map((l) => l.total));
      const s = level === 'original' ? binaryScores(c.TP, c.FP, c.FN) : binaryScores(c.TN, c.FN, c.FP);
      // The level's Jaccard list is concatenated over chunks: weight each chunk's level mean by its Jaccard count.
      const jaccardCounts = parts.map((p) => p.items.filter((it) => it.hardness_level === level && !it.gt_relevant && it.jaccard !== null).length);
      const levelHits = (k: 'R@0.3' | 'R@0.5' | 'R@0.7') => sum(ls.map((l) => (l['RA-IoU'][k] * l.total) / 100));
      return [level, {
        accuracy: total === 0 ? 0 : (c.TP + c.TN) / total,
        ...s,
        confusion: c,
        total,
        'RA-IoU': {
          mean_all: weighted(ls.map((l) => [l['RA-IoU'].mean_all, l.total])),
          'R@0.3': total === 0 ? 0 : (100 * levelHits('R@0.3')) / total,
          'R@0.5': total === 0 ? 0 : (100 * levelHits('R@0.5')) / total,
          'R@0.7': total === 0 ? 0 : (100 * levelHits('R@0.7')) / total,
        },
        'RT-IoU': weighted(ls.map((l, k) => [l['RT-IoU'], jaccardCounts[k]!])),
        irrelevant_samples: {
          mean_reasoning_score: weighted(ls.map((l) => [l.irrelevant_samples.mean_reasoning_score, l.irrelevant_samples.count])),
          count: sum(ls.map((l) => l.irrelevant_samples.count)),
          mean_sbert_similarity: weighted(ls.map((l) => [l.irrelevant_samples.mean_sbert_similarity, l.irrelevant_samples.sbert_count])),
          sbert_count: sum(ls.map((l) => l.irrelevant_samples.sbert_count)),
        },
        positive_class: ls[0]!.positive_class,
      }];
    }),
  );
  const cats = ms.map((m) => m.category_irrelevant_classification.metrics_by_category);
  return {
    num_items: n,
    relevance: {
      overall_accuracy: (conf.TP + conf.TN) / n,
      per_class: {
        relevant: { ...rel, accuracy_within_gt_relevance: conf.TP + conf.FN === 0 ? 0 : conf.TP / (conf.TP + conf.FN) },
        irrelevant: { ...irr, accuracy_within_gt_relevance: conf.TN + conf.FP === 0 ? 0 : conf.TN / (conf.TN + conf.FP) },
      },
      confusion: conf,
      'F1 (avg)': (rel.f1 + irr.f1) / 2,
    },
    'RA-IoU': {
      mean_all: weighted(ms.map((m) => [m['RA-IoU'].mean_all, m.num_items])),
      'R@0.3': (100 * sum(ms.map((m) => hits(m, 'R@0.3')))) / n,
      'R@0.5': (100 * sum(ms.map((m) => hits(m, 'R@0.5')))) / n,
      'R@0.7': (100 * sum(ms.map((m) => hits(m, 'R@0.7')))) / n,
    },
    // RT-IoU is weighted by the chunk's ITEM count (a chunk without irrelevant items contributes 0): the merge's bias
    'RT-IoU': sum(ms.map((m) => m['RT-IoU'] * m.num_items)) / n,
    irrelevant_samples: block('irrelevant_samples', 'count'),
    true_negative_samples: block('true_negative_samples', 'reasoning_count'),
    hardness_level_analysis: { metrics_by_hardness_level: levels },
    category_irrelevant_classification: {
      metrics_by_category: Object.fromEntries(
        Object.keys(cats[0]!).map((label) => {
          const correct = sum(cats.map((c) => c[label]!.correct)), incorrect = sum(cats.map((c) => c[label]!.incorrect));
          return [label, { correct, incorrect, total: correct + incorrect, accuracy: correct + incorrect === 0 ? 0 : correct / (correct + incorrect) }];
        }),
      ),
    },
  };
}

/** Every leaf equal (numbers to 1e-12), the same keys in the same order. */
function expectSameTree(actual: unknown, expected: unknown, path = '$'): void {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number');
    expect(Math.abs((actual as number) - expected), `${path}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
    return;
  }
  if (expected === null || typeof expected !== 'object') {
    expect(actual, path).toEqual(expected);
    return;
  }
  expect(Object.keys(actual as object), path).toEqual(Object.keys(expected));
  for (const [k, v] of Object.entries(expected)) expectSameTree((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
}

// Label tables over the reference's label space (the taxonomy), as its chunks have: our out-of-taxonomy extras occur
// only in the chunks holding such a label. Items keep their mapped hardness levels.
const AS_REFERENCE = { referenceBehaviour: true };

function check(items: ItemScore[], numSplits: number) {
  const parts = chunks(items, numSplits).map((c) => ({ items: c, m: computeRefusalMetrics(c, AS_REFERENCE) }));
  const { scoring, ...single } = computeRefusalMetrics(items, { ...AS_REFERENCE, numSplits });
  expectSameTree(single, referenceMerge(parts));
  return { single, scoring, parts: parts.length };
}

describe('split/merge arithmetic (§5.3): one pass with numSplits = the reference\'s chunk-and-merge, key by key', () => {
  it.each([
    // [splits, chunks]: 12 items → chunk size ceil(12/s)
    [2, 2], [3, 3], [5, 4], [7, 6], [12, 12], [40, 12],
  ])('12 items (relevant first), %i splits → %i chunks', (numSplits, expectedChunks) => {
    const { scoring, parts } = check(ALL, numSplits);
    expect(parts).toBe(expectedChunks);
    expect(scoring.num_splits).toBe(numSplits);
  });

  it('the merge changes RT-IoU only: 3 splits give 11/36, the plain mean 4/9 stays in scoring', () => {
    const { single, scoring } = check(ALL, 3);
    expect(single['RT-IoU']).toBeCloseTo(11 / 36, 12);
    expect(scoring.rt_iou_plain).toBeCloseTo(4 / 9, 12);
    const { scoring: _, ...plain } = computeRefusalMetrics(ALL, AS_REFERENCE);
    expect({ ...single, 'RT-IoU': 0 }).toEqual({ ...plain, 'RT-IoU': 0 });
  });

  it('a short last chunk: 10 items, 4 splits → chunks of 3, 3, 3, 1', () => {
    const ten = ALL.slice(2);
    const { parts, single } = check(ten, 4);
    expect(parts).toBe(4);
    // chunks {2,3,4} no irrelevant → 0; {5,6,7} (1/2+1/2)/2·3; {8,9,10} (1+0+2/3)/3·3; {11} 0·1 → (1.5 + 5/3)/10
    expect(single['RT-IoU']).toBeCloseTo((1.5 + 5 / 3) / 10, 12);
  });

  it('balanced chunks (one answerable + one refusable each, as 27 splits of test2\'s 54 items) are exact', () => {
    const interleaved = [0, 6, 1, 7, 2, 8, 3, 9, 4, 10, 5, 11].map((i) => ALL[i]!);
    const { single, scoring } = check(interleaved, 6);
    expect(single['RT-IoU']).toBeCloseTo(scoring.rt_iou_plain!, 12);
  });
});
