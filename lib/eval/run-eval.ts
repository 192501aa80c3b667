/**
 * `rarft-eval run`: answers every query of a benchmark with a checkpoint and scores the answers.
 *  - Queries are grouped by video (and TVGBench clip): each video is decoded once (through the on-disk cache) and its
 *    queries are answered in batches of `batchSize` rows; the next video is decoded while the current one generates.
 *  - Resumable: answers are appended to <out>/predictions.jsonl after each batch; a rerun skips the ids already there.
 *  - Missing / unreadable videos are recorded in <out>/missing.json (and retried by a rerun), never silently dropped.
 *  - `shard` restricts the run to a contiguous slice of records (merge the shard folders with `rarft-eval merge`).
 *  - A whole (unsharded) refusal-aware run also writes its answers as the reference's inference_results_merged.json.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_DECODING, type DecodingOptions, generateForVideo, InferenceSession, loadVideo, type ModelDType, checkpointDType } from '../infer/index.js';
import type { Device } from '../tensor/index.js';
import type { PromptTemplate } from '../text/index.js';
import { ItemProgress, type ProgressStream } from '../logging/progress.js';
import type { PreprocessedVideo, VideoPreprocessOptions } from '../video/index.js';
import { type Benchmark, defaultTemplate, type EvalItem, metricKind, readBenchmark, type ReadBenchmarkOptions } from './benchmarks.js';
import { type MissingItem, writeMissing } from './missing-videos.js';
import { type EvalPrediction, toPrediction } from './prediction-record.js';
import { PredictionsLog } from './predictions-log.js';
import { writeReferencePredictions } from './reference-predictions.js';
import { lockRunDir } from './run-lock.js';
import { checkAndWriteManifest, type RunManifest } from './run-manifest.js';
import { type RunScoringOptions, scoreRun, type ScoreRunResult } from './score-run.js';
import { type Shard, shardItems } from './shard.js';
import { VideoIndex } from './video-resolve.js';

/** Time-R1's scripts/test.sh max_new_tokens for Charades-STA / ActivityNet / TVGBench. */
export const TIMER1_MAX_NEW_TOKENS = 1024;

export interface EvalRunOptions extends ReadBenchmarkOptions {
  model: string;
  benchmark: Benchmark;
  annotations: string;
  videos: string;
  out: string;
  template?: PromptTemplate;
  /** Defaults: greedy; maxNewTokens 1024 with the timer1 template, else 512. */
  decoding?: Partial<DecodingOptions>;
  /** Rows per generate call (queries of one video). Default 8, the reference's batch. */
  batchSize?: number;
  shard?: Shard | null;
  /** Video cache folder; null = no cache. Default <out>/video-cache. */
  cacheDir?: string | null;
  videoSettings?: VideoPreprocessOptions;
  dtype?: ModelDType;
  device?: Device;
  /** Only the first N items (after sharding): smoke runs. */
  limit?: number;
  /** Skip scoring (e.g. shards that are merged later). */
  score?: boolean;
  /** Refusal-aware scoring: `--reference-behaviour`, `--num-splits`. */
  scoring?: RunScoringOptions;
  stream?: ProgressStream;
  /** Reuse an open session (bench, tests); it is not disposed. */
  session?: InferenceSession;
}

export interface EvalRunStats {
  expected: number;
  alreadyDone: number;
  answered: number;
  missing: number;
  videosDecoded: number;
  cacheHits: number;
  seconds: number;
  generateSeconds: number;
  repairedTo: string | null;
}

interface VideoGroup {
  key: string;
  videoPath: string;
  videoId: string;
  clip: readonly [number, number] | null;
  items: EvalItem[];
}

