// Exported as IntervalSpan: lib/data already exports a `Span` from the package root.
export { hullIoU, lengthUnionIoU, asSpan, type Span as IntervalSpan } from './interval-iou.js';
export { extractAnswer, vtgMetrics, scoreVtg, type AnswerParser, type VtgMetrics } from './vtg.js';
export { answerForJudge, reasoningText, cleanGroundTruth } from './text-cleaning.js';
export { classifyRelevanceByRule, type RelevanceDecision } from './relevance.js';
export {
  MISMATCH_TAXONOMY,
  isTaxonomyPath,
  keepTaxonomyPaths,
  categoryJaccard,
  REFERENCE_LABELS,
  tableLabels,
  type MismatchCategory,
} from './taxonomy.js';
export { binaryScores, countOutcomes, emptyConfusion, outcomeOf, type Confusion, type Outcome, type BinaryScores } from './binary.js';
export { HARDNESS_LEVELS, resolveHardness, type HardnessLevel, type HardnessSource } from './hardness.js';
export { PredictionItemSchema, parsePredictionItem, readPredictions, type PredictionItem } from './predictions.js';
export {
  decideWithoutJudge,
  gtExplanationUsable,
  clipSimilarity,
  type ItemDecision,
  type RelevanceSource,
  type GtExplanationPolicy,
} from './item-decision.js';
export { scoreItem, usableGtSpan, type ItemScore } from './item-score.js';
export { raIou, type RaIou } from './ra-iou.js';
export { rtIouPlain, rtIouSplitMerge } from './rt-iou.js';
export {
  irrelevantSamplesBlock,
  trueNegativeSamplesBlock,
  irrelevantMeans,
  labelTable,
  type SampleBlock,
  type LabelScore,
  type IrrelevantMeans,
} from './score-tables.js';
export { hardnessLevelAnalysis, type HardnessLevelAnalysis, type HardnessLevelMetrics } from './hardness-analysis.js';
export {
  categoryIrrelevantClassification,
  type CategoryClassification,
  type CategoryIrrelevantClassification,
} from './category-classification.js';
export { computeRefusalMetrics, type NotMeasured, type RefusalMetrics, type RefusalMetricsOptions } from './refusal.js';
export { scorePredictions, type ScoreOptions } from './score-predictions.js';
export { metricsSummaryMarkdown } from './summary-markdown.js';
export { referenceMetricsJson, REFERENCE_INT_KEYS } from './reference-json.js';
