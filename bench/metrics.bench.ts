/**
 * Evaluation-metric throughput on 10k synthetic prediction items shaped like real RA-VTG outputs (think block,
 * answer, correction, <|im_end|>): half answerable with noisy spans, half refusable with 1–3 GT categories and given
 * categories/scores/similarities, ~15% wrong decisions. Timed: the whole offline scoring path (rule relevance, per-item
 * values, metrics.json aggregation), the aggregation alone, and Time-R1 VTG parsing + IoU.
 *
 * Run: npx vite-node bench/metrics.bench.ts   → bench/results/metrics.json
 */
import { Bench } from 'tinybench';
import {
  computeRefusalMetrics,
  decideWithoutJudge,
  MISMATCH_TAXONOMY,
  type PredictionItem,
  scoreItem,
  scorePredictions,
  scoreVtg,
  type IntervalSpan as Span,
} from '../lib/metrics/index.js';
import { mulberry32 } from '../lib/data/prng.js';
import { type BenchRecord, writeResults } from './write-results.js';

const N = 10_000;

function buildItems(): PredictionItem[] {
  const rand = mulberry32(7); // seeded: every run scores the same items
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const think = '<think>\nThe person walks in, picks up a towel from the chair and leaves the room.\n</think>\n';
  const items: PredictionItem[] = [];
  for (let i = 0; i < N; i++) {
    const s = Math.round(rand() * 300) / 10, e = s + 1 + Math.round(rand() * 150) / 10;
    const gtRelevant = i % 2 === 0;
    const wrong = rand() < 0.15;
    const span = `${(s + (rand() - 0.5) * 4).toFixed(2)} to ${(e + (rand() - 0.5) * 4).toFixed(2)}`;
    const saysRelevant = gtRelevant !== wrong;
    const output = saysRelevant
      ? `${think}<answer>\n${span}\n</answer>\n<correction>NIL</correction><|im_end|>`
      : `${think}<answer>\nThe video does not contain a relevant segment for the query because the towel is blue and nobody folds it.\n</answer>\n<correction>\nperson picks up a towel\n</correction><|im_end|>`;
    const cats = gtRelevant ? [] : Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(MISMATCH_TAXONOMY));
    items.push({
      video: `v${i % 700}.mp4`,
      query: `query ${i}`,
      model_output: output,
      gt_relevant: gtRelevant,
      gt_timestamp: gtRelevant ? [s, e] : null,
      gt_output: gtRelevant ? `<answer>${s} to ${e}</answer>` : '<answer>The towel in the video is blue, not red.</answer>',
      irrelevance_level: '',
      gt_categories: cats,
      difficulty: gtRelevant ? 'original' : pick(['easy', 'medium', 'hard']),
      ...(gtRelevant
        ? {}
        : { pred_categories: rand() < 0.6 ? cats : [pick(MISMATCH_TAXONOMY)], reasoning_score: Math.round(rand() * 50) / 10, sbert_similarity: rand() }),
    });
  }
  return items;
}

const items = buildItems();
const policy = { strictGt: false };
const decisions = items.map((p, i) => decideWithoutJudge(p, i, policy));
const scored = items.map((p, i) => scoreItem(p, i, decisions[i]!));
const vtgOutputs = items.map((p) => p.model_output);
const vtgGts = items.map((p) => (p.gt_timestamp as Span | null) ?? ([0, 1] as Span));

const bench = new Bench({ time: 3000, warmupTime: 500 });
bench
  .add('refusal-aware scoring, offline rule (decide + per-item + metrics.json)', () => {
    scorePredictions(items, items.map((p, i) => decideWithoutJudge(p, i, policy)));
  })
  .add('refusal-aware aggregation only (computeRefusalMetrics)', () => {
    computeRefusalMetrics(scored, { numSplits: 27 });
  })
  .add('Time-R1 VTG (extract_answer + hull IoU + mIoU/R1@k)', () => {
    scoreVtg(vtgOutputs, vtgGts);
  });
await bench.run();

const records: BenchRecord[] = bench.tasks.map((task) => {
  const result = task.result;
  if (result.state !== 'completed') throw new Error(`bench task ${task.name}: ${result.state}`);
  return { name: `${task.name}, ${N} items`, value: Math.round(N / (result.period / 1000)), unit: 'items/s' };
});
const { metrics } = scorePredictions(items, decisions);
records.push({ name: 'synthetic set accuracy (sanity: ~0.85 by construction)', value: Number(metrics.relevance.overall_accuracy.toFixed(4)), unit: 'fraction' });
console.log(`→ ${writeResults('metrics', records)}`);
