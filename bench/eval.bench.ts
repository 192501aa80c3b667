/**
 * `rarft-eval run` throughput in queries per second on the tiny random checkpoint (test/fixtures/qwen/tiny + the
 * test tokenizer), over the three real clips of ../shared/datasets/videos (charades.mp4 30.7 s, OHOFG.mp4 35.2 s,
 * flipping_a_pancake.mkv 10.4 s; full Time-R1 sampling: 2 fps, 3584-token pixel budget), 4 queries per clip in the
 * HI-VTG format, batch 4, 8 new tokens per answer. The model is loaded once outside the timing; each timed run is a
 * whole `runEval` into a fresh folder (read annotations, decode, generate, append, score, reports).
 *  - no cache: every run decodes every clip with ffmpeg;
 *  - warm cache: the clips come from the on-disk cache filled by an earlier run;
 *  - cold cache: decode + write the cache entries.
 * With a tiny model generation is cheap, so these numbers show the pipeline's own cost (decode, vision tower over
 * ~3.5K video tokens per row, prompt prefill ~4.7K tokens); a 3B/7B model is dominated by generation instead.
 * Median of REPS runs after one warm-up.
 *
 * Run: npx vite-node bench/eval.bench.ts   -> bench/results/eval.json
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { runEval } from '../lib/eval/index.js';
import { InferenceSession } from '../lib/infer/index.js';
import { sharedDataset } from '../test/data/datasets-path.js';
import { writeFixtureCheckpoint } from '../test/eval/helpers/fixture-checkpoint.js';
import { type BenchRecord, writeResults } from './write-results.js';

const REPS = Number(process.env.BENCH_REPS ?? 3);
const CLIPS = ['charades.mp4', 'OHOFG.mp4', 'flipping_a_pancake.mkv'];
const QUERIES_PER_CLIP = 4;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const root = mkdtempSync(path.join(tmpdir(), 'rarft-eval-bench-'));
const ckpt = writeFixtureCheckpoint(path.join(root, 'ckpt'));
const annotations = path.join(root, 'hi.json');
writeFileSync(
  annotations,
  JSON.stringify(
    CLIPS.flatMap((clip) =>
      Array.from({ length: QUERIES_PER_CLIP / 2 }, (_, k) => ({
        video: `/data/author/${clip}`,
        query_text: `a person does thing ${k}`,
        timestamp: [1.0, 5.5],
        duration: 10,
        GRPO: [
          { q: `a person does thing ${k}`, a: '<answer>1.0 to 5.5</answer>', r: true, difficulty: 'original' },
          { q: `a dog does thing ${k}`, a: '<answer>There is no dog.</answer>', r: false, c: ['Object/ObjectExistence'], difficulty: 'hard' },
        ],
      })),
    ),
  ),
);
const items = CLIPS.length * QUERIES_PER_CLIP;
const session = await InferenceSession.open(ckpt);
const sink = { write: () => true };
let n = 0;

/** `cacheFor(run)`: the cache folder of each run (null = no cache). */
async function qps(cacheFor: () => string | null): Promise<{ qps: number; decodeShare: number }> {
  const one = async () => {
    const cacheDir = cacheFor();
    const r = await runEval({ model: ckpt, benchmark: 'hi-vtg', annotations, videos: sharedDataset('videos'), out: path.join(root, `run-${n++}`), decoding: { maxNewTokens: 8 }, batchSize: 4, cacheDir, session, stream: sink });
    if (r.stats.answered !== items) throw new Error(`answered ${r.stats.answered} of ${items}`);
    return r.stats;
  };
  await one();
  const rates: number[] = [], shares: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const s = await one();
    rates.push(items / s.seconds);
    shares.push(1 - s.generateSeconds / s.seconds);
  }
  return { qps: median(rates), decodeShare: median(shares) };
}

const noCache = await qps(() => null);
// The warm-up run fills the cache; the timed runs hit it.
const warm = await qps(() => path.join(root, 'cache-warm'));
// A fresh, empty cache folder for every run.
const cold = await qps(() => path.join(root, `cache-cold-${n}`));
session.dispose();
rmSync(root, { recursive: true, force: true });

const note = `${items} queries over ${CLIPS.length} real clips, batch 4, 8 new tokens, tiny model on CPU; 1-min load average at the end ${loadavg()[0]!.toFixed(1)}`;
const records: BenchRecord[] = [
  { name: 'eval run, no video cache', value: noCache.qps, unit: 'queries/s', note },
  { name: 'eval run, warm video cache', value: warm.qps, unit: 'queries/s', note },
  { name: 'eval run, cold video cache (decode + store)', value: cold.qps, unit: 'queries/s', note },
  { name: 'share of run time outside generate, no cache', value: 100 * noCache.decodeShare, unit: '%', note: 'decode, prompt building, IO, scoring' },
  { name: 'share of run time outside generate, warm cache', value: 100 * warm.decodeShare, unit: '%', note: 'cache load, prompt building, IO, scoring' },
];
writeResults('eval', records);
