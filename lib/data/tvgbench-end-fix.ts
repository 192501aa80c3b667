import { formatSpanAnswer } from './answer-text.js';
import { parseTvgbenchAnswer, readTvgbenchEntries, type TvgbenchEntry } from './readers/tvgbench.js';
import { warn } from './report.js';
import type { DatasetReport, RaRftRecord } from './types.js';
import { videoIdFromPath } from './video-id.js';

/** Seconds; the HI files store spans with two decimals. */
const TOLERANCE = 0.011;

/**
 * HI-TVGBench end-time bug (rarft-reference §3.4 item 1): for TVGBench queries defined on a clip, the record's
 * timestamp is [clip_start + rel_start, clip_end + rel_end] instead of [clip_start + rel_start, clip_start + rel_end].
 * The files drop the clip bounds, so the whole video is used and only the corrected absolute span is consistent.
 *
 * Records are matched to Time-R1's tvgbench.json by (video file stem, trimmed query). One (video, query) pair occurs
 * twice in TVGBench with different spans (TACoS s33-d50 "The person gets out an egg cup."); the candidate whose
 * absolute start equals the record's start is used. A record is corrected only when its end equals the buggy value,
 * so applying the fix to already-corrected data changes nothing. Answerable items' `<answer>S to E</answer>` text is
 * regenerated from the corrected span.
 */
export function fixTvgbenchEndTimes(records: RaRftRecord[], tvgbenchFile: string, report: DatasetReport): RaRftRecord[] {
  const byKey = new Map<string, TvgbenchEntry[]>();
  for (const entry of readTvgbenchEntries(tvgbenchFile)) {
    const key = matchKey(entry.path, entry.question);
    const list = byKey.get(key);
    if (list) list.push(entry);
    else byKey.set(key, [entry]);
  }
  return records.map((record) => {
    if (record.span === null) return record;
    const candidates = byKey.get(matchKey(record.videoPath, record.queryText));
    if (!candidates) {
      warn(report, `${record.sourceFile} record ${record.recordIndex}: no TVGBench entry for this video and query; end time not checked`);
      return record;
    }
    const [start, end] = record.span;
    const entry = closestByStart(candidates, start);
    if (entry.start === null || entry.end === null) return record;
    const [relStart, relEnd] = parseTvgbenchAnswer(entry.answer);
    const buggyEnd = entry.end + relEnd;
    const correctEnd = entry.start + relEnd;
    if (Math.abs(start - (entry.start + relStart)) > TOLERANCE || Math.abs(end - buggyEnd) > TOLERANCE) {
      if (Math.abs(end - correctEnd) > TOLERANCE) {
        warn(report, `${record.sourceFile} record ${record.recordIndex}: span [${start}, ${end}] matches neither the buggy nor the correct TVGBench span`);
      }
      return record;
    }
    report.tvgbenchEndFixed++;
    const fixedEnd = round2(correctEnd);
    return {
      ...record,
      span: [start, fixedEnd] as const,
      items: record.items.map((item) => (item.relevant ? { ...item, answer: formatSpanAnswer(start, fixedEnd) } : item)),
    };
  });
}

function matchKey(path: string, query: string): string {
  return `${videoIdFromPath(path)}\u0000${query.trim()}`;
}

function closestByStart(candidates: TvgbenchEntry[], start: number): TvgbenchEntry {
  const absStart = (e: TvgbenchEntry) => (e.start ?? 0) + parseTvgbenchAnswer(e.answer)[0];
  return candidates.reduce((best, e) => (Math.abs(absStart(e) - start) < Math.abs(absStart(best) - start) ? e : best));
}

/** The HI files store two decimals; keep the corrected end in the same precision. */
function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
