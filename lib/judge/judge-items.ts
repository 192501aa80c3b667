/**
 * Runs the judge over a predictions list and returns one ItemDecision per item, with the reference's stage gating:
 *   stage 1 (relevance + span) for all items; on failure the offline rule decides and the failure is recorded;
 *   stage 2 (categories) for GT-irrelevant items predicted irrelevant; on failure [] (as the reference) + recorded;
 *   stage 3 (reasoning score) for all GT-irrelevant items incl. FPs; on failure null + recorded;
 *   SBERT (stage 4) through an injected scorer for all GT-irrelevant items; without one, a given `sbert_similarity`.
 */
import { clipSimilarity, gtExplanationUsable, type GtExplanationPolicy, type ItemDecision } from '../metrics/item-decision.js';
import type { PredictionItem } from '../metrics/predictions.js';
import { classifyRelevanceByRule } from '../metrics/relevance.js';
import { answerForJudge, cleanGroundTruth, reasoningText } from '../metrics/text-cleaning.js';
import type { JudgeStages } from './stages.js';

/** Cosine similarity of two texts (e.g. the native all-mpnet-base-v2 encoder); clipped to [0,1] by the caller. */
export type SimilarityScorer = (a: string, b: string) => Promise<number>;

export interface JudgeItemsOptions extends GtExplanationPolicy {
  stages: JudgeStages;
  sbert?: SimilarityScorer;
  /** Items judged at once (requests in flight). */
  concurrency?: number;
  onItem?: (done: number, total: number) => void;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function judgeItem(item: PredictionItem, index: number, options: JudgeItemsOptions): Promise<ItemDecision> {
  const { stages } = options;
  const errors: string[] = [];
  let predRelevant: boolean, predSpan, relevanceSource: ItemDecision['relevanceSource'];
  try {
    ({ relevant: predRelevant, span: predSpan } = await stages.relevance(answerForJudge(item.model_output)));
    relevanceSource = 'judge';
  } catch (e) {
    errors.push(`relevance: ${message(e)}`);
    ({ relevant: predRelevant, span: predSpan } = classifyRelevanceByRule(item.model_output));
    relevanceSource = 'rule-fallback';
  }
  let predCategories: string[] = [];
  let reasoningScore: number | null = null, sbertSimilarity: number | null = null;
  if (!item.gt_relevant) {
    const reasoning = reasoningText(item.model_output);
    if (!predRelevant) {
      try {
        predCategories = await stages.categories(reasoning);
      } catch (e) {
        errors.push(`categories: ${message(e)}`);
      }
    }
    if (gtExplanationUsable(item, index, options)) {
      const gt = cleanGroundTruth(item.gt_output);
      try {
        reasoningScore = await stages.reasoning(reasoning, gt);
      } catch (e) {
        errors.push(`reasoning: ${message(e)}`);
      }
      if (options.sbert) {
        try {
          sbertSimilarity = reasoning === '' ? 0 : clipSimilarity(await options.sbert(reasoning, gt));
        } catch (e) {
          errors.push(`sbert: ${message(e)}`);
        }
      } else if (item.sbert_similarity != null) {
        sbertSimilarity = clipSimilarity(item.sbert_similarity);
      }
    } else {
      errors.push('empty GT explanation: reasoning score and SBERT similarity not computed');
    }
  }
  return { predRelevant, predSpan: predRelevant ? predSpan : null, relevanceSource, predCategories, reasoningScore, sbertSimilarity, errors };
}

export async function judgeItems(items: readonly PredictionItem[], options: JudgeItemsOptions): Promise<ItemDecision[]> {
  const out = new Array<ItemDecision>(items.length);
  let next = 0, done = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await judgeItem(items[i]!, i, options);
      options.onItem?.(++done, items.length);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return out;
}
