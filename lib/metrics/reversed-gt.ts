/**
 * Ground-truth spans given end-first ([end, start]) in a predictions file. The reference's IoU does not sort
 * intervals (interval-iou.ts, lengthUnionIoU), so such an item scores IoU 0 whatever the model answered; the scorer
 * keeps that for parity but says so, naming the items, since it is almost always an export bug in the file.
 */
import { usableGtSpan } from './item-score.js';
import type { PredictionItem } from './predictions.js';

export interface ReversedGt {
  index: number;
  span: readonly [number, number];
}

/** Relevant items whose usable GT span has start > end. */
export function reversedGtSpans(items: readonly PredictionItem[]): ReversedGt[] {
  const out: ReversedGt[] = [];
  items.forEach((item, index) => {
    const span = item.gt_relevant ? usableGtSpan(item.gt_timestamp) : null;
    if (span && span[0] > span[1]) out.push({ index, span });
  });
  return out;
}

/** One warning line for `file`, or null: the count, what the scorer does, and the first records. */
export function reversedGtWarning(file: string, reversed: readonly ReversedGt[]): string | null {
  if (!reversed.length) return null;
  const shown = reversed.slice(0, 5).map((r) => `record ${r.index} [${r.span[0]}, ${r.span[1]}]`);
  const more = reversed.length > shown.length ? `, … (${reversed.length - shown.length} more)` : '';
  return `warning: ${file}: ${reversed.length} relevant item(s) have a reversed ground-truth span (start > end) and score IoU 0, as in the reference: ${shown.join(', ')}${more}`;
}
