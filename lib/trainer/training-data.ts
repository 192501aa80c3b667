/**
 * The config's `datasets` -> training examples: read each RA-RFT annotation file, keep `max_records`, resolve video
 * paths against `video_root` (absolute paths in the file are kept), check every video before step 1 (probe + decode
 * plan, all bad ones reported at once: video-precheck.ts), take missing durations from those probes, and build the
 * answerable/refusable examples (lib/data, §4.1 with the §7 fixes). Errors name the file, the record and the field.
 * Spans the reader repaired or kept although suspicious (reversed, ending past the video) are reported once per file.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

import type { TrainConfig } from '../config/schema.js';
import { resolveDurations } from '../data/durations.js';
import { type TrainingExample, buildTrainingExamples } from '../data/examples.js';
import { readRaRftRecords } from '../data/readers/rarft-records.js';
import type { RaRftRecord } from '../data/types.js';
import { DataError } from '../errors.js';
import { spanWarning } from './span-warnings.js';
import { type ProbeFn, precheckVideos } from './video-precheck.js';
import { videoOptions } from './video-inputs.js';

export interface TrainingData {
  examples: TrainingExample[];
  records: RaRftRecord[];
}

export interface LoadTrainingDataOptions {
  /** Where the once-per-file span warnings go (default: nowhere). */
  log?: (line: string) => void;
  /** The video probe (tests); default probeVideo with the config's video settings. */
  probe?: ProbeFn;
}

type DataConfig = Pick<TrainConfig, 'datasets' | 'example_ratio' | 'refusable_pool_size'> & Partial<Pick<TrainConfig, 'video'>>;

export async function loadTrainingData(cfg: DataConfig, opts: LoadTrainingDataOptions = {}): Promise<TrainingData> {
  const records: RaRftRecord[] = [];
  const reversedPerFile = new Map<string, number>();
  for (const [i, ds] of cfg.datasets.entries()) {
    if (ds.format !== 'rarft')
      throw new DataError(
        `format "${ds.format}" has no refusable queries; GRPO training needs RA-RFT records (make them with \`rarft-data make-hi-vtg\`)`,
        { file: ds.path, field: `datasets[${i}].format` },
      );
    if (!existsSync(ds.path)) throw new DataError('annotation file not found', { file: ds.path, field: `datasets[${i}].path` });
    const read = readRaRftRecords(ds.path);
    let recs = read.records;
    if (ds.max_records !== null) recs = recs.slice(0, ds.max_records);
    reversedPerFile.set(ds.path, (reversedPerFile.get(ds.path) ?? 0) + read.report.reversed);
    for (const r of recs) records.push({ ...r, videoPath: isAbsolute(r.videoPath) ? r.videoPath : join(ds.video_root, r.videoPath) });
  }
  const video = cfg.video ? videoOptions(cfg.video) : {};
  const probes = await precheckVideos(records, video, opts.probe);
  const withDurations = await resolveDurations(records, async (p) => {
    const pr = probes.get(p)!;
    return pr.durationSec ?? pr.frameCount / pr.fps; // decord's length when the container states none
  });
  for (const [file, reversed] of reversedPerFile) {
    const line = spanWarning(file, reversed, withDurations.filter((r) => r.sourceFile === file));
    if (line) opts.log?.(line);
  }
  const { answerable, refusable } = cfg.example_ratio;
  const built = buildTrainingExamples(withDurations, { refusablePerAnswerable: refusable, poolSize: cfg.refusable_pool_size });
  // example_ratio.answerable copies of each answerable example (0 = refusals only)
  const examples = built.examples.flatMap((e): TrainingExample[] => (e.taskType === 'answerable' ? Array.from({ length: answerable }, () => e) : [e]));
  if (!examples.length) throw new DataError('no training examples', { field: 'datasets' });
  return { examples, records: withDurations };
}
