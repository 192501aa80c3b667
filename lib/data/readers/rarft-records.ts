import { z } from 'zod';
import { DataError } from '../../errors.js';
import { formatSpanAnswer, parseGtAnswer } from '../answer-text.js';
import { isTaxonomyPath } from '../categories.js';
import { hardnessFromDifficulty } from '../hardness.js';
import { readJsonFile } from '../json-file.js';
import { countItems, emptyReport, warn } from '../report.js';
import { applySpanPolicies } from '../span-policy.js';
import { fixTvgbenchEndTimes } from '../tvgbench-end-fix.js';
import type { DatasetReport, RaRftQueryItem, RaRftRecord, SpanPolicies, VtgItem } from '../types.js';
import { videoIdFromPath } from '../video-id.js';

/** One GRPO query item (rarft-reference §3.1). Unknown keys (`class`, …) are allowed and ignored. */
const QueryItemSchema = z.object({
  q: z.string(),
  a: z.string(),
  r: z.boolean(),
  c: z.array(z.string()).optional(),
  difficulty: z.string().nullable().optional(),
  q_origin: z.string().optional(),
});

/** TVGBench files only: a captioning prompt for the GT span and the original query with its 1/2/3-edit variants. */
const ProSchema = z.object({
  prompt: z.string(),
  answer: z.object({
    original: z.string(),
    ir_hard: z.string().optional(),
    ir_mid: z.string().optional(),
    ir_easy: z.string().optional(),
  }),
});

/**
 * One record. `timestamp` is [s, e] or [] (SS-Charades records with refusables only); `duration` is absent in the
 * TVGBench and QVHighlights files. `PRO`, `think`, and the always-null record-level keys are not used.
 */
const RecordSchema = z.object({
  video: z.string().min(1),
  query_text: z.string(),
  timestamp: z.union([z.tuple([z.number(), z.number()]), z.tuple([])]),
  duration: z.number().positive().nullable().optional(),
  GRPO: z.array(QueryItemSchema).min(1),
  PRO: ProSchema.optional(),
});

export interface RaRftReadOptions extends SpanPolicies {
  /**
   * Correct the HI-TVGBench end-time bug (rarft-reference §3.4 item 1) from Time-R1's tvgbench.json, given here.
   * Only records whose TVGBench query is defined on a clip change (252 of 800 in hi_vtg_tvgbench.json).
   */
  fixTvgbenchEndTime?: { tvgbenchFile: string };
}

export interface RaRftReadResult {
  records: RaRftRecord[];
  /** Every GRPO item flattened in file order (record, then item). */
  items: VtgItem[];
  report: DatasetReport;
}

/** Reads an RA-RFT annotation file (`dataset/anno/*.json`: HI-VTG, human-anno, SS-VTG). */
export function readRaRftRecords(file: string, options: RaRftReadOptions = {}): RaRftReadResult {
  const raw = readJsonFile(file);
  if (!Array.isArray(raw)) throw new DataError('expected a JSON array of records', { file });
  const report = emptyReport(file);
  let records = raw.map((value, index) => parseRecord(value, index, file, report));
  if (options.fixTvgbenchEndTime) records = fixTvgbenchEndTimes(records, options.fixTvgbenchEndTime.tvgbenchFile, report);
  records = records.map((record) => applyRecordSpanPolicies(record, options, report)).filter((r) => r !== null);
  report.records = records.length;
  const items = records.flatMap(recordToItems);
  countItems(report, items);
  return { records, items, report };
}

