/**
 * Suspicious ground-truth spans in training data are kept as the reference keeps them, but never silently: one line
 * per annotation file says how many there were and what was done. The reference (rarft-reference §7 item 8)
 * does not clip ends past the video (refuse_iou's boundary factors then go negative, a documented corner case), and
 * the reader swaps reversed spans (its default `reversed: swap` policy, lib/data/span-policy.ts) since a reversed
 * span has no meaningful IoU.
 */
import { DURATION_EPSILON } from '../data/span-policy.js';
import type { RaRftRecord } from '../data/types.js';

/**
 * The warning for one annotation file, or null when nothing is suspicious. `reversed`: the reader's count of swapped
 * spans in the file; `records`: the file's records used for training, with their durations resolved.
 */
export function spanWarning(file: string, reversed: number, records: readonly RaRftRecord[]): string | null {
  const past = records.filter((r) => r.span !== null && r.duration !== null && r.span[1] > r.duration + DURATION_EPSILON);
  const parts: string[] = [];
  if (reversed) parts.push(`${reversed} reversed span(s) (start > end) were swapped`);
  if (past.length) {
    const worst = past.reduce((a, r) => (r.span![1] - r.duration! > a.span![1] - a.duration! ? r : a));
    parts.push(
      `${past.length} span(s) end after the video's duration and are kept unclipped, as the reference does (rarft-reference §7 item 8; ` +
        `largest: record ${worst.recordIndex}, [${worst.span![0]}, ${worst.span![1]}] in ${worst.duration} s)`,
    );
  }
  return parts.length ? `warning: ${file}: ${parts.join('; ')}` : null;
}
