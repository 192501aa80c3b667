/**
 * `format` reward (spec §1.1): 1 if the stripped completion FULLY matches
 * `<think>.*?</think>\s*<answer>.*?</answer>\s*<correction>.*?</correction>` (DOTALL, case-sensitive), else 0.
 *
 * Python's `re.fullmatch` lets the lazy groups expand until the whole string is consumed, so the question is only
 * whether SOME split exists. `FULL_FORMAT` states it as an anchored regex (same acceptance as fullmatch), but a
 * backtracking engine needs cubic time on adversarial text (many repeated tag triples). `formatScore` therefore
 * decides the same question with a linear scan (earliest split first, which is optimal because each stage only
 * needs to start after the previous one ends); tests check both against each other and against CPython.
 */
import { PY_S, pyStrip, SPACE_UNITS } from './python-text.js';
import type { RewardFunction } from './types.js';

/** The reference pattern as an anchored JS regex (documentation and cross-check; `formatScore` does not use it). */
export const FULL_FORMAT = new RegExp(
  `^(?:<think>.*?</think>${PY_S}*<answer>.*?</answer>${PY_S}*<correction>.*?</correction>)$`,
  'su',
);

/**
 * End of the earliest `close \s* open` at or after `from` (index just past `open`), or -1. A whitespace run cannot
 * contain '<', so runs after different `close` tags are disjoint and the scan stays linear.
 */
function afterJoint(text: string, from: number, close: string, open: string): number {
  for (let at = text.indexOf(close, from); at >= 0; at = text.indexOf(close, at + 1)) {
    let k = at + close.length;
    while (k < text.length && SPACE_UNITS.has(text.charCodeAt(k))) k++;
    if (text.startsWith(open, k)) return k + open.length;
  }
  return -1;
}

/** 1 when one completion has the RA-RFT output structure, else 0. */
export function formatScore(completion: string): number {
  const text = pyStrip(completion);
  if (!text.startsWith('<think>') || !text.endsWith('</correction>')) return 0;
  const answerOpen = afterJoint(text, '<think>'.length, '</think>', '<answer>');
  if (answerOpen < 0) return 0;
  // The closing `</correction>` suffix cannot overlap a `<correction>` found here ('<' is only at offset 0 of
  // either tag), so finding the second joint is the last condition.
  return afterJoint(text, answerOpen, '</answer>', '<correction>') >= 0 ? 1 : 0;
}

export const formatReward: RewardFunction = {
  name: 'format',
  description: '1 if the completion is exactly <think>…</think> <answer>…</answer> <correction>…</correction>',
  score: (completions) => completions.map(formatScore),
};
