/**
 * `rarft-eval merge`: joins the folders of `rarft-eval run --shard i/n` into one run folder: checks that the shards
 * come from the same setup (run.json) and that every shard 0..n-1 is there exactly once, writes predictions.jsonl
 * in data order (and, for refusal-aware benchmarks, the reference's inference_results_merged.json) and the union of
 * missing.json, then scores the whole benchmark. Items no shard answered or listed as
 * missing (an interrupted shard) are reported as "not run" with their ids.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../errors.js';
import { type EvalItem, metricKind, readBenchmark, type ReadBenchmarkOptions } from './benchmarks.js';
import { lockRunDir } from './run-lock.js';
import { type MissingItem, readMissing, writeMissing } from './missing-videos.js';
import type { EvalPrediction } from './prediction-record.js';
import { readPredictionLog } from './predictions-log.js';
import { writeReferencePredictions } from './reference-predictions.js';
import { checkAndWriteManifest, identityOf, readManifest, type RunManifest, writeJsonAtomic } from './run-manifest.js';
import { type RunScoringOptions, scoreRun, type ScoreRunResult } from './score-run.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export interface MergeOptions extends ReadBenchmarkOptions {
  shards: string[];
  out: string;
  score?: boolean;
  /** Refusal-aware scoring: `--reference-behaviour`, `--num-splits`. */
  scoring?: RunScoringOptions;
  log?: (line: string) => void;
}

export function mergeRuns(o: MergeOptions): { manifest: RunManifest; answered: number; duplicates: number; score: ScoreRunResult | null } {
  const log = o.log ?? ((l: string) => process.stderr.write(l + '\n'));
  if (o.shards.length === 0) throw new DataError('no shard folders given');
  const manifests = o.shards.map((dir) => {
    const m = readManifest(dir);
    if (!m) throw new DataError('not a rarft-eval run folder (no run.json)', { file: dir });
    if (!m.shard) throw new DataError('this run was not sharded (run.json has "shard": null)', { file: path.join(dir, 'run.json'), field: 'shard' });
    return m;
  });
  const first = manifests[0]!;
  const n = first.shard!.count;
  const seen = new Map<number, string>();
  manifests.forEach((m, k) => {
    const a = identityOf(first), b = identityOf(m);
    for (const key of Object.keys(a)) {
      if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) {
        throw new DataError(`shard differs from ${o.shards[0]} in ${key}: ${JSON.stringify(b[key])} vs ${JSON.stringify(a[key])}`, { file: path.join(o.shards[k]!, 'run.json'), field: key });
      }
    }
    if (m.shard!.count !== n) throw new DataError(`shard count ${m.shard!.count} differs from ${n} in ${o.shards[0]}`, { file: path.join(o.shards[k]!, 'run.json'), field: 'shard' });
    const prev = seen.get(m.shard!.index);
    if (prev !== undefined) throw new DataError(`shard ${m.shard!.index}/${n} given twice (also ${prev})`, { file: path.join(o.shards[k]!, 'run.json'), field: 'shard' });
    seen.set(m.shard!.index, o.shards[k]!);
  });
  const absent = Array.from({ length: n }, (_, i) => i).filter((i) => !seen.has(i));
  if (absent.length) throw new DataError(`shards ${absent.map((i) => `${i}/${n}`).join(', ')} are missing from the merge`);

  const expected = readBenchmark(first.benchmark, first.annotations, o).items;
  const answers = new Map<string, EvalPrediction>();
  let duplicates = 0;
  const missing: MissingItem[] = [];
  for (const dir of o.shards) {
    const file = path.join(dir, 'predictions.jsonl');
    if (existsSync(file)) {
      for (const p of readPredictionLog(file).items) {
        if (answers.has(p.id)) duplicates++;
        else answers.set(p.id, p);
      }
    }
    missing.push(...readMissing(dir).filter((m) => !answers.has(m.id)));
  }
  if (duplicates) log(`warning: ${duplicates} items were answered by more than one shard; the first shard's answer is kept`);
  const expectedIds = new Set(expected.map((e) => e.id));
  const stray = [...answers.keys()].filter((id) => !expectedIds.has(id));
  if (stray.length) throw new DataError(`${stray.length} answers have ids that are not in the annotation file (e.g. ${stray[0]}); was it changed?`, { file: first.annotations });

  // Only a previous merge may be replaced: a run folder's predictions.jsonl holds answers that exist nowhere else.
  const previous = readManifest(o.out);
  if ((previous && !previous.merged_from) || (!previous && existsSync(path.join(o.out, 'predictions.jsonl')))) {
    throw new DataError('--out holds answers of a run, not of an earlier merge; merge into another folder', { file: o.out });
  }
  mkdirSync(o.out, { recursive: true });
  const unlock = lockRunDir(o.out);
  try {
    return writeMerged(o, first, expected, answers, missing, duplicates, log);
  } finally {
    unlock();
  }
}

function writeMerged(
  o: MergeOptions,
  first: RunManifest,
  expected: EvalItem[],
  answers: Map<string, EvalPrediction>,
  missing: MissingItem[],
  duplicates: number,
  log: (line: string) => void,
): { manifest: RunManifest; answered: number; duplicates: number; score: ScoreRunResult | null } {
  const manifest: RunManifest = { ...first, shard: null, items: expected.length, merged_from: o.shards.map((d) => path.resolve(d)) };
  checkAndWriteManifest(o.out, manifest);
  const ordered = expected.map((e) => answers.get(e.id)).filter((p): p is EvalPrediction => p !== undefined);
  const predFile = path.join(o.out, 'predictions.jsonl');
  writeFileAtomic(predFile, ordered.map((p) => JSON.stringify(p) + '\n').join(''));
  if (metricKind(manifest.benchmark) === 'refusal') writeReferencePredictions(o.out, ordered);
  const stillMissing = missing.filter((m) => !answers.has(m.id));
  writeMissing(o.out, stillMissing);
  writeJsonAtomic(path.join(o.out, 'merge.json'), { shards: manifest.merged_from, answered: ordered.length, duplicates, missing: stillMissing.length });
  log(`merged ${o.shards.length} shards: ${ordered.length} of ${expected.length} items answered, ${stillMissing.length} with a missing video`);
  const score = o.score === false ? null : scoreRun(o.out, manifest, expected, answers, stillMissing, o.scoring);
  return { manifest, answered: ordered.length, duplicates, score };
}
