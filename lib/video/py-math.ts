/**
 * Python's rounding helpers as qwen-vl-utils uses them. Python's `round` is half-to-even ("banker's"), and JS's
 * Math.round is half-up, so smart_resize(70, ...) would give 84 instead of 56 with the naive port (spec §5.2).
 */

/** Python 3 `round(x)` for a double: nearest integer, ties to even. */
export function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** qwen-vl-utils `round_by_factor`: the multiple of `factor` nearest to x (ties to even multiples). */
export function roundByFactor(x: number, factor: number): number {
  return pyRound(x / factor) * factor;
}

/** qwen-vl-utils `ceil_by_factor`. */
export function ceilByFactor(x: number, factor: number): number {
  return Math.ceil(x / factor) * factor;
}

/** qwen-vl-utils `floor_by_factor`. */
export function floorByFactor(x: number, factor: number): number {
  return Math.floor(x / factor) * factor;
}
