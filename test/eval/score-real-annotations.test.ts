// The scoring half of `rarft-eval run` on the REAL annotation files (../shared/datasets), read by the same benchmark
// readers the run uses, with constructed answers whose metrics are known: the GT itself, half of each GT span, or a
// refusal for everything; plus missing videos, which must be counted, listed and left out of the metrics.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Benchmark, type EvalItem, type EvalPrediction, type MissingItem, readBenchmark, type RunManifest, scoreRun, toPrediction } from '../../lib/eval/index.js';
import { DEFAULT_DECODING } from '../../lib/infer/index.js';
import { sharedDataset } from '../data/datasets-path.js';

const root = mkdtempSync(path.join(tmpdir(), 'rarft-score-real-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const REFUSAL = '<think>\nno such moment\n</think>\n<answer>\nThe video does not contain a relevant segment for the query because nothing like it happens.\n</answer>\n<correction>\nsomething else\n</correction><|im_end|>';
const spanAnswer = (s: number, e: number) => `<think>\nlooking\n</think>\n<answer>\n${s} to ${e}\n</answer>\n<correction>NIL</correction><|im_end|>`;

function manifest(benchmark: Benchmark, file: string): RunManifest {
  return { benchmark, annotations: file, model: '/models/constructed', template: 'inference', decoding: DEFAULT_DECODING, dtype: 'float32', video: {}, shard: null, items: 0 };
}

function answers(items: readonly EvalItem[], output: (e: EvalItem) => string): Map<string, EvalPrediction> {
  return new Map(items.map((e) => [e.id, toPrediction(e, { query: e.item.query, text: output(e), tokens: [1], logprobs: [0], promptTokens: 1, stopped: true }, 0)]));
}

function score(benchmark: Benchmark, rel: string, output: (e: EvalItem) => string, dropAsMissing = 0) {
  const file = sharedDataset(rel);
  const { items } = readBenchmark(benchmark, file);
  const dir = mkdtempSync(path.join(root, `${benchmark}-`));
  const preds = answers(items, output);
  const missing: MissingItem[] = items.slice(0, dropAsMissing).map((e) => ({ id: e.id, video: e.item.videoPath, reason: 'not-found', detail: 'constructed' }));
  for (const m of missing) preds.delete(m.id);
  const r = scoreRun(dir, manifest(benchmark, file), items, preds, missing);
  const json = JSON.parse(readFileSync(path.join(dir, 'metrics.json'), 'utf8'));
  return { items, r, json, dir };
}

const gtOutput = (e: EvalItem) => (e.item.relevant ? spanAnswer(e.item.span![0], e.item.span![1]) : REFUSAL);
const halfOutput = (e: EvalItem) => (e.item.relevant ? spanAnswer(e.item.span![0], e.item.span![0] + (e.item.span![1] - e.item.span![0]) / 2) : REFUSAL);

describe('VTG benchmarks (Time-R1 metrics) on the real annotation files', () => {
  it.each([
    ['charades-sta', 'charades_sta/charades_sta_test.txt', 3720, 0],
    ['activitynet', 'activitynet_captions/val_2.json', 17031, 0],
    // 11 TVGBench GT spans have start == end: even the GT itself scores hull IoU 0 there (0/0 -> 0).
    ['tvgbench', 'tvgbench/tvgbench.json', 800, 11],
  ] as const)('%s: answers = GT give mIoU 100 and R1@k 100 (except degenerate GT spans)', (benchmark, rel, n, degenerate) => {
    const { json } = score(benchmark, rel, gtOutput);
    expect(json.metric_kind).toBe('vtg');
    expect(json.count).toBe(n);
    expect(json.unparsed).toBe(0);
    const pct = (100 * (n - degenerate)) / n;
    for (const k of ['mIoU', 'R1@0.3', 'R1@0.5', 'R1@0.7', 'avg']) expect(json[k]).toBeCloseTo(pct, 9);
    expect(json.run.scored_items).toBe(n);
  });

  it('charades-sta: half of each GT span gives IoU 0.5 everywhere: mIoU 50, R1@0.3 100, R1@0.7 0', () => {
    const { json } = score('charades-sta', 'charades_sta/charades_sta_test.txt', halfOutput);
    expect(json.mIoU).toBeCloseTo(50, 6);
    expect(json['R1@0.3']).toBe(100);
    expect(json['R1@0.7']).toBe(0);
  });

  it('tvgbench: per-source table covers the five sources (138/168/168/168/158 queries)', () => {
    const { json } = score('tvgbench', 'tvgbench/tvgbench.json', gtOutput);
    expect(Object.fromEntries(Object.entries(json.by_source as Record<string, { count: number }>).map(([k, v]) => [k, v.count]))).toEqual({ anet: 168, charades: 138, egonlq: 168, hirest: 158, tacos: 168 });
  });

  it('missing videos are left out of the metrics, counted and listed in metrics.json, metrics.md and report.html', () => {
    const { json, dir, items } = score('charades-sta', 'charades_sta/charades_sta_test.txt', gtOutput, 5);
    expect(json.count).toBe(3715);
    expect(json.mIoU).toBe(100);
    expect(json.run.expected_items).toBe(3720);
    expect(json.run.missing_videos.items).toBe(5);
    expect(json.run.missing_videos.list.flatMap((m: { ids: string[] }) => m.ids)).toEqual(['0.0', '1.0', '2.0', '3.0', '4.0']);
    expect(json.run.missing_videos.videos).toBe(new Set(items.slice(0, 5).map((e) => e.item.videoPath)).size);
    expect(readFileSync(path.join(dir, 'metrics.md'), 'utf8')).toMatch(/3715 of 3720 items answered and scored; 5 items \(\d+ videos\) have a missing or unreadable video/);
    expect(readFileSync(path.join(dir, 'report.html'), 'utf8')).toContain(`<td>${items[0]!.item.videoPath}</td><td>not-found</td>`);
  });
});

describe('refusal-aware benchmarks on the real annotation files', () => {
  it.each([
    ['hi-vtg', 'rarft/hi_vtg_charades.json', 2194],
    ['hi-vtg', 'rarft/hi_vtg_tvgbench.json', 1600],
    ['ss-vtg', 'rarft/ss_vtg_charades.json', 3720],
    ['ss-vtg', 'rarft/ss_vtg_qvhighlight.json', 3100],
    ['human', 'rarft/human_anno.json', 200],
  ] as const)('%s %s: answers = GT give accuracy 1, F1 1, RA-IoU 1', (benchmark, rel, n) => {
    const { json } = score(benchmark, rel, gtOutput);
    expect(json.metric_kind).toBe('refusal');
    expect(json.num_items).toBe(n);
    expect(json.relevance.overall_accuracy).toBe(1);
    expect(json.relevance['F1 (avg)']).toBe(1);
    expect(json['RA-IoU'].mean_all).toBeCloseTo(1, 12);
    expect(json['RA-IoU']['R@0.7']).toBe(100);
    expect(json.relevance.confusion).toEqual({ TP: n / 2, FP: 0, FN: 0, TN: n / 2 });
  });

  it('hi-vtg charades: refusing everything gives accuracy 0.5, RA-IoU 0.5, relevant F1 0; hardness levels from difficulty', () => {
    const { json, items } = score('hi-vtg', 'rarft/hi_vtg_charades.json', () => REFUSAL);
    expect(json.relevance.overall_accuracy).toBe(0.5);
    expect(json['RA-IoU'].mean_all).toBe(0.5);
    expect(json.relevance.per_class.relevant.f1).toBe(0);
    expect(json.relevance.confusion).toEqual({ TP: 0, FP: 0, FN: 1097, TN: 1097 });
    // 204 / 363 / 530 easy / medium / hard (rarft-reference §3.2) = weak / moderate / strong.
    const h = json.hardness_level_analysis.metrics_by_hardness_level;
    expect([h.original.total, h.weak.total, h.moderate.total, h.strong.total]).toEqual([1097, 204, 363, 530]);
    expect(items).toHaveLength(2194);
  });
});
