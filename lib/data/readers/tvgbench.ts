import { z } from 'zod';
import { DataError } from '../../errors.js';
import { readJsonFile } from '../json-file.js';
import { countItems, emptyReport } from '../report.js';
import { applySpanPolicies } from '../span-policy.js';
import { answerableItem } from '../vtg-item.js';
import type { DatasetReport, Span, SpanPolicies, VtgItem } from '../types.js';
import { videoIdFromPath } from '../video-id.js';

/**
 * One entry of Time-R1's tvgbench.json. The clip bounds are the keys `start`/`end` (null for whole-video queries;
 * set for 252 entries: all Ego4D-NLQ, some HiREST and ANet); `answer` is "s-e" relative to the clip start;
 * `duration` is the clip length when there is a clip, the video length otherwise.
 */
const EntrySchema = z.object({
  path: z.string().min(1),
  question: z.string(),
  answer: z.string().regex(/^\d+(\.\d+)?(e-?\d+)?-\d+(\.\d+)?(e-?\d+)?$/, 'expected "start-end" in seconds'),
  start: z.number().nullable(),
  end: z.number().nullable(),
  duration: z.number().positive(),
  qsemtype: z.string(),
  source: z.string(),
  dataset_name: z.string().optional(),
});

export type TvgbenchEntry = z.infer<typeof EntrySchema>;

export interface TvgbenchItem extends VtgItem {
  /** Query semantic type (11 kinds: "Human Action (Simple)", "Object Counting", …). */
  qsemtype: string;
  /** Source benchmark from the `source` file name: charades, anet, tacos, egonlq, hirest. */
  sourceDataset: string;
  /** The span in seconds of the full video file (clip start added). */
  absoluteSpan: Span;
}

/** Parses and validates the raw entries (also used by the HI-TVGBench end-time fix). */
export function readTvgbenchEntries(file: string): TvgbenchEntry[] {
  const raw = readJsonFile(file);
  if (!Array.isArray(raw)) throw new DataError('expected a JSON array', { file });
  return raw.map((value, index) => {
    const parsed = EntrySchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DataError(issue?.message ?? 'invalid entry', { file, record: index, field: issue?.path.map(String).join('.') ?? '' });
    }
    if ((parsed.data.start === null) !== (parsed.data.end === null)) {
      throw new DataError('clip bounds must be both null or both numbers', { file, record: index, field: 'start' });
    }
    return parsed.data;
  });
}

export function parseTvgbenchAnswer(answer: string): Span {
  // The answer regex has no sign, so the separating '-' is the first '-' not inside an exponent.
  const m = /^([\d.]+(?:e-?\d+)?)-([\d.]+(?:e-?\d+)?)$/.exec(answer);
  if (!m) throw new Error(`bad TVGBench answer "${answer}"`);
  return [Number(m[1]), Number(m[2])];
}

/** Maps the `source` path to a short benchmark name. */
function sourceDataset(source: string): string {
  const name = source.split('/').pop() ?? source;
  if (/charades/i.test(name)) return 'charades';
  if (/anet/i.test(name)) return 'anet';
  if (/tacos/i.test(name)) return 'tacos';
  if (/nlq/i.test(name)) return 'egonlq';
  if (/hirest/i.test(name)) return 'hirest';
  return name;
}

export interface TvgbenchReadResult {
  items: TvgbenchItem[];
  report: DatasetReport;
}

/**
 * Reads TVGBench. Spans are kept relative to the clip (what the model sees when the video reader honours the clip,
 * as Time-R1 does); `duration` is the clip length for clip entries. 27 entries end past `duration`.
 */
export function readTvgbench(file: string, policies: SpanPolicies = {}): TvgbenchReadResult {
  const report = emptyReport(file);
  const entries = readTvgbenchEntries(file);
  const items: TvgbenchItem[] = [];
  entries.forEach((entry, index) => {
    const clip: Span | null = entry.start !== null && entry.end !== null ? [entry.start, entry.end] : null;
    const span = applySpanPolicies(parseTvgbenchAnswer(entry.answer), entry.duration, policies, report, {
      file,
      record: index,
      field: 'answer',
    });
    if (span === null) return;
    const offset = clip ? clip[0] : 0;
    items.push({
      ...answerableItem({ videoId: videoIdFromPath(entry.path), videoPath: entry.path, query: entry.question, duration: entry.duration, span, clip, answer: entry.answer, recordIndex: index, itemIndex: 0, sourceFile: file }),
      qsemtype: entry.qsemtype,
      sourceDataset: sourceDataset(entry.source),
      absoluteSpan: [span[0] + offset, span[1] + offset],
    });
  });
  report.records = entries.length;
  countItems(report, items);
  return { items, report };
}
