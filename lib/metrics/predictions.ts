/**
 * The predictions file the scorer reads (spec §5.1): either the reference's `inference_results_merged.json` (a JSON
 * array) or our JSONL (one item per line). Optional fields carry decisions made elsewhere (an earlier judge run, a
 * native SBERT pass) so scoring itself needs no model.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DataError } from '../errors.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const PredictionItemSchema = z.object({
  video: z.string(),
  query: z.string(),
  model_output: z.string(),
  gt_relevant: z.boolean(),
  /** The record's span for relevant items, null otherwise. Kept loose: the evaluator decides usability (§5.2). */
  gt_timestamp: z.array(z.unknown()).nullable().optional(),
  gt_output: z.string(),
  /** Always "" in the reference's files (§3.4 item 7). */
  irrelevance_level: z.string().nullable().optional(),
  gt_categories: z.array(z.string()).nullable().optional(),
  difficulty: z.string().nullable().optional(),
  hardness_level: z.string().nullable().optional(),
  /** Precomputed decisions; used with `--judge none` instead of the rule / instead of "not measured". */
  pred_relevant: z.boolean().optional(),
  pred_span: z.tuple([finite, finite]).nullable().optional(),
  pred_categories: z.array(z.string()).optional(),
  reasoning_score: finite.min(0).max(5).nullable().optional(),
  sbert_similarity: finite.nullable().optional(),
});

export type PredictionItem = z.infer<typeof PredictionItemSchema>;

/** Validates one parsed item; errors name the file, the item index and the field. */
export function parsePredictionItem(raw: unknown, file: string, index: number): PredictionItem {
  const result = PredictionItemSchema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.') || undefined;
  throw new DataError(issue.message, { file, record: index, field });
}

/** Reads a JSON array or a JSONL file (decided by content: a leading "[" means JSON array). */
export function readPredictions(file: string): PredictionItem[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(`cannot read predictions: ${(e as Error).message}`, { file });
  }
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new DataError(`invalid JSON: ${(e as Error).message}`, { file });
    }
    if (!Array.isArray(parsed) || parsed.length === 0) throw new DataError("expected a non-empty JSON array of items", { file });
    return parsed.map((raw, i) => parsePredictionItem(raw, file, i));
  }
  const items: PredictionItem[] = [];
  const lines = text.split('\n');
  lines.forEach((line, lineNo) => {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (e) {
      throw new DataError(`invalid JSON on line ${lineNo + 1}: ${(e as Error).message}`, { file, record: items.length });
    }
    items.push(parsePredictionItem(parsed, file, items.length));
  });
  if (items.length === 0) throw new DataError('no prediction items', { file });
  return items;
}
