/**
 * Predictions exchanged with the reference (rarft-reference §5.1): the inference_results_merged.json that `rarft-eval
 * run`/`merge` write has the reference's per-item fields in its order and types (docs/schemas/
 * inference-results.reference.schema.json), and `rarft-eval score` reads it, and the reference's own files, back.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScore } from '../../lib/cli/score-command.js';
import { type EvalItem, type EvalPrediction, mergeRuns, readBenchmark, REFERENCE_PREDICTIONS_FILE, shardItems, toPrediction, writeReferencePredictions } from '../../lib/eval/index.js';
import { checkAndWriteManifest, type RunManifest } from '../../lib/eval/run-manifest.js';
import { DEFAULT_DECODING } from '../../lib/infer/index.js';
import { readPredictions } from '../../lib/metrics/index.js';
import { pythonJson } from '../../lib/util/python-json.js';
import { sharedDataset } from '../data/datasets-path.js';
import { checkKeyTree, type Schema } from '../schemas/key-tree.js';

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const SCHEMA = JSON.parse(readFileSync(path.join(repoRoot, 'docs/schemas/inference-results.reference.schema.json'), 'utf8')) as Schema;
const REFERENCE_FIELDS = ['video', 'query', 'model_output', 'gt_relevant', 'gt_timestamp', 'gt_output', 'irrelevance_level', 'gt_categories'];

const root = mkdtempSync(path.join(tmpdir(), 'rarft-refpred-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const REFUSAL = '<think>\nno\n</think>\n<answer>\nThe video does not contain a relevant segment — nothing like it happens.\n</answer>\n<correction>\nx\n</correction><|im_end|>';
const span = (s: number, e: number) => `<think>\nlooking\n</think>\n<answer>\n${s} to ${e}\n</answer>\n<correction>NIL</correction><|im_end|>`;

/** A run's answers for a real annotation file: relevant items answered with half their span, refusables refused. */
function answered(rel: string, only?: (items: EvalItem[]) => EvalItem[]): EvalPrediction[] {
  const { items: all } = readBenchmark('hi-vtg', sharedDataset(rel));
  const items = only ? only(all) : all;
  return items.map((e: EvalItem) =>
    toPrediction(e, { query: e.item.query, text: e.item.relevant ? span(e.item.span![0], (e.item.span![0] + e.item.span![1]) / 2) : REFUSAL, tokens: [1], logprobs: [0], promptTokens: 1, stopped: true }, 0),
  );
}

describe('inference_results_merged.json written from a run', () => {
  const preds = answered('rarft/hi_vtg_charades.json');
  const dir = mkdtempSync(path.join(root, 'run-'));
  const file = writeReferencePredictions(dir, preds);
  const text = readFileSync(file, 'utf8');
  const parsed = JSON.parse(text) as Record<string, unknown>[];

  it('has the reference\'s per-item fields, order and types (spans as floats), one item per answer in data order', () => {
    expect(path.basename(file)).toBe(REFERENCE_PREDICTIONS_FILE);
    expect(checkKeyTree(SCHEMA, text)).toEqual([]);
    expect(parsed).toHaveLength(2194);
    expect(Object.keys(parsed[0]!)).toEqual([...REFERENCE_FIELDS, 'hardness_level']);
    expect(parsed.map((p) => p.query)).toEqual(preds.map((p) => p.query));
    // written as the reference's json.dump(indent=2): ASCII only, no final newline
    expect(text).toContain('segment \\u2014 nothing');
    expect(text.endsWith(']')).toBe(true);
  });

  it('carries the hardness level the reference\'s evaluator reads (`hardness_level`), mapped from difficulty', () => {
    const counts: Record<string, number> = {};
    for (const p of parsed) counts[p.hardness_level as string] = (counts[p.hardness_level as string] ?? 0) + 1;
    expect(counts).toEqual({ original: 1097, weak: 204, moderate: 363, strong: 530 }); // rarft-reference §3.2
    expect(parsed.every((p) => p.irrelevance_level === '')).toBe(true);
  });

  it('`rarft-eval score` reads it and agrees with scoring the run\'s own predictions.jsonl', async () => {
    writeFileSync(path.join(dir, 'predictions.jsonl'), preds.map((p) => JSON.stringify(p)).join('\n') + '\n');
    const log = () => {};
    const fromJsonl = await runScore({ predictions: path.join(dir, 'predictions.jsonl'), out: path.join(dir, 'a.json'), log });
    const fromMerged = await runScore({ predictions: file, out: path.join(dir, 'b.json'), log });
    const { scoring: s1, ...m1 } = fromJsonl.metrics;
    const { scoring: s2, ...m2 } = fromMerged.metrics;
    expect(m2).toEqual(m1);
    expect(s2).toEqual(s1);
    expect(m1.relevance.confusion).toEqual({ TP: 1097, FP: 0, FN: 0, TN: 1097 });
    expect(m1['RA-IoU'].mean_all).toBeCloseTo(0.75, 9); // half spans: IoU 0.5 on 1097 TPs, 1 on 1097 TNs
    // Read as the reference reads it (hardness_level only), our file still fills the hardness table: the fix travels
    const asReference = await runScore({ predictions: file, out: path.join(dir, 'c.json'), referenceBehaviour: true, log });
    const h = asReference.metrics.hardness_level_analysis.metrics_by_hardness_level;
    expect([h.original.total, h.weak.total, h.moderate.total, h.strong.total]).toEqual([1097, 204, 363, 530]);
  });
});

