/**
 * `format` reward (spec §1.1): 1 if the stripped completion FULLY matches
 * `<think>.*?</think>\s*<answer>.*?</answer>\s*<correction>.*?</correction>` (DOTALL, case-sensitive), else 0.
 *
 * Python's `re.fullmatch` lets the lazy groups expand until the whole string is consumed; an anchored JS regex
 * backtracks the same way, so `^(?:…)$` (no `m` flag: `$` is end of input only) accepts exactly the same strings.
 * `\s` is Python's whitespace set, and the strip is Python's `str.strip()`.
 */
import { PY_S, pyStrip } from './python-text.js';
import type { RewardFunction } from './types.js';

const FULL_FORMAT = new RegExp(
  `^(?:<think>.*?</think>${PY_S}*<answer>.*?</answer>${PY_S}*<correction>.*?</correction>)$`,
  'su',
);

/** 1 when one completion has the RA-RFT output structure, else 0. */
export function formatScore(completion: string): number {
  return FULL_FORMAT.test(pyStrip(completion)) ? 1 : 0;
}

export const formatReward: RewardFunction = {
  name: 'format',
  description: '1 if the completion is exactly <think>…</think> <answer>…</answer> <correction>…</correction>',
  score: (completions) => completions.map(formatScore),
};