function parseRecord(value: unknown, index: number, file: string, report: DatasetReport): RaRftRecord {
  const parsed = RecordSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') ?? '';
    throw new DataError(issue?.message ?? 'invalid record', { file, record: index, ...(field ? { field } : {}) });
  }
  const rec = parsed.data;
  const span = rec.timestamp.length === 2 ? ([rec.timestamp[0], rec.timestamp[1]] as const) : null;
  const duration = rec.duration ?? null;
  if (duration === null) report.missingDuration++;
  const items = rec.GRPO.map((item, k) => parseQueryItem(item, k, index, file, report));
  if (span === null && items.some((i) => i.relevant)) {
    throw new DataError('record has an answerable item but an empty timestamp', { file, record: index, field: 'timestamp' });
  }
  return {
    videoId: videoIdFromPath(rec.video),
    videoPath: rec.video,
    queryText: rec.query_text,
    span,
    duration,
    needsProbe: duration === null,
    items,
    pro: rec.PRO
      ? {
          prompt: rec.PRO.prompt,
          original: rec.PRO.answer.original,
          variants: {
            strong: rec.PRO.answer.ir_hard ?? null,
            moderate: rec.PRO.answer.ir_mid ?? null,
            weak: rec.PRO.answer.ir_easy ?? null,
          },
        }
      : null,
    recordIndex: index,
    sourceFile: file,
  };
}

function parseQueryItem(
  item: z.infer<typeof QueryItemSchema>,
  k: number,
  index: number,
  file: string,
  report: DatasetReport,
): RaRftQueryItem {
  const hardness = hardnessFromDifficulty(item.difficulty);
  if (hardness === undefined) {
    throw new DataError(`unknown difficulty "${item.difficulty}" (expected original/easy/medium/hard)`, {
      file,
      record: index,
      field: `GRPO.${k}.difficulty`,
    });
  }
  const where = `${file} record ${index} GRPO.${k}`;
  if (item.a.trim() === '') {
    if (item.r) report.emptyAnswerableAnswer++;
    else report.emptyRefusableAnswer++;
  }
  const parsedAnswer = parseGtAnswer(item.a);
  if (!parsedAnswer.tagged && item.a.trim() !== '') report.untaggedAnswers++;
  if (parsedAnswer.malformed) report.malformedAnswers++;
  if (parsedAnswer.malformed) warn(report, `${where}: malformed answer tags (<answer> not closed by </answer>)`);
  const categories = item.c ?? [];
  for (const c of categories) {
    if (!isTaxonomyPath(c)) {
      report.invalidCategories++;
      warn(report, `${where}: category "${c}" is not in the 11-path taxonomy`);
    }
  }
  const queryOrigin = item.q_origin !== undefined && item.q_origin !== item.q ? item.q_origin : null;
  if (queryOrigin !== null) {
    report.truncatedQueries++;
    warn(report, `${where}: query "${item.q}" is truncated; q_origin is "${queryOrigin}"`);
  }
  return {
    query: item.q,
    queryOrigin,
    answer: item.a,
    correction: parsedAnswer.correction,
    relevant: item.r,
    categories,
    hardness,
  };
}

function applyRecordSpanPolicies(record: RaRftRecord, options: SpanPolicies, report: DatasetReport): RaRftRecord | null {
  if (record.span === null) return record;
  const span = applySpanPolicies(record.span, record.duration, options, report, {
    file: record.sourceFile,
    record: record.recordIndex,
    field: 'timestamp',
  });
  if (span === null) return null;
  if (span[0] === record.span[0] && span[1] === record.span[1]) return record;
  // A clipped span: answerable items that carry the reference's "<answer>S to E</answer>" text follow the new span.
  const before = formatSpanAnswer(record.span[0], record.span[1]);
  const after = formatSpanAnswer(span[0], span[1]);
  return { ...record, span, items: record.items.map((i) => (i.relevant && i.answer === before ? { ...i, answer: after } : i)) };
}

export function recordToItems(record: RaRftRecord): VtgItem[] {
  return record.items.map((item, k) => ({
    videoId: record.videoId,
    videoPath: record.videoPath,
    query: item.query,
    duration: record.duration,
    needsProbe: record.needsProbe,
    span: item.relevant ? record.span : null,
    clip: null,
    relevant: item.relevant,
    answer: item.answer,
    correction: item.correction,
    categories: item.categories,
    hardness: item.hardness,
    recordIndex: record.recordIndex,
    itemIndex: k,
    sourceFile: record.sourceFile,
  }));
}