function groupByVideo(items: readonly EvalItem[]): VideoGroup[] {
  const groups = new Map<string, VideoGroup>();
  for (const e of items) {
    const clip = e.item.clip;
    const key = `${e.item.videoPath}\u0000${e.item.videoId}\u0000${clip ? clip.join(',') : ''}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, videoPath: e.item.videoPath, videoId: e.item.videoId, clip, items: [] }));
    g.items.push(e);
  }
  return [...groups.values()];
}

export async function runEval(o: EvalRunOptions): Promise<{ stats: EvalRunStats; score: ScoreRunResult | null; manifest: RunManifest }> {
  const t0 = performance.now();
  const log = (line: string) => (o.stream ?? process.stderr).write(line + '\n');
  const template = o.template ?? defaultTemplate(o.benchmark);
  // Time-R1's grounding evaluation generates up to 1024 tokens (scripts/test.sh, §2.4); RA-RFT's inference 512 (§2.2).
  const maxNewTokens = o.decoding?.maxNewTokens ?? (template === 'timer1' ? TIMER1_MAX_NEW_TOKENS : DEFAULT_DECODING.maxNewTokens);
  const decoding: DecodingOptions = { ...DEFAULT_DECODING, ...(o.decoding ?? {}), maxNewTokens };
  const batchSize = o.batchSize ?? 8;
  if (!(Number.isInteger(batchSize) && batchSize >= 1)) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const { items: all, report } = readBenchmark(o.benchmark, o.annotations, o);
  for (const w of report.warnings.slice(0, 5)) log(`warning: ${w}`);
  if (report.warnings.length > 5) log(`warning: … ${report.warnings.length - 5} more dataset warnings`);
  let items = o.shard ? shardItems(all, o.shard) : all;
  if (o.limit !== undefined) items = items.slice(0, o.limit);
  mkdirSync(o.out, { recursive: true });
  const cacheDir = o.cacheDir === undefined ? path.join(o.out, 'video-cache') : o.cacheDir;
  const manifest: RunManifest = {
    benchmark: o.benchmark,
    annotations: path.resolve(o.annotations),
    model: path.resolve(o.model),
    template,
    decoding,
    dtype: o.session?.dtype ?? o.dtype ?? checkpointDType(o.model),
    video: { ...(o.videoSettings ?? {}) },
    shard: o.shard ?? null,
    items: items.length,
  };
  const unlock = lockRunDir(o.out);
  try {
    return await runLocked(o, manifest, items, cacheDir, log, t0);
  } finally {
    unlock();
  }
}

async function runLocked(
  o: EvalRunOptions,
  manifest: RunManifest,
  items: EvalItem[],
  cacheDir: string | null,
  log: (line: string) => void,
  t0: number,
): Promise<{ stats: EvalRunStats; score: ScoreRunResult | null; manifest: RunManifest }> {
  const { template, decoding } = manifest;
  const batchSize = o.batchSize ?? 8;
  const videos = VideoIndex.build(o.videos);
  checkAndWriteManifest(o.out, manifest);
  const { log: predLog, opened } = PredictionsLog.open(path.join(o.out, 'predictions.jsonl'));
  if (opened.repairedTo) log(`warning: predictions.jsonl ended in a cut-off line (interrupted write); the file as it was is kept at ${opened.repairedTo}, that item runs again`);
  const answers = new Map<string, EvalPrediction>(opened.done);
  const todo = items.filter((e) => !answers.has(e.id));
  const stats: EvalRunStats = { expected: items.length, alreadyDone: items.length - todo.length, answered: 0, missing: 0, videosDecoded: 0, cacheHits: 0, seconds: 0, generateSeconds: 0, repairedTo: opened.repairedTo };
  if (stats.alreadyDone) log(`resuming: ${stats.alreadyDone} of ${items.length} items already answered in ${predLog.file}`);
  const missing: MissingItem[] = [];
  const groups = groupByVideo(todo);
  const runnable: { group: VideoGroup; file: string }[] = [];
  for (const group of groups) {
    const r = videos.resolve(group.videoPath, group.videoId);
    if (r.path) runnable.push({ group, file: r.path });
    else for (const e of group.items) missing.push({ id: e.id, video: group.videoPath || group.videoId, reason: 'not-found', detail: `tried ${r.tried.join(', ')}` });
  }
  if (missing.length) log(`warning: ${missing.length} items have no video under ${o.videos} (${new Set(missing.map((m) => m.video)).size} videos); listed in missing.json`);
  // The bar counts only items with a video, so its rate and ETA are about real work.
  const progress = new ItemProgress({ total: runnable.reduce((n, r) => n + r.group.items.length, 0), label: `eval ${o.benchmark}`, ...(o.stream ? { stream: o.stream } : {}) });
  const session = runnable.length ? (o.session ?? (await InferenceSession.open(o.model, { ...(o.dtype ? { dtype: o.dtype } : {}), ...(o.device ? { device: o.device } : {}) }))) : null;
  try {
    const load = (k: number): Promise<PreprocessedVideo | Error> | null => {
      const r = runnable[k];
      if (!r) return null;
      return loadVideo(r.file, { ...(o.videoSettings ? { settings: o.videoSettings } : {}), ...(cacheDir ? { cacheDir } : {}) }, r.group.clip).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
    };
    let next = load(0);
    for (let k = 0; k < runnable.length; k++) {
      const { group, file } = runnable[k]!;
      const video = await next!;
      // Decode the next video while this one generates (ffmpeg runs in its own process).
      next = load(k + 1);
      if (video instanceof Error) {
        for (const e of group.items) missing.push({ id: e.id, video: group.videoPath || group.videoId, reason: 'unreadable', detail: video.message.includes(file) ? video.message : `${file}: ${video.message}` });
        progress.log(`warning: cannot read ${file}: ${video.message} (${group.items.length} items skipped, listed in missing.json)`);
        progress.tick(group.items.length);
        continue;
      }
      try {
        if (video.cacheHit) stats.cacheHits++;
        else stats.videosDecoded++;
        for (let b = 0; b < group.items.length; b += batchSize) {
          const batch = group.items.slice(b, b + batchSize);
          const r = await generateForVideo(session!.model, session!.tokenizer, video, batch.map((e) => e.item.query), template, decoding);
          stats.generateSeconds += r.timing.generateMs / 1000;
          const preds = batch.map((e, i) => toPrediction(e, r.answers[i]!, r.timing.generateMs / batch.length));
          predLog.append(preds);
          for (const p of preds) answers.set(p.id, p);
          stats.answered += batch.length;
          progress.tick(batch.length);
        }
      } finally {
        video.pixelValuesVideos.dispose();
      }
    }
    // A pending prefetch can only exist after an early exit; release its tensor.
    const pending = await next;
    if (pending && !(pending instanceof Error)) pending.pixelValuesVideos.dispose();
  } finally {
    progress.done();
    if (session && !o.session) session.dispose();
    writeMissing(o.out, missing);
  }
  stats.missing = missing.length;
  stats.seconds = (performance.now() - t0) / 1000;
  log(`answered ${stats.answered} items (${stats.alreadyDone} already done, ${stats.missing} with a missing/unreadable video) in ${stats.seconds.toFixed(1)} s; ${stats.videosDecoded} videos decoded, ${stats.cacheHits} from the cache`);
  // A shard holds a slice: `rarft-eval merge` writes the whole file.
  if (manifest.shard === null && metricKind(manifest.benchmark) === 'refusal') {
    writeReferencePredictions(o.out, items.flatMap((e) => answers.get(e.id) ?? []));
  }
  const score = o.score === false ? null : scoreRun(o.out, manifest, items, answers, missing, o.scoring);
  if (score) log(`scored ${score.coverage.scored_items}/${score.coverage.expected_items} items → ${score.files[0]}`);
  return { stats, score, manifest };
}
