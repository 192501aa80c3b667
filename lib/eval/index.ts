/** `rarft-eval run` / `merge`: batched, resumable, shardable benchmark inference and scoring. */
export { BENCHMARKS, metricKind, defaultTemplate, readBenchmark, type Benchmark, type MetricKind, type EvalItem, type ReadBenchmarkOptions } from './benchmarks.js';
export { parseShard, shardItems, type Shard } from './shard.js';
export { VideoIndex, VIDEO_EXTENSIONS } from './video-resolve.js';
export { toPrediction, type EvalPrediction } from './prediction-record.js';
export { PredictionsLog, readPredictionLog } from './predictions-log.js';
export { readManifest, type RunManifest } from './run-manifest.js';
export { readMissing, summariseMissing, type MissingItem, type MissingSummary } from './missing-videos.js';
export { scoreVtgRun, type VtgItemScore, type VtgRunMetrics } from './score-vtg.js';
export { scoreRun, type ScoreRunResult, type RunCoverage, type RunScoringOptions } from './score-run.js';
export { REFERENCE_PREDICTIONS_FILE, toReferenceItem, writeReferencePredictions, type ReferencePredictionItem } from './reference-predictions.js';
export { htmlReport } from './html-report.js';
export { runEval, type EvalRunOptions, type EvalRunStats } from './run-eval.js';
export { mergeRuns, type MergeOptions } from './merge-runs.js';
