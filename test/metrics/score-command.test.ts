import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scoreCommand } from '../../lib/cli/score-command.js';
import { startScriptedServer } from '../judge/scripted-server.js';
import { CONSTRUCTED } from './constructed-set.js';
import { hiVtgPredictions } from './real-data.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'rarft-score-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string) => path.join(dir, name);
const run = (...args: string[]) => scoreCommand().exitOverride().configureOutput({ writeErr: () => {} }).parseAsync(args, { from: 'user' });
const readJson = (name: string) => JSON.parse(readFileSync(file(name), 'utf8'));

/** The reference's merged format has only the §5.1 fields; our extras (pred_*, scores) ride along in JSONL. */
const referenceFields = CONSTRUCTED.map(({ video, query, model_output, gt_relevant, gt_timestamp, gt_output, irrelevance_level, gt_categories }) => ({
  video, query, model_output, gt_relevant, gt_timestamp, gt_output, irrelevance_level, gt_categories,
}));

describe('rarft-eval score (in process, temp files)', () => {
  it('JSONL input: writes metrics.json with the reference keys, per-item JSONL and a Markdown summary', async () => {
    writeFileSync(file('preds.jsonl'), CONSTRUCTED.map((p) => JSON.stringify(p)).join('\n') + '\n');
    await run('--predictions', file('preds.jsonl'), '--out', file('out/metrics.json'));
    const m = readJson('out/metrics.json');
    // The reference's top-level order (the full tree is checked in reference-layout.test.ts), our `scoring` after it
    expect(Object.keys(m)).toEqual([
      'num_items', 'relevance', 'RA-IoU', 'RT-IoU', 'irrelevant_samples', 'true_negative_samples',
      'hardness_level_analysis', 'category_irrelevant_classification', 'scoring',
    ]);
    expect(Object.keys(m.relevance)).toEqual(['overall_accuracy', 'per_class', 'confusion', 'F1 (avg)']);
    expect(m.num_items).toBe(12);
    expect(m.relevance.confusion).toEqual({ TP: 5, FP: 2, FN: 1, TN: 4 });
    expect(Object.keys(m.relevance.confusion)).toEqual(['TP', 'FP', 'FN', 'TN']);
    expect(m['RA-IoU'].mean_all).toBeCloseTo(401 / 720, 12);
    expect(m['RT-IoU']).toBeCloseTo(4 / 9, 12);
    const lines = readFileSync(file('out/metrics.items.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(12);
    expect(lines[0]).toMatchObject({ index: 0, outcome: 'TP', iou: 0.6, hardness_level: 'original' });
    const md = readFileSync(file('out/metrics.md'), 'utf8');
    expect(md).toContain('| confusion TP / FN / FP / TN | 5 / 1 / 2 / 4 |');
    expect(md).toContain('| weak | 2 | irrelevant |');
  });

  it('reference merged JSON input (no extra fields): rule relevance, hardness unassigned for refusables, RT-IoU from FPs only', async () => {
    writeFileSync(file('merged.json'), JSON.stringify(referenceFields, null, 2));
    await run('--predictions', file('merged.json'), '--out', file('m.json'), '--items-out', file('i.jsonl'), '--summary-out', file('s.md'));
    const m = readJson('m.json');
    expect(m.relevance.confusion).toEqual({ TP: 5, FP: 2, FN: 1, TN: 4 });
    const h = m.hardness_level_analysis.metrics_by_hardness_level;
    expect(h.original.total).toBe(6); // answerable → original
    expect(h.weak.total).toBe(0); // irrelevance_level "" as in every reference file
    expect(m.irrelevant_samples.mean_reasoning_score).toBe(0);
    expect(m.scoring.not_measured).toEqual(['reasoning_score', 'sbert_similarity']);
    expect(m.scoring.rt_iou_count).toBe(2);
    expect(readFileSync(file('s.md'), 'utf8')).toContain('| reasoning score: irrelevant / TN | n/a / n/a |');
  });

  it('--num-splits reproduces the reference split/merge RT-IoU', async () => {
    writeFileSync(file('preds.jsonl'), CONSTRUCTED.map((p) => JSON.stringify(p)).join('\n'));
    await run('--predictions', file('preds.jsonl'), '--out', file('m.json'), '--num-splits', '3');
    expect(readJson('m.json')['RT-IoU']).toBeCloseTo(11 / 36, 12);
    await expect(run('--predictions', file('preds.jsonl'), '--out', file('m.json'), '--num-splits', '0')).rejects.toThrow(/positive integer/);
  });

  it('--reference-behaviour reproduces the reference\'s hardness defect and taxonomy-only tables; the default fixes them', async () => {
    writeFileSync(file('preds.jsonl'), CONSTRUCTED.map((p) => JSON.stringify(p)).join('\n'));
    await run('--predictions', file('preds.jsonl'), '--out', file('fixed.json'));
    await run('--predictions', file('preds.jsonl'), '--out', file('ref.json'), '--reference-behaviour');
    const totals = (m: { hardness_level_analysis: { metrics_by_hardness_level: Record<string, { total: number }> } }) =>
      ['original', 'weak', 'moderate', 'strong'].map((l) => m.hardness_level_analysis.metrics_by_hardness_level[l]!.total);
    const fixed = readJson('fixed.json'), ref = readJson('ref.json');
    expect(totals(fixed)).toEqual([6, 2, 2, 2]); // difficulty mapped easy/medium/hard → weak/moderate/strong
    expect(totals(ref)).toEqual([0, 0, 1, 0]); // only item 11's hardness_level, as the reference reads it
    expect(ref.scoring).toMatchObject({ reference_behaviour: true, hardness_source: 'reference' });
    expect(fixed.scoring).toMatchObject({ reference_behaviour: false, hardness_source: 'mapped' });
    expect(Object.keys(fixed.category_irrelevant_classification.metrics_by_category)).toContain('Action/SceneTransition');
    expect(Object.keys(ref.category_irrelevant_classification.metrics_by_category)).not.toContain('Action/SceneTransition');
    expect(ref.relevance).toEqual(fixed.relevance);
    await expect(run('--predictions', file('preds.jsonl'), '--out', file('x.json'), '--reference-behaviour', '--hardness', 'mapped')).rejects.toThrow(
      /--reference-behaviour .* cannot be combined with --hardness mapped/,
    );
    expect(scoreCommand().helpInformation()).toMatch(/--reference-behaviour/);
  });

  it('bad input names the file, the item index and the field', async () => {
    const bad = referenceFields.map((p, i) => (i === 3 ? { ...p, gt_relevant: 'yes' } : p));
    writeFileSync(file('bad.json'), JSON.stringify(bad));
    await expect(run('--predictions', file('bad.json'), '--out', file('m.json'))).rejects.toThrow(
      new RegExp(`bad\\.json, record 3, field "gt_relevant": Invalid input: expected boolean`),
    );
    writeFileSync(file('bad.jsonl'), `${JSON.stringify(CONSTRUCTED[0])}\n{"video": oops}\n`);
    await expect(run('--predictions', file('bad.jsonl'), '--out', file('m.json'))).rejects.toThrow(/bad\.jsonl, record 1: invalid JSON on line 2/);
    const badCat = CONSTRUCTED.map((p, i) => (i === 7 ? { ...p, gt_categories: 'Object/ObjectExistence' } : p));
    writeFileSync(file('badcat.jsonl'), badCat.map((p) => JSON.stringify(p)).join('\n'));
    await expect(run('--predictions', file('badcat.jsonl'), '--out', file('m.json'))).rejects.toThrow(/record 7, field "gt_categories"/);
    writeFileSync(file('empty.json'), '[]');
    await expect(run('--predictions', file('empty.json'), '--out', file('m.json'))).rejects.toThrow(/non-empty JSON array/);
  });

  it('--strict-gt reproduces the reference error on an empty GT explanation (SS-Charades style); default skips it', async () => {
    const items = CONSTRUCTED.map((p, i) => (i === 8 ? { ...p, gt_output: '<answer></answer>' } : p));
    writeFileSync(file('p.jsonl'), items.map((p) => JSON.stringify(p)).join('\n'));
    await expect(run('--predictions', file('p.jsonl'), '--out', file('m.json'), '--strict-gt')).rejects.toThrow(
      /p\.jsonl, record 8, field "gt_output": GT-irrelevant item has an empty GT explanation/,
    );
    await run('--predictions', file('p.jsonl'), '--out', file('m.json'));
    const m = readJson('m.json');
    expect(m.scoring.items_with_errors).toBe(1);
    expect(m.true_negative_samples.reasoning_count).toBe(3);
    expect(m.true_negative_samples.count).toBe(4);
  });

  it('--judge openai against a local server, with the cache reused by a second run', async () => {
    const server = await startScriptedServer((body) => {
      const system = body.messages[0]!.content, user = body.messages.at(-1)!.content;
      if (system.includes("'classification'")) {
        const m = /(\d+(?:\.\d+)?) to (\d+(?:\.\d+)?)/i.exec(user);
        return m ? `{'classification': 'relevant', 'span': [${m[1]}, ${m[2]}]}` : "{'classification': 'irrelevant', 'span': None}";
      }
      if (system.includes('JSON array')) return '["Object/ObjectExistence"]';
      return "{'score': 2.5}";
    });
    try {
      writeFileSync(file('merged.json'), JSON.stringify(referenceFields));
      const args = ['--predictions', file('merged.json'), '--out', file('m.json'), '--judge', 'openai', '--judge-base-url', server.baseUrl, '--judge-model', 'local-judge'];
      await run(...args);
      const sent = server.requests.length;
      // 12 relevance + 4 categories (TN) + 6 reasoning (all GT-irrelevant)
      expect(sent).toBe(22);
      const m = readJson('m.json');
      expect(m.scoring.judge_model).toBe('local-judge');
      expect(m.scoring.relevance_sources).toEqual({ judge: 12 });
      expect(m.relevance.confusion).toEqual({ TP: 5, FP: 2, FN: 1, TN: 4 });
      expect(m.irrelevant_samples.mean_reasoning_score).toBeCloseTo((4 * 2.5) / 6, 12);
      // every TN predicted [OE]: items 6 {OE,FGA} 1/2, 7 {OE} 1, 8 {AV} 0, 10 {FGA,OSR,A/ST} 0; FPs 0 → 1.5/6
      expect(m['RT-IoU']).toBeCloseTo(1.5 / 6, 12);
      expect(readFileSync(file('judge-cache.jsonl'), 'utf8').trim().split('\n')).toHaveLength(22);
      await run(...args);
      expect(server.requests.length).toBe(sent);
    } finally {
      await server.close();
    }
  });

  it('reference merged format built from the real hi_vtg_charades.json (2194 items), GT echoed', async () => {
    // Only the §5.1 fields, as inference.py writes them: categories cannot be given, so RT-IoU is not measured
    const merged = hiVtgPredictions('rarft/hi_vtg_charades.json', (g) => ({ model_output: `<think>\nx\n</think>\n${g.a}\n<correction>NIL</correction><|im_end|>` }))
      .map(({ difficulty, ...rest }) => rest);
    writeFileSync(file('inference_results_merged.json'), JSON.stringify(merged, null, 2));
    await run('--predictions', file('inference_results_merged.json'), '--out', file('metrics.json'), '--num-splits', '27', '--strict-gt');
    const m = readJson('metrics.json');
    expect(m.num_items).toBe(2194);
    expect(m.relevance.confusion).toEqual({ TP: 1097, FP: 0, FN: 0, TN: 1097 });
    expect(m['RA-IoU']).toEqual({ mean_all: 1, 'R@0.3': 100, 'R@0.5': 100, 'R@0.7': 100 });
    expect(m['RT-IoU']).toBe(0);
    expect(m.scoring.not_measured).toContain('RT-IoU');
    expect(m.hardness_level_analysis.metrics_by_hardness_level.original.total).toBe(1097);
    expect(m.hardness_level_analysis.metrics_by_hardness_level.strong.total).toBe(0); // irrelevance_level "" → no level, as in the reference's files
    expect(readFileSync(file('metrics.items.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2194);
  });
});
