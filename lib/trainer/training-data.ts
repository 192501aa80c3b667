/**
 * The config's `datasets` -> training examples: read each RA-RFT annotation file, keep `max_records`, resolve video
 * paths against `video_root` (absolute paths in the file are kept), check every video exists before step 1 (a missing
 * file would otherwise stop the run hours in), probe missing durations, and build the answerable/refusable examples
 * (lib/data, §4.1 with the §7 fixes). Errors name the file, the record and the field.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

import type { TrainConfig } from '../config/schema.js';
import { resolveDurations } from '../data/durations.js';
import { type TrainingExample, buildTrainingExamples } from '../data/examples.js';
import { readRaRftRecords } from '../data/readers/rarft-records.js';
import type { RaRftRecord } from '../data/types.js';
import { DataError } from '../errors.js';
import { probeVideo } from '../video/probe.js';

export interface TrainingData {
  examples: TrainingExample[];
  records: RaRftRecord[];
}

export async function loadTrainingData(cfg: Pick<TrainConfig, 'datasets' | 'example_ratio' | 'refusable_pool_size'>): Promise<TrainingData> {
  const records: RaRftRecord[] = [];
  for (const [i, ds] of cfg.datasets.entries()) {
    if (ds.format !== 'rarft')
      throw new DataError(
        `format "${ds.format}" has no refusable queries; GRPO training needs RA-RFT records (make them with \`rarft-data make-hi-vtg\`)`,
        { file: ds.path, field: `datasets[${i}].format` },
      );
    if (!existsSync(ds.path)) throw new DataError('annotation file not found', { file: ds.path, field: `datasets[${i}].path` });
    let recs = readRaRftRecords(ds.path).records;
    if (ds.max_records !== null) recs = recs.slice(0, ds.max_records);
    for (const r of recs) {
      const full = isAbsolute(r.videoPath) ? r.videoPath : join(ds.video_root, r.videoPath);
      if (!existsSync(full)) throw new DataError(`video not found: ${full}`, { file: ds.path, record: r.recordIndex, field: 'video' });
      records.push({ ...r, videoPath: full });
    }
  }
  const withDurations = await resolveDurations(records, async (p) => {
    const pr = await probeVideo(p);
    return pr.durationSec ?? pr.frameCount / pr.fps; // decord's length when the container states none
  });
  const { answerable, refusable } = cfg.example_ratio;
  const built = buildTrainingExamples(withDurations, { refusablePerAnswerable: refusable, poolSize: cfg.refusable_pool_size });
  // example_ratio.answerable copies of each answerable example (0 = refusals only)
  const examples = built.examples.flatMap((e): TrainingExample[] => (e.taskType === 'answerable' ? Array.from({ length: answerable }, () => e) : [e]));
  if (!examples.length) throw new DataError('no training examples', { field: 'datasets' });
  return { examples, records: withDurations };
}
