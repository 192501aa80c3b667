import { z } from 'zod';
import { DataError } from '../../errors.js';
import { readJsonFile } from '../json-file.js';
import { countItems, emptyReport } from '../report.js';
import { applySpanPolicies } from '../span-policy.js';
import { answerableItem } from '../vtg-item.js';
import type { DatasetReport, SpanPolicies, VtgItem } from '../types.js';

/** `{vid: {duration, timestamps, sentences}}` (ActivityNet Captions val_1/val_2/train, and MMN's Charades json). */
const VideoSchema = z
  .object({
    duration: z.number().positive(),
    timestamps: z.array(z.tuple([z.number(), z.number()])),
    sentences: z.array(z.string()),
  })
  .refine((v) => v.timestamps.length === v.sentences.length, {
    message: 'timestamps and sentences have different lengths',
    path: ['sentences'],
  });

export interface ActivityNetReadResult {
  items: VtgItem[];
  report: DatasetReport;
}

/**
 * Reads ActivityNet Captions. A record is one video (record index = position in the object's key order, which is
 * file order); each sentence is an item. Sentences are trimmed: the files start most of them with a space.
 * Known defects: train has 2 reversed segments; val_1/val_2/train have ends past `duration`.
 */
export function readActivityNet(file: string, policies: SpanPolicies = {}): ActivityNetReadResult {
  const raw = readJsonFile(file);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new DataError('expected a JSON object {video_id: {duration, timestamps, sentences}}', { file });
  }
  const report = emptyReport(file);
  const items: VtgItem[] = [];
  const entries = Object.entries(raw as Record<string, unknown>);
  entries.forEach(([videoId, value], index) => {
    const parsed = VideoSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DataError(issue?.message ?? 'invalid video entry', {
        file,
        record: `${index} (${videoId})`,
        field: issue?.path.map(String).join('.') ?? '',
      });
    }
    const video = parsed.data;
    video.timestamps.forEach((timestamp, k) => {
      const span = applySpanPolicies(timestamp, video.duration, policies, report, {
        file,
        record: `${index} (${videoId})`,
        field: `timestamps.${k}`,
      });
      if (span === null) return;
      items.push(
        answerableItem({ videoId, videoPath: `${videoId}.mp4`, query: video.sentences[k]!.trim(), duration: video.duration, span, recordIndex: index, itemIndex: k, sourceFile: file }),
      );
    });
  });
  report.records = entries.length;
  countItems(report, items);
  return { items, report };
}
