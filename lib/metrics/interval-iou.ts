/**
 * The two interval IoUs used by the evaluators. They agree for well-formed overlapping intervals but differ on disjoint
 * or degenerate ones, and each evaluator must use its own for parity (spec §5.2 vs §5.4).
 */
export type Span = readonly [number, number];

/**
 * Time-R1 `eval_all.py` IoU: intersection over the hull of both intervals, no clipping. A missing prediction scores 0.
 * A zero-length hull (both intervals the same single point) would divide by zero in Python; we return 0.
 */
export function hullIoU(pred: Span | null, gt: Span): number {
  if (!pred) return 0;
  const inter = Math.max(0, Math.min(pred[1], gt[1]) - Math.max(pred[0], gt[0]));
  const hull = Math.max(0, Math.max(pred[1], gt[1]) - Math.min(pred[0], gt[0]));
  return hull > 0 ? inter / hull : 0;
}

/**
 * RA-RFT evaluator IoU (`processor.py`): union = len(a) + len(b) − inter, floored at 0; 0 when the union is 0.
 * Intervals are not sorted, so a reversed span has a negative length, exactly as in the reference.
 */
export function lengthUnionIoU(a: Span, b: Span): number {
  const inter = Math.max(0, Math.min(a[1], b[1]) - Math.max(a[0], b[0]));
  const union = Math.max(0, a[1] - a[0] + (b[1] - b[0]) - inter);
  return union > 0 ? inter / union : 0;
}

/** A value is a usable span when it is a 2-element array of finite numbers. */
export function asSpan(value: unknown): Span | null {
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [s, e] = value as unknown[];
  if (typeof s !== 'number' || typeof e !== 'number' || !Number.isFinite(s) || !Number.isFinite(e)) return null;
  return [s, e];
}
