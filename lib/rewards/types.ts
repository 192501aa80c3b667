/**
 * The reward contract. Field names follow the reference trainer's example columns (spec §1.0, §4.1) so a user who
 * knows the Python code recognises them.
 */
import type { SentenceEncoder } from './sentence-encoder.js';

export type TaskType = 'answerable' | 'refusable';

/** One dataset example as the rewards see it; all completions of one reward call belong to it. */
export interface RewardExample {
  /** null: the rewards that branch on the task give 0 (reference: "task_type is None"). */
  readonly task_type: TaskType | null;
  /** GT [start, end] in seconds for answerable examples; null for refusable ones. */
  readonly solution: readonly [number, number] | null;
  /** Video duration D in seconds (the record's `duration`). */
  readonly durations: number | null;
  /** The example's own GT answer string, `<answer>…</answer>` (timestamp or refusal explanation). */
  readonly gt_answers: string | null;
  /** The contrast (negative) answer string, `<answer>…</answer>`. */
  readonly refusable_queries: string | null;
  /** Refusable examples: the original (answerable) query, the target of the correction. Otherwise null. */
  readonly answerable_query: string | null;
  /** The query shown to the model. No built-in reward reads it; custom rewards may. */
  readonly problem?: string | null;
}

/** What a data string without an `<answer>` block means for the explain reward (see explain-correction.ts). */
export type UntaggedDataAnswerPolicy = 'error' | 'raw';

/** Per-call services and options shared by all rewards. */
export interface RewardContext {
  /** Cosine similarity provider (SBERT all-MiniLM-L6-v2 in training); required by rewards with `needsEncoder`. */
  readonly encoder?: SentenceEncoder;
  /** Default 'error': a `gt_answers`/`refusable_queries` string with no `<answer>` block is a DataError. */
  readonly untaggedDataAnswers?: UntaggedDataAnswerPolicy;
}

/**
 * A reward: one number per completion. `score` receives the completions of ONE example (the reference's G=8
 * rollouts) together with that example's fields, and may be sync or async.
 */
export interface RewardFunction {
  readonly name: string;
  /** True when `score` calls `ctx.encoder`; the caller must then provide one. */
  readonly needsEncoder?: boolean;
  /** One-line description for `--help` and docs. */
  readonly description?: string;
  score(completions: readonly string[], example: RewardExample, ctx: RewardContext): Promise<number[]> | number[];
}
