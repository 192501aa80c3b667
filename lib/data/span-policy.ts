import { DataError } from '../errors.js';
import { warn } from './report.js';
import type { DatasetReport, Span, SpanPolicies } from './types.js';

/**
 * Float noise allowance when comparing a span with the duration: ActivityNet stores ends like 82.73000000000003 for a
 * duration of 82.73 (106 such in val_2), which are not defects. 1e-6 s reproduces the counts in SOURCES.md (1/5/29).
 */
export const DURATION_EPSILON = 1e-6;

export interface SpanContext {
  file: string;
  record: number | string;
  field: string;
}

/**
 * Applies the reversed-span and out-of-range policies to one GT span and counts what it saw in the report.
 * Returns null when the `drop` policy removes the item. Defaults (`keep`, `swap`) reproduce the reference: it keeps
 * ends past the duration (which feeds refuse_iou's negative-factor corner case, §7 item 8) and nobody in the reference
 * fixes reversed spans, but a reversed span has no meaningful IoU, so swap is the only sane default there.
 */
export function applySpanPolicies(
  span: Span,
  duration: number | null,
  policies: SpanPolicies,
  report: DatasetReport,
  where: SpanContext,
): Span | null {
  let [start, end] = span;
  if (!Number.isFinite(start) || !Number.isFinite(end)) {
    throw new DataError(`span [${start}, ${end}] is not a pair of finite numbers`, where);
  }
  if (start > end) {
    report.reversed++;
    const policy = policies.reversed ?? 'swap';
    if (policy === 'error') throw new DataError(`reversed span [${start}, ${end}] (start > end)`, where);
    if (policy === 'drop') {
      report.dropped++;
      warn(report, `${where.file} record ${where.record}: dropped reversed span [${start}, ${end}]`);
      return null;
    }
    report.swapped++;
    warn(report, `${where.file} record ${where.record}: swapped reversed span [${start}, ${end}]`);
    [start, end] = [end, start];
  }
  if (duration !== null) {
    if (start >= duration) report.startPastDuration++;
    if (end > duration + DURATION_EPSILON) {
      report.endPastDuration++;
      const policy = policies.outOfRange ?? 'keep';
      if (policy === 'error') {
        throw new DataError(`span [${start}, ${end}] ends after the video duration ${duration}`, where);
      }
      if (policy === 'clip') {
        report.clipped++;
        end = duration;
        start = Math.min(start, duration);
      }
    }
  }
  return [start, end];
}
