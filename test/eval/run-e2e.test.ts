// End to end: `rarft-eval run` on the tiny random checkpoint with rendered videos, for every benchmark kind, each
// in its own annotation format. The answers are garbage; what is checked is the plumbing: every usable item gets
// exactly one answer, unusable videos are counted and listed, a rerun resumes, shards merge to the same answers.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BENCHMARKS, type Benchmark, mergeRuns, readBenchmark, readPredictionLog, runEval } from '../../lib/eval/index.js';
import { runScore } from '../../lib/cli/score-command.js';
import { InferenceSession } from '../../lib/infer/index.js';
import { BROKEN, GONE, renderVideos, VIDEO_IDS, writeAnnotations } from './helpers/benchmark-fixtures.js';
import { writeFixtureCheckpoint } from './helpers/fixture-checkpoint.js';

let root: string, videos: string, ckpt: string, session: InferenceSession;
const sink = { write: () => true };
const decoding = { maxNewTokens: 3 };

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'rarft-eval-e2e-'));
  ckpt = writeFixtureCheckpoint(path.join(root, 'ckpt'));
  videos = await renderVideos(root);
  session = await InferenceSession.open(ckpt);
});
afterAll(() => {
  session?.dispose();
  rmSync(root, { recursive: true, force: true });
});

const ids = (file: string) => readPredictionLog(file).items.map((p) => p.id);

describe('rarft-eval run on every benchmark kind', () => {
  it.each(BENCHMARKS.map((b) => [b]))('%s: one answer per usable item, unusable videos counted and listed', async (benchmark: Benchmark) => {
    const ann = writeAnnotations(path.join(root, 'ann'), benchmark);
    const out = path.join(root, `run-${benchmark}`);
    const { stats, score } = await runEval({ model: ckpt, benchmark, annotations: ann.file, videos, out, decoding, batchSize: 4, session, stream: sink });
    const expected = readBenchmark(benchmark, ann.file).items;
    const answered = ids(path.join(out, 'predictions.jsonl'));
    expect(new Set(answered).size).toBe(answered.length);
    expect(answered.length).toBe(ann.items);
    expect(stats.missing).toBe(ann.unusable);
    // Every expected id is answered or listed as missing, never both, never neither.
    const missing = JSON.parse(readFileSync(path.join(out, 'missing.json'), 'utf8')) as { items: number; videos: number; list: { ids: string[]; reason: string; video: string; detail: string }[] };
    const missingIds = missing.list.flatMap((m) => m.ids);
    expect(missing.items).toBe(ann.unusable);
    expect([...answered, ...missingIds].sort()).toEqual(expected.map((e) => e.id).sort());
    expect(missing.videos).toBe(2);
    expect(missing.list.filter((m) => m.reason === 'not-found').every((m) => m.video.includes(GONE))).toBe(true);
    expect(missing.list.filter((m) => m.reason === 'unreadable').every((m) => m.video.includes(BROKEN))).toBe(true);
    expect(missing.list.map((m) => m.reason).sort()).toEqual(['not-found', 'unreadable']);
    expect(missing.list.find((m) => m.reason === 'not-found')!.detail).toMatch(/^tried /);
    // Each distinct (video, clip) is decoded once; TVGBench's clip of v1 is a separate decode.
    expect(stats.videosDecoded + stats.cacheHits).toBe(VIDEO_IDS.length + (benchmark === 'tvgbench' ? 1 : 0));
    // Scoring: the right metric family, coverage in metrics.json, the missing videos in the summary and report.
    const metrics = JSON.parse(readFileSync(path.join(out, 'metrics.json'), 'utf8'));
    expect(metrics.metric_kind).toBe(['charades-sta', 'activitynet', 'tvgbench'].includes(benchmark) ? 'vtg' : 'refusal');
    expect(metrics.run.scored_items).toBe(ann.items);
    expect(metrics.run.missing_videos.items).toBe(ann.unusable);
    expect(metrics.run.not_run.items).toBe(0);
    if (metrics.metric_kind === 'vtg') {
      expect(metrics.count).toBe(ann.items);
      expect(existsSync(path.join(out, 'inference_results_merged.json'))).toBe(false); // a refusal-aware layout only
    } else {
      expect(metrics.num_items).toBe(ann.items);
      // predictions.jsonl is in the scorer's format: `rarft-eval score` reads it and agrees with the run's scoring.
      const scored = await runScore({ predictions: path.join(out, 'predictions.jsonl'), out: path.join(out, 'rescored.json'), log: () => {} });
      expect(scored.metrics.relevance).toEqual(metrics.relevance);
      expect(scored.metrics['RA-IoU']).toEqual(metrics['RA-IoU']);
      expect(scored.metrics.hardness_level_analysis).toEqual(metrics.hardness_level_analysis);
      // ...and so does the reference's evaluator layout: inference_results_merged.json, the same answers in data order
      const merged = JSON.parse(readFileSync(path.join(out, 'inference_results_merged.json'), 'utf8')) as { query: string; model_output: string }[];
      const log = readPredictionLog(path.join(out, 'predictions.jsonl')).items;
      const order = new Map(expected.map((e, i) => [e.id, i]));
      const inDataOrder = [...log].sort((x, y) => order.get(x.id)! - order.get(y.id)!);
      expect(merged.map((p) => p.model_output)).toEqual(inDataOrder.map((p) => p.model_output));
    }
    expect(score?.coverage.expected_items).toBe(expected.length);
    expect(readFileSync(path.join(out, 'metrics.md'), 'utf8')).toContain(GONE);
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain(BROKEN);
    expect(html).not.toMatch(/<script|src=|href=/);
    expect(readFileSync(path.join(out, 'metrics.items.jsonl'), 'utf8').trim().split('\n')).toHaveLength(ann.items);
  });
});