describe('rarft-eval merge', () => {
  it('writes the whole benchmark\'s inference_results_merged.json in data order from the shard folders', () => {
    const rel = 'rarft/commit_570a2b2/tvgbench_riq_test2.json';
    const annotations = sharedDataset(rel);
    const shards = [0, 1, 2].map((index) => {
      const dir = mkdtempSync(path.join(root, `shard${index}-`));
      const shard = { index, count: 3 };
      const preds = answered(rel, (items) => shardItems(items, shard));
      const manifest: RunManifest = { benchmark: 'hi-vtg', annotations, model: '/models/x', template: 'inference', decoding: DEFAULT_DECODING, dtype: 'float32', video: {}, shard, items: preds.length };
      checkAndWriteManifest(dir, manifest);
      // answers in reverse, as a resumed shard may hold them: the merged file is in data order anyway
      writeFileSync(path.join(dir, 'predictions.jsonl'), preds.reverse().map((p) => JSON.stringify(p) + '\n').join(''));
      return dir;
    });
    const out = path.join(root, 'merged');
    mergeRuns({ shards, out, log: () => {} });
    const text = readFileSync(path.join(out, REFERENCE_PREDICTIONS_FILE), 'utf8');
    expect(checkKeyTree(SCHEMA, text)).toEqual([]);
    expect(text).toBe(readFileSync(writeReferencePredictions(mkdtempSync(path.join(root, 'whole-')), answered(rel)), 'utf8'));
    expect(JSON.parse(readFileSync(path.join(out, 'metrics.json'), 'utf8')).num_items).toBe(54);
  });
});

describe('files the reference wrote are read as they are', () => {
  it('its inference output (the §5.1 fields only) and its evaluator\'s items file (cached judge fields)', async () => {
    const preds = answered('rarft/commit_570a2b2/tvgbench_riq_test2.json');
    const inference = preds.map((p) => Object.fromEntries(REFERENCE_FIELDS.map((k) => [k, p[k as keyof EvalPrediction]])));
    const inferenceText = pythonJson(inference, { asciiOnly: true }); // as its aggregate script's json.dump writes
    expect(checkKeyTree(SCHEMA, inferenceText)).toEqual([]);
    const dir = mkdtempSync(path.join(root, 'theirs-'));
    writeFileSync(path.join(dir, 'inference_results_merged.json'), inferenceText);
    expect(readPredictions(path.join(dir, 'inference_results_merged.json'))).toHaveLength(54);
    // metrics_items.json: the same items plus classification_correct, iou, pred_categories, sbert_similarity
    const items = inference.map((p) => ({
      ...p,
      classification_correct: true,
      iou: p.gt_relevant ? 0.5 : 1.0,
      pred_categories: p.gt_relevant ? [] : (p.gt_categories as string[]),
      ...(p.gt_relevant ? {} : { sbert_similarity: 0.75 }),
    }));
    writeFileSync(path.join(dir, 'metrics_items.json'), JSON.stringify(items, null, 2));
    const { metrics } = await runScore({ predictions: path.join(dir, 'metrics_items.json'), out: path.join(dir, 'm.json'), numSplits: 27, referenceBehaviour: true, log: () => {} });
    expect(metrics.num_items).toBe(54);
    expect(metrics.relevance.confusion).toEqual({ TP: 27, FP: 0, FN: 0, TN: 27 });
    expect(metrics['RT-IoU']).toBe(1); // their cached categories = GT → every Jaccard 1
    expect(metrics.irrelevant_samples.mean_sbert_similarity).toBe(0.75);
    expect(metrics.irrelevant_samples.sbert_count).toBe(27);
  });
});
