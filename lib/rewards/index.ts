/** Public API of the RA-RFT training rewards (spec rarft-reference.md §1). */
export type { RewardContext, RewardExample, RewardFunction, TaskType, UntaggedDataAnswerPolicy } from './types.js';
export type { SentenceEncoder } from './sentence-encoder.js';
export { extractAnswerText, extractCorrectionText, findTimestamp, type TimestampSpan } from './extract.js';
export { formatReward, formatScore } from './format.js';
export { refuseIou, refuseIouClamped, refuseIouPlain } from './refuse-iou.js';
export {
  explainCorrection,
  explainCorrectionNilToken,
  explainCorrectionPaper,
  nilSubstring,
  nilToken,
  type ExplainCorrectionParts,
  type ExplainCorrectionReward,
} from './explain-correction.js';
export {
  REFERENCE_REWARDS,
  RewardError,
  getReward,
  registerReward,
  rewardNames,
  scoreCompletions,
  unregisterReward,
  type ScoreOptions as RewardScoreOptions,
  type ScoredCompletions,
} from './registry.js';