describe('resumption', () => {
  it('a rerun answers only what is not in predictions.jsonl; a cut-off last line is kept aside and redone', async () => {
    const ann = writeAnnotations(path.join(root, 'ann'), 'hi-vtg');
    const out = path.join(root, 'resume');
    const first = await runEval({ model: ckpt, benchmark: 'hi-vtg', annotations: ann.file, videos, out, decoding, session, stream: sink });
    expect(first.stats.answered).toBe(ann.items);
    const file = path.join(out, 'predictions.jsonl');
    const full = readFileSync(file, 'utf8');
    const lines = full.trim().split('\n');
    // Keep all but the last 3 answers, then half of one more line (a crash in the middle of a write).
    const kept = lines.slice(0, -3).join('\n') + '\n';
    writeFileSync(file, kept + lines.at(-3)!.slice(0, 40));
    const second = await runEval({ model: ckpt, benchmark: 'hi-vtg', annotations: ann.file, videos, out, decoding, session, stream: sink });
    expect(second.stats.alreadyDone).toBe(ann.items - 3);
    expect(second.stats.answered).toBe(3);
    expect(second.stats.repairedTo).not.toBeNull();
    expect(readFileSync(second.stats.repairedTo!, 'utf8')).toBe(kept + lines.at(-3)!.slice(0, 40));
    const after = readFileSync(file, 'utf8');
    expect(after.startsWith(kept)).toBe(true);
    expect(ids(file).sort()).toEqual(lines.map((l) => JSON.parse(l).id).sort());
    // Greedy decoding: the redone answers are the same text.
    const byId = (text: string) => new Map(text.trim().split('\n').map((l) => [JSON.parse(l).id, JSON.parse(l).model_output]));
    expect(byId(after)).toEqual(byId(full));
    // Videos of the rerun come from the cache.
    expect(second.stats.cacheHits).toBeGreaterThan(0);
    expect(second.stats.videosDecoded).toBe(0);
    // A third run has nothing to do.
    const third = await runEval({ model: ckpt, benchmark: 'hi-vtg', annotations: ann.file, videos, out, decoding, session, stream: sink });
    expect(third.stats.answered).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(after);
  });

  it('one writer per folder: a live run.lock is refused, a stale one (dead pid) taken over and released', async () => {
    const ann = writeAnnotations(path.join(root, 'ann'), 'human');
    const out = path.join(root, 'locked');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'run.lock'), `${process.pid}\n`);
    await expect(runEval({ model: ckpt, benchmark: 'human', annotations: ann.file, videos, out, decoding, session, stream: sink, limit: 1 })).rejects.toThrow(/another rarft-eval run \(pid \d+\) is writing to this folder/);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(path.join(out, 'run.lock'), `${dead.stdout.toString()}\n`);
    const r = await runEval({ model: ckpt, benchmark: 'human', annotations: ann.file, videos, out, decoding, session, stream: sink, limit: 1 });
    expect(r.stats.answered).toBe(1);
    expect(existsSync(path.join(out, 'run.lock'))).toBe(false);
  });

  it('refuses to resume into a folder made with other settings', async () => {
    const ann = writeAnnotations(path.join(root, 'ann'), 'hi-vtg');
    const out = path.join(root, 'resume');
    await expect(runEval({ model: ckpt, benchmark: 'hi-vtg', annotations: ann.file, videos, out, decoding: { maxNewTokens: 5 }, session, stream: sink })).rejects.toThrow(/run\.json.*decoding/);
  });
});

