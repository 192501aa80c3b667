/**
 * The full key tree of the metrics.json that `rarft-eval score`, `run` and `merge` write, against the committed schema
 * of the reference's layout (docs/schemas/metrics.reference.schema.json): every key present, in the reference's
 * order, with the reference's int/float types, our additions only after the reference keys of their object.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scoreCommand } from '../../lib/cli/score-command.js';
import { type EvalItem, type EvalPrediction, readBenchmark, scoreRun, toPrediction } from '../../lib/eval/index.js';
import { DEFAULT_DECODING } from '../../lib/infer/index.js';
import { checkKeyTree, type Schema } from '../schemas/key-tree.js';
import { CONSTRUCTED } from './constructed-set.js';
import { hiVtgPredictions, sharedDataset } from './real-data.js';

const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const SCHEMA = JSON.parse(readFileSync(path.join(repoRoot, 'docs/schemas/metrics.reference.schema.json'), 'utf8')) as Schema;

const dir = mkdtempSync(path.join(tmpdir(), 'rarft-layout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => path.join(dir, name);
const score = (...args: string[]) => scoreCommand().exitOverride().configureOutput({ writeErr: () => {} }).parseAsync(args, { from: 'user' });

async function scoredText(name: string, items: object[], ...flags: string[]): Promise<string> {
  writeFileSync(file(`${name}.json`), JSON.stringify(items));
  await score('--predictions', file(`${name}.json`), '--out', file(`${name}.metrics.json`), ...flags);
  return readFileSync(file(`${name}.metrics.json`), 'utf8');
}

// The authors' published run scored HI-TVGBench's first 27 records (tvgbench_riq_test2.json, 54 items) in 27 splits.
const TEST2 = 'rarft/commit_570a2b2/tvgbench_riq_test2.json';
const echoGt = hiVtgPredictions(TEST2, (g) => ({ model_output: `<think>\nx\n</think>\n${g.a}\n<correction>NIL</correction><|im_end|>` }));
/** Only the reference's §5.1 fields, as its inference writes them. */
const referenceFields = (ps: typeof echoGt) =>
  ps.map(({ video, query, model_output, gt_relevant, gt_timestamp, gt_output, irrelevance_level, gt_categories }) => ({
    video, query, model_output, gt_relevant, gt_timestamp, gt_output, irrelevance_level, gt_categories,
  }));

describe('metrics.json has the reference\'s full key tree', () => {
  it.each([
    ['constructed set with given judge values', CONSTRUCTED, []],
    ['constructed set, --reference-behaviour', CONSTRUCTED, ['--reference-behaviour']],
    ['test2 in the reference inference format, no judge, --num-splits 27 --reference-behaviour', referenceFields(echoGt), ['--num-splits', '27', '--reference-behaviour']],
    ['test2 with difficulty, hardness mapped', echoGt, ['--num-splits', '27']],
  ] as const)('%s', async (name, items, flags) => {
    const text = await scoredText(name.replace(/\W+/g, '-'), [...items], ...flags);
    expect(checkKeyTree(SCHEMA, text)).toEqual([]);
  });

  it('a judge-less run writes 0.0 (a float) where nothing was measured, and says so in scoring', async () => {
    const text = await scoredText('judgeless', referenceFields(echoGt), '--reference-behaviour');
    expect(text).toContain('"mean_reasoning_score": 0.0,');
    // hardness from hardness_level only: the reference's all-zero table, written as it writes it
    expect(text).toContain('"original": {\n        "accuracy": 0.0,\n        "precision": 0.0,');
    expect(JSON.parse(text).scoring.not_measured).toEqual(['RT-IoU', 'reasoning_score', 'sbert_similarity']);
  });

  it('HI-TVGBench\'s out-of-taxonomy GT label is an extra key after the 11 reference labels (dropped with --reference-behaviour)', async () => {
    const all = hiVtgPredictions('rarft/hi_vtg_tvgbench.json', (g) => ({ model_output: `<answer>${g.r ? '1 to 2' : 'no'}</answer>` }));
    const fixed = await scoredText('tvg-fixed', all);
    const ref = await scoredText('tvg-ref', all, '--reference-behaviour');
    expect(checkKeyTree(SCHEMA, fixed)).toEqual([]);
    expect(checkKeyTree(SCHEMA, ref)).toEqual([]);
    expect(Object.keys(JSON.parse(fixed).category_irrelevant_classification.metrics_by_category).at(-1)).toBe('Action/SceneTransition');
    expect(Object.keys(JSON.parse(ref).category_irrelevant_classification.metrics_by_category)).toHaveLength(11);
  });

  it('`rarft-eval run`/`merge` metrics.json: the same tree, with benchmark, metric_kind and run after it', () => {
    const annotations = sharedDataset('rarft/human_anno.json');
    const { items } = readBenchmark('human', annotations);
    const answers = new Map<string, EvalPrediction>(
      items.map((e: EvalItem) => [e.id, toPrediction(e, { query: e.item.query, text: e.item.relevant ? '<answer>1 to 2</answer>' : '<answer>no</answer>', tokens: [1], logprobs: [0], promptTokens: 1, stopped: true }, 0)]),
    );
    const runDir = mkdtempSync(path.join(dir, 'run-'));
    const manifest = { benchmark: 'human' as const, annotations, model: '/models/x', template: 'inference' as const, decoding: DEFAULT_DECODING, dtype: 'float32' as const, video: {}, shard: null, items: items.length };
    scoreRun(runDir, manifest, items, answers, []);
    const text = readFileSync(path.join(runDir, 'metrics.json'), 'utf8');
    expect(checkKeyTree(SCHEMA, text)).toEqual([]);
    expect(Object.keys(JSON.parse(text)).slice(-4)).toEqual(['scoring', 'benchmark', 'metric_kind', 'run']);
  });
});
