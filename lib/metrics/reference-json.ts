/**
 * metrics.json text as the reference's eval script writes it (`json.dumps(indent=2, ensure_ascii=False)`): its counts
 * are Python ints, every other number a Python float (lib/util/python-json.ts), so a textual diff against a published
 * metrics.json shows only real differences. Our extra top-level blocks in `plainKeys` are written as JSON.stringify would.
 */
import { pythonJson } from '../util/python-json.js';

/** Number-valued keys the reference writes as Python ints (plus our `reasoning_count`, a count beside them). */
export const REFERENCE_INT_KEYS: ReadonlySet<string> = new Set([
  'num_items', 'TP', 'FP', 'FN', 'TN', 'total', 'count', 'sbert_count', 'correct', 'incorrect', 'reasoning_count',
]);

export function referenceMetricsJson(metrics: object, plainKeys: readonly string[] = []): string {
  return pythonJson(metrics, { intKeys: REFERENCE_INT_KEYS, plainKeys });
}
