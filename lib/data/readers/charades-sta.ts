import { DataError } from '../../errors.js';
import { CsvSyntaxError, parseCsvWithHeader } from '../csv.js';
import { readTextFile } from '../json-file.js';
import { countItems, emptyReport, warn } from '../report.js';
import { applySpanPolicies } from '../span-policy.js';
import { answerableItem } from '../vtg-item.js';
import type { DatasetReport, SpanPolicies, VtgItem } from '../types.js';

/** Video id -> duration in seconds, from the Charades_v1 csv `length` column. */
export function readCharadesDurations(csvFile: string): Map<string, number> {
  let parsed: ReturnType<typeof parseCsvWithHeader>;
  try {
    parsed = parseCsvWithHeader(readTextFile(csvFile));
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new DataError(err.message, { file: csvFile, record: `line ${err.line}` });
    throw err;
  }
  for (const column of ['id', 'length']) {
    if (!parsed.header.includes(column)) throw new DataError(`missing column "${column}"`, { file: csvFile, field: column });
  }
  const durations = new Map<string, number>();
  parsed.rows.forEach((row, index) => {
    const length = Number(row['length']);
    if (!(row['length'] !== '' && Number.isFinite(length) && length > 0)) {
      throw new DataError(`length "${row['length']}" is not a positive number`, { file: csvFile, record: index, field: 'length' });
    }
    durations.set(row['id']!, length);
  });
  return durations;
}

export interface CharadesStaReadOptions extends SpanPolicies {
  /** Charades_v1_{train,test}.csv; without it every duration is null and `needsProbe` is set. */
  durationsCsv?: string;
}

export interface CharadesStaReadResult {
  items: VtgItem[];
  report: DatasetReport;
}

const LINE = /^(\S+) (\S+) (\S+)##(.*)$/;

/**
 * Reads Charades-STA `VID start end##sentence` lines (one query per line; record index = 0-based line number).
 * The test split has 562/3720 ends past the csv length; the train split has 4 reversed rows (swapped by default).
 */
export function readCharadesSta(file: string, options: CharadesStaReadOptions = {}): CharadesStaReadResult {
  const report = emptyReport(file);
  const durations = options.durationsCsv ? readCharadesDurations(options.durationsCsv) : null;
  const lines = readTextFile(file).split(/\r?\n/);
  const items: VtgItem[] = [];
  let records = 0;
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    records++;
    const m = LINE.exec(line);
    if (!m) throw new DataError(`expected "VID start end##sentence", got "${line.slice(0, 80)}"`, { file, record: index });
    const [, videoId, startText, endText, sentence] = m as unknown as [string, string, string, string, string];
    const start = Number(startText);
    const end = Number(endText);
    if (!Number.isFinite(start)) throw new DataError(`start "${startText}" is not a number`, { file, record: index, field: 'start' });
    if (!Number.isFinite(end)) throw new DataError(`end "${endText}" is not a number`, { file, record: index, field: 'end' });
    const duration = durations?.get(videoId) ?? null;
    if (duration === null) {
      report.missingDuration++;
      if (durations) warn(report, `${file} line ${index + 1}: video ${videoId} is not in ${options.durationsCsv}`);
    }
    const span = applySpanPolicies([start, end], duration, options, report, { file, record: index, field: 'end' });
    if (span === null) return;
    items.push(answerableItem({ videoId, videoPath: `${videoId}.mp4`, query: sentence.trim(), duration, span, recordIndex: index, itemIndex: 0, sourceFile: file }));
  });
  report.records = records;
  countItems(report, items);
  return { items, report };
}
