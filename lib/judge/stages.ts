/**
 * The three judge stages (spec §5.2): prompt, strict reply parsing, and the per-item cache around the call.
 */
import type { Span } from '../metrics/interval-iou.js';
import { asSpan } from '../metrics/interval-iou.js';
import { keepTaxonomyPaths } from '../metrics/taxonomy.js';
import { judgeCacheKey, type JudgeCache } from './cache.js';
import type { ChatClient, ChatMessage } from './chat-client.js';
import { JudgeReplyError } from './errors.js';
import { type Literal, parseLiteral } from './literal.js';
import { categoryPrompt, PROMPT_VERSION, reasoningPrompt, relevancePrompt } from './prompts.js';

export type JudgeStage = 'relevance' | 'categories' | 'reasoning';

export interface RelevanceVerdict {
  relevant: boolean;
  span: Span | null;
}

const isDict = (v: Literal): v is { [key: string]: Literal } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Stage 1 reply. A classification outside {relevant, irrelevant} becomes irrelevant, as in the reference. */
export function parseRelevanceReply(reply: string): RelevanceVerdict {
  const v = parseLiteral(reply);
  if (!isDict(v) || !('classification' in v)) throw new JudgeReplyError("expected a dict with key 'classification'", reply);
  const cls = typeof v.classification === 'string' ? v.classification.trim().toLowerCase() : '';
  const relevant = cls === 'relevant';
  return { relevant, span: relevant ? asSpan(v.span ?? null) : null };
}

/** Stage 2 reply: a list of paths; out-of-taxonomy paths (e.g. "Negation/Negation") are dropped. */
export function parseCategoryReply(reply: string): string[] {
  const v = parseLiteral(reply);
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new JudgeReplyError('expected a list of strings', reply);
  return keepTaxonomyPaths(v as string[]);
}

/** Stage 3 reply: {'score': x} with x in [0, 5]. */
export function parseReasoningReply(reply: string): number {
  const v = parseLiteral(reply);
  if (!isDict(v) || typeof v.score !== 'number' || !Number.isFinite(v.score)) {
    throw new JudgeReplyError("expected a dict with a numeric 'score'", reply);
  }
  if (v.score < 0 || v.score > 5) throw new JudgeReplyError(`score ${v.score} is outside 0–5`, reply);
  return v.score;
}

export class JudgeStages {
  /** Answers served from the cache in this process. */
  cacheHits = 0;

  constructor(
    readonly client: ChatClient,
    readonly cache: JudgeCache,
  ) {}

  relevance(answerText: string): Promise<RelevanceVerdict> {
    return this.run('relevance', [answerText], relevancePrompt(answerText), parseRelevanceReply);
  }

  categories(reasoningText: string): Promise<string[]> {
    return this.run('categories', [reasoningText], categoryPrompt(reasoningText), parseCategoryReply);
  }

  reasoning(reasoningText: string, groundTruth: string): Promise<number> {
    return this.run('reasoning', [reasoningText, groundTruth], reasoningPrompt(reasoningText, groundTruth), parseReasoningReply);
  }

  private async run<T>(stage: JudgeStage, inputs: string[], messages: ChatMessage[], parse: (reply: string) => T): Promise<T> {
    const key = judgeCacheKey({
      stage,
      model: this.client.model,
      promptVersion: PROMPT_VERSION,
      temperature: this.client.temperature,
      inputs,
    });
    const hit = this.cache.get(key);
    if (hit) {
      this.cacheHits += 1;
      return hit.value as T;
    }
    const value = parse(await this.client.complete(messages));
    this.cache.set({ key, stage, model: this.client.model, value });
    return value;
  }
}
