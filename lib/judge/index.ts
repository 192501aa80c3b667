export { JudgeError, JudgeReplyError } from './errors.js';
export { parseLiteral, type Literal } from './literal.js';
export { ChatClient, DEFAULT_JUDGE_MODEL, type ChatClientOptions, type ChatMessage } from './chat-client.js';
export { JudgeCache, judgeCacheKey, type CacheEntry } from './cache.js';
export { PROMPT_VERSION, CATEGORY_DEFINITIONS, relevancePrompt, categoryPrompt, reasoningPrompt } from './prompts.js';
export {
  JudgeStages,
  parseRelevanceReply,
  parseCategoryReply,
  parseReasoningReply,
  type JudgeStage,
  type RelevanceVerdict,
} from './stages.js';
export { judgeItem, judgeItems, type JudgeItemsOptions, type SimilarityScorer } from './judge-items.js';
