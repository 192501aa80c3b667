/**
 * One line of `rarft-train rewards --input FILE.jsonl`: a completion plus the reference's example fields
 * (spec §1.0). Unknown keys (video_path, choices, …) are allowed and ignored, so rows exported from a dataset can
 * be fed as they are. Validation errors name the file:line and the field.
 */
import { z } from 'zod';
import { DataError } from '../errors.js';
import type { RewardExample } from '../rewards/index.js';

const nullableString = z.string().nullable().default(null);

export const RewardInputLineSchema = z.object({
  completion: z.string(),
  task_type: z.enum(['answerable', 'refusable']).nullable().default(null),
  // [] is accepted as "missing", as the reference's truthiness test treats it
  solution: z
    .union([z.tuple([z.number(), z.number()]), z.tuple([])], { error: 'expected [start, end] (two numbers), [] or null' })
    .nullable()
    .default(null)
    .transform((s) => (s && s.length === 2 ? s : null)),
  durations: z.number().nullable().default(null),
  gt_answers: nullableString,
  refusable_queries: nullableString,
  answerable_query: nullableString,
  problem: nullableString,
});

export interface RewardInputLine {
  readonly completion: string;
  readonly example: RewardExample;
}

/** Parses and validates one non-blank JSONL line; `where` is "file:line" for error messages. */
export function parseRewardInputLine(text: string, where: string): RewardInputLine {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DataError(`invalid JSON: ${(error as Error).message}`, { file: where });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new DataError('expected a JSON object per line', { file: where });
  }
  const parsed = RewardInputLineSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DataError(issue.message, { file: where, field: issue.path.join('.') || undefined });
  }
  const { completion, ...example } = parsed.data;
  return { completion, example };
}