describe('shards', () => {
  it('run --shard 0/2 and 1/2 then merge gives the same answers as one run', async () => {
    const ann = writeAnnotations(path.join(root, 'ann'), 'tvgbench');
    const whole = path.join(root, 'whole');
    await runEval({ model: ckpt, benchmark: 'tvgbench', annotations: ann.file, videos, out: whole, decoding, session, stream: sink });
    const cache = path.join(root, 'shared-cache');
    const shards = [0, 1].map((i) => path.join(root, `shard-${i}`));
    const counts: number[] = [];
    for (const [i, dir] of shards.entries()) {
      const r = await runEval({ model: ckpt, benchmark: 'tvgbench', annotations: ann.file, videos, out: dir, decoding, session, stream: sink, shard: { index: i, count: 2 }, score: false, cacheDir: cache });
      counts.push(r.stats.expected);
      expect(existsSync(path.join(dir, 'metrics.json'))).toBe(false);
    }
    // 7 records -> slices of 4 and 3.
    expect(counts).toEqual([4, 3]);
    const merged = path.join(root, 'merged');
    const m = mergeRuns({ shards, out: merged, log: () => {} });
    expect(m.duplicates).toBe(0);
    const a = readPredictionLog(path.join(whole, 'predictions.jsonl')).items;
    const b = readPredictionLog(path.join(merged, 'predictions.jsonl')).items;
    expect(b.map((p) => p.id)).toEqual(a.map((p) => p.id));
    expect(b.map((p) => p.model_output)).toEqual(a.map((p) => p.model_output));
    const mw = JSON.parse(readFileSync(path.join(whole, 'metrics.json'), 'utf8'));
    const mm = JSON.parse(readFileSync(path.join(merged, 'metrics.json'), 'utf8'));
    expect(mm.mIoU).toBe(mw.mIoU);
    expect(mm.run.missing_videos).toEqual(mw.run.missing_videos);
    expect(mm.run.missing_videos.items).toBe(2);
    expect(() => mergeRuns({ shards: [shards[0]!], out: path.join(root, 'merged-bad'), log: () => {} })).toThrow(/shards 1\/2 are missing/);
    // Merging again into the merged folder replaces it; merging into a run folder (or a shard) is refused.
    expect(mergeRuns({ shards, out: merged, log: () => {} }).answered).toBe(b.length);
    const before = readFileSync(path.join(whole, 'predictions.jsonl'), 'utf8');
    expect(() => mergeRuns({ shards, out: whole, log: () => {} })).toThrow(/holds answers of a run, not of an earlier merge/);
    expect(() => mergeRuns({ shards, out: shards[0]!, log: () => {} })).toThrow(/holds answers of a run/);
    expect(readFileSync(path.join(whole, 'predictions.jsonl'), 'utf8')).toBe(before);
  });
});
