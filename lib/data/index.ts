export type {
  Span,
  Hardness,
  VtgItem,
  RaRftQueryItem,
  RaRftRecord,
  DatasetReport,
  OutOfRangePolicy,
  ReversedPolicy,
  SpanPolicies,
} from './types.js';
export { emptyReport, formatReport } from './report.js';
export { applySpanPolicies, DURATION_EPSILON } from './span-policy.js';
export { hardnessFromDifficulty, EDITS_PER_HARDNESS } from './hardness.js';
export { parseGtAnswer, formatSpanAnswer, pythonRound1, type ParsedGtAnswer } from './answer-text.js';
export { parseCsv, parseCsvWithHeader, CsvSyntaxError } from './csv.js';
export { videoIdFromPath } from './video-id.js';
export { resolveDurations, type DurationProbe } from './durations.js';
export { readRaRftRecords, recordToItems, type RaRftReadOptions, type RaRftReadResult } from './readers/rarft-records.js';
export { readCharadesSta, readCharadesDurations, type CharadesStaReadOptions, type CharadesStaReadResult } from './readers/charades-sta.js';
export { readActivityNet, type ActivityNetReadResult } from './readers/activitynet.js';
export {
  readTvgbench,
  readTvgbenchEntries,
  parseTvgbenchAnswer,
  type TvgbenchEntry,
  type TvgbenchItem,
  type TvgbenchReadResult,
} from './readers/tvgbench.js';
export { readTimeR1Train, type TimeR1TrainItem, type TimeR1TrainReadResult } from './readers/timer1-train.js';
export { fixTvgbenchEndTimes } from './tvgbench-end-fix.js';
export { mulberry32, hashKey, permutation, randomIndex } from './prng.js';
export {
  buildTrainingExamples,
  epochOrder,
  resolveExample,
  exampleToRewardFields,
  type TrainingExample,
  type AnswerableExample,
  type RefusableExample,
  type RefusableQuery,
  type BuildExamplesOptions,
  type BuiltExamples,
  type DrawKey,
  type ResolvedExample,
  type RewardFields,
} from './examples.js';
export { EDIT_CATEGORY, SWAP_SETS, type EditKind } from './hi-vtg-edits.js';
export {
  hiVtgFromVtg,
  type HiVtgOptions,
  type HiVtgRecord,
  type HiVtgQueryItem,
  type HiVtgEdit,
  type HiVtgResult,
  type RefusalHardness,
} from './hi-vtg-from-vtg.js';
export { checkTrainingRecords, type TrainingFormatOptions } from './training-format.js';
