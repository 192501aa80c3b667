/**
 * `rarft-eval run` (benchmark inference + scoring, resumable, shardable) and `rarft-eval merge` (joins shard folders
 * and scores them). The work is in lib/eval; this file maps flags to options.
 */
import { Command, Option } from 'commander';
import { BENCHMARKS, type Benchmark, mergeRuns, parseShard, runEval, type Shard } from '../eval/index.js';
import { addModelOptions, decodingFrom, type ModelFlags } from '../infer/cli-flags.js';
import { positiveInt, positiveNumber } from '../util/cli-args.js';
import type { VideoPreprocessOptions } from '../video/index.js';

interface RunFlags extends ModelFlags {
  benchmark: Benchmark;
  annotations: string;
  videos: string;
  out: string;
  batchSize: number;
  shard?: Shard;
  cache: string | false;
  limit?: number;
  score: boolean;
  referenceBehaviour: boolean;
  numSplits: number;
  durationsCsv?: string;
  tvgbenchFile?: string;
  fps?: number;
  totalPixels?: number;
  maxPixels?: number;
}

const REFERENCE_BEHAVIOUR_HELP =
  "refusal-aware scoring: reproduce the reference's numbers where ours differ on purpose (hardness from hardness_level only, label tables over the 11 taxonomy labels); see `rarft-eval score --help`";
const NUM_SPLITS_HELP = 'refusal-aware scoring: RT-IoU split/merge chunks as the reference (1 = plain mean)';

export function evalRunCommand(): Command {
  const c = new Command('run')
    .description('answer every query of a benchmark with a checkpoint (batched per video, resumable, shardable), then score')
    .addOption(new Option('--benchmark <name>', 'benchmark kind of the annotation file').choices([...BENCHMARKS]).makeOptionMandatory())
    .requiredOption('--annotations <file>', 'annotation file (Charades-STA txt, ActivityNet json, TVGBench json, RA-RFT anno json)')
    .requiredOption('--videos <dir>', 'folder holding the videos (searched recursively by path, file name, then video id)')
    .option('--out <dir>', 'run folder: predictions.jsonl, missing.json, metrics.json, metrics.md, report.html (refusal-aware: also inference_results_merged.json)', 'runs/eval')
    .option('--batch-size <n>', 'queries of one video per generate call', positiveInt, 8)
    .option('--shard <i/n>', 'answer only the i-th of n contiguous record slices (0-based); join with `rarft-eval merge`', parseShard)
    .option('--cache <dir>', 'video cache folder (default <out>/video-cache)')
    .option('--no-cache', 'decode videos without the on-disk cache')
    .option('--limit <n>', 'only the first n items (smoke runs)', positiveInt)
    .option('--no-score', 'answer only; do not write metrics (shards that are merged later)')
    .option('--reference-behaviour', REFERENCE_BEHAVIOUR_HELP, false)
    .option('--num-splits <n>', NUM_SPLITS_HELP, positiveInt, 1)
    .option('--durations-csv <file>', 'Charades-STA: Charades_v1_test.csv (durations; optional)')
    .option('--tvgbench-file <file>', "HI-VTG on TVGBench: Time-R1's tvgbench.json to fix the GT end-time defect (§3.4)")
    .option('--fps <n>', 'video sampling fps (default Time-R1: 2)', positiveNumber)
    .option('--total-pixels <n>', 'video pixel budget (default Time-R1: 3584*28*28)', positiveInt)
    .option('--max-pixels <n>', 'per-frame pixel cap (can only lower the budget)', positiveInt);
  addModelOptions(
    c,
    'prompt template (default: timer1 for charades-sta/activitynet/tvgbench, inference for hi-vtg/ss-vtg/human)',
    '1024 with the timer1 template as Time-R1\'s test.sh, else 512 as RA-RFT\'s inference.py',
  );
  return c.action(async (f: RunFlags) => {
    const videoSettings: VideoPreprocessOptions = {
      ...(f.fps !== undefined ? { fps: f.fps } : {}),
      ...(f.totalPixels !== undefined ? { totalPixels: f.totalPixels } : {}),
      ...(f.maxPixels !== undefined ? { maxPixels: f.maxPixels } : {}),
    };
    const r = await runEval({
      model: f.model,
      benchmark: f.benchmark,
      annotations: f.annotations,
      videos: f.videos,
      out: f.out,
      ...(f.template ? { template: f.template } : {}),
      decoding: decodingFrom(f),
      batchSize: f.batchSize,
      shard: f.shard ?? null,
      // commander: --no-cache gives false, --cache DIR a string, neither `true` (default folder).
      cacheDir: f.cache === false ? null : typeof f.cache === 'string' ? f.cache : undefined,
      videoSettings,
      ...(f.dtype ? { dtype: f.dtype } : {}),
      device: f.device,
      ...(f.limit !== undefined ? { limit: f.limit } : {}),
      score: f.score,
      scoring: { referenceBehaviour: f.referenceBehaviour, numSplits: f.numSplits },
      ...(f.durationsCsv ? { durationsCsv: f.durationsCsv } : {}),
      ...(f.tvgbenchFile ? { tvgbenchFile: f.tvgbenchFile } : {}),
    });
    if (r.stats.missing > 0) process.exitCode = 3;
  });
}

export function mergeCommand(): Command {
  return new Command('merge')
    .description('join the folders of `rarft-eval run --shard i/n` (all n shards) into one run folder and score it')
    .requiredOption('--out <dir>', 'merged run folder')
    .argument('<shard-dirs...>', 'the shard run folders')
    .option('--no-score', 'merge only')
    .option('--reference-behaviour', REFERENCE_BEHAVIOUR_HELP, false)
    .option('--num-splits <n>', NUM_SPLITS_HELP, positiveInt, 1)
    .option('--durations-csv <file>', 'Charades-STA: Charades_v1_test.csv')
    .option('--tvgbench-file <file>', "HI-VTG on TVGBench: Time-R1's tvgbench.json (as given to the shards)")
    .action((shards: string[], f: { out: string; score: boolean; referenceBehaviour: boolean; numSplits: number; durationsCsv?: string; tvgbenchFile?: string }) => {
      mergeRuns({
        shards,
        out: f.out,
        score: f.score,
        scoring: { referenceBehaviour: f.referenceBehaviour, numSplits: f.numSplits },
        ...(f.durationsCsv ? { durationsCsv: f.durationsCsv } : {}),
        ...(f.tvgbenchFile ? { tvgbenchFile: f.tvgbenchFile } : {}),
      });
    });
}
