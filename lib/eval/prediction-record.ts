/**
 * One line of predictions.jsonl: the scorer's item format (rarft-reference §5.1, lib/metrics/predictions.ts), so
 * `rarft-eval score --predictions predictions.jsonl` reads it as is, plus run fields the scorer ignores: the item id
 * (resumption/merging), its source position, generation statistics.
 */
import type { GeneratedAnswer } from '../infer/index.js';
import type { EvalItem } from './benchmarks.js';

export interface EvalPrediction {
  id: string;
  record_index: number;
  item_index: number;
  video: string;
  query: string;
  model_output: string;
  gt_relevant: boolean;
  gt_timestamp: [number, number] | null;
  gt_output: string;
  /** Always "" as in the reference (§3.4 item 7); the hardness goes in `difficulty`. */
  irrelevance_level: string;
  gt_categories: string[];
  /** original/weak/moderate/strong (the scorer maps these names), null when the source has none. */
  difficulty: string | null;
  gt_correction: string | null;
  source?: string;
  /** Generated tokens (incl. the stop token), and whether the row stopped before max_new_tokens. */
  num_tokens: number;
  stopped: boolean;
  prompt_tokens: number;
  /** This item's share of its batch's generate time. */
  generate_ms: number;
}

export function toPrediction(e: EvalItem, answer: GeneratedAnswer, generateMs: number): EvalPrediction {
  const it = e.item;
  return {
    id: e.id,
    record_index: it.recordIndex,
    item_index: it.itemIndex,
    video: it.videoPath,
    query: it.query,
    model_output: answer.text,
    gt_relevant: it.relevant,
    gt_timestamp: it.relevant && it.span ? [it.span[0], it.span[1]] : null,
    gt_output: it.answer,
    irrelevance_level: '',
    gt_categories: [...it.categories],
    difficulty: it.hardness ?? (it.relevant ? 'original' : null),
    gt_correction: it.correction,
    ...(e.source !== undefined ? { source: e.source } : {}),
    num_tokens: answer.tokens.length,
    stopped: answer.stopped,
    prompt_tokens: answer.promptTokens,
    generate_ms: Math.round(generateMs * 10) / 10,
  };
}
