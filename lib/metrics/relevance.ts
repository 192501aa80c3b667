/**
 * The deterministic, offline relevance classifier (spec §7 item 18): an output is "relevant" iff its answer-for-judge
 * text holds a `NUM to NUM` span. It needs no network and gives the same answer every run, unlike the reference's LLM
 * judge (no temperature set). Known weakness, shared with the training reward (§7 item 9): a refusal whose sentence
 * says "3 to 4 people" is classified relevant.
 */
import type { Span } from './interval-iou.js';
import { answerForJudge } from './text-cleaning.js';

/** "to" in any case with any whitespace; the FIRST span in the answer is taken (the judge extracts the single best span). */
const NUM_TO_NUM = /(\d+(?:\.\d+)?)\s+to\s+(\d+(?:\.\d+)?)/i;

export interface RelevanceDecision {
  relevant: boolean;
  span: Span | null;
}

export function classifyRelevanceByRule(modelOutput: string): RelevanceDecision {
  const m = NUM_TO_NUM.exec(answerForJudge(modelOutput));
  if (!m) return { relevant: false, span: null };
  return { relevant: true, span: [Number.parseFloat(m[1]!), Number.parseFloat(m[2]!)] };
}
