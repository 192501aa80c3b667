/**
 * The text rules shared by the training rewards (spec §1.0), with Python `re` semantics:
 * - answer / correction text = the LAST `<tag>(.*?)</tag>` block (DOTALL, case-sensitive), stripped; `null` when
 *   there is no block (Python None); an empty block gives "".
 * - timestamp = the FIRST `(\d+\.?\d*)\s+to\s+(\d+\.?\d*)` match (IGNORECASE) in the answer text.
 */
import { PY_D, PY_S, pyFloatOfDecimal, pyStrip } from './python-text.js';

const ANSWER_BLOCK = /<answer>(.*?)<\/answer>/gs;
const CORRECTION_BLOCK = /<correction>(.*?)<\/correction>/gs;
const TIMESTAMP = new RegExp(`(${PY_D}+\\.?${PY_D}*)${PY_S}+to${PY_S}+(${PY_D}+\\.?${PY_D}*)`, 'iu');

/** A predicted span as written, before any clipping; `start > end` is possible (a reversed answer). */
export interface TimestampSpan {
  readonly start: number;
  readonly end: number;
}

function lastBlock(pattern: RegExp, text: string): string | null {
  // Same scan as Python's re.findall: leftmost, non-overlapping, lazy body up to the first closing tag.
  let last: string | null = null;
  for (const match of text.matchAll(pattern)) last = match[1]!;
  return last === null ? null : pyStrip(last);
}

/** Content of the last `<answer>` block, stripped; null if there is none. */
export function extractAnswerText(text: string): string | null {
  return lastBlock(ANSWER_BLOCK, text);
}

/** Content of the last `<correction>` block, stripped; null if there is none. */
export function extractCorrectionText(text: string): string | null {
  return lastBlock(CORRECTION_BLOCK, text);
}

/** The first "S to E" span of an answer text; null if the detector does not fire. Signs are not captured. */
export function findTimestamp(answer: string): TimestampSpan | null {
  const match = TIMESTAMP.exec(answer);
  if (!match) return null;
  return { start: pyFloatOfDecimal(match[1]!), end: pyFloatOfDecimal(match[2]!) };
}
