import { z } from 'zod';
import { DataError } from '../../errors.js';
import { readJsonFile } from '../json-file.js';
import { countItems, emptyReport, warn } from '../report.js';
import { applySpanPolicies } from '../span-policy.js';
import { answerableItem } from '../vtg-item.js';
import type { DatasetReport, Span, SpanPolicies, VtgItem } from '../types.js';
import { videoIdFromPath } from '../video-id.js';

/** One entry of Time-R1's TimeRFT training list (`train_2k5.json`): the probable source of RA-RFT's training set (§3.3). */
const EntrySchema = z.object({
  video: z.string().min(1),
  duration: z.number().positive(),
  timestamp: z.tuple([z.number(), z.number()]),
  sentence: z.string(),
  qid: z.string().optional(),
  video_start: z.number().nullable().optional(),
  video_end: z.number().nullable().optional(),
  difficulty: z.number().nullable().optional(),
});

export interface TimeR1TrainItem extends VtgItem {
  qid: string | null;
  /** The entry's `video_start`/`video_end`, kept for reference only (see readTimeR1Train). */
  clipFields: Span | null;
  /** Time-R1's difficulty score (0–100), not a refusal hardness. */
  difficultyScore: number | null;
}

export interface TimeR1TrainReadResult {
  items: TimeR1TrainItem[];
  report: DatasetReport;
}

/**
 * Reads Time-R1's train_2k5.json (2500 queries over 2475 videos). 665 entries carry `video_start`/`video_end`; their file
 * names embed the same times ("<id>_00:00:39:000_00:01:24:700.mp4") and `duration` equals the clip length, so the file
 * appears to be the cut clip and `timestamp` relative to it. RA-RFT ignores the two fields (rarft-reference §3.3); so
 * does this reader (`clip: null`), keeping them in `clipFields`. Not verifiable without the videos.
 */
export function readTimeR1Train(file: string, policies: SpanPolicies = {}): TimeR1TrainReadResult {
  const raw = readJsonFile(file);
  if (!Array.isArray(raw)) throw new DataError('expected a JSON array', { file });
  const report = emptyReport(file);
  const items: TimeR1TrainItem[] = [];
  let withClipFields = 0;
  raw.forEach((value, index) => {
    const parsed = EntrySchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DataError(issue?.message ?? 'invalid entry', { file, record: index, field: issue?.path.map(String).join('.') ?? '' });
    }
    const e = parsed.data;
    const span = applySpanPolicies(e.timestamp, e.duration, policies, report, { file, record: index, field: 'timestamp' });
    if (span === null) return;
    const clipFields: Span | null = e.video_start != null && e.video_end != null ? [e.video_start, e.video_end] : null;
    if (clipFields) withClipFields++;
    items.push({
      ...answerableItem({ videoId: videoIdFromPath(e.video), videoPath: e.video, query: e.sentence.trim(), duration: e.duration, span, recordIndex: index, itemIndex: 0, sourceFile: file }),
      qid: e.qid ?? null,
      clipFields,
      difficultyScore: e.difficulty ?? null,
    });
  });
  if (withClipFields) warn(report, `${file}: ${withClipFields} entries have video_start/video_end; ignored as in RA-RFT (clipFields keeps them)`);
  report.records = raw.length;
  countItems(report, items);
  return { items, report };
}
