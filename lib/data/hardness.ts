import { levelForName } from '../metrics/hardness.js';
import type { Hardness } from './types.js';

/**
 * The data key `difficulty` uses easy/medium/hard = 3/2/1 edited elements; the paper and the evaluator call those
 * Weak/Moderate/Strong (rarft-reference §3.1, §7 item 15). The reference never connects the two, so every published
 * hardness metric is zero; we map once here, at read time, with the evaluator's own table (lib/metrics/hardness.ts).
 * Returns the hardness for a `difficulty` value, null when absent, undefined when the value is unknown.
 */
export function hardnessFromDifficulty(difficulty: string | null | undefined): Hardness | null | undefined {
  if (difficulty === null || difficulty === undefined) return null;
  return levelForName(difficulty);
}

/** Number of edited query elements per hardness (the paper's definition). */
export const EDITS_PER_HARDNESS: Readonly<Record<Exclude<Hardness, 'original'>, number>> = {
  weak: 3,
  moderate: 2,
  strong: 1,
};
