/**
 * `refuse_iou` reward (spec §1.2) and two opt-in variants.
 *
 * Per completion: no `<answer>` block → 0. Refusable: 1 if the answer has no "S to E" span, else 0. Answerable:
 * the first span vs the GT `solution`, scored by the variant's overlap rule; 0 when there is no span.
 * - `refuse_iou` (reference, Time-R1 "iou_v2"): hull IoU × (1−|Δstart|/D) × (1−|Δend|/D). Not clipped: it goes
 *   negative when a boundary error exceeds D (§7 item 8). Needs solution and D (missing/0 → 0).
 * - `refuse_iou_clamped`: prediction clipped to [0, D] and both factors clamped to [0, 1], so r ∈ [0, 1].
 * - `refuse_iou_plain` (paper): plain IoU, union = |P| + |G| − inter; D is not needed.
 */
import { extractAnswerText, findTimestamp, type TimestampSpan } from './extract.js';
import { pyMax, pyMin } from './python-text.js';
import type { RewardExample, RewardFunction } from './types.js';

type SpanScore = (pred: TimestampSpan, gt: TimestampSpan, duration: number | null) => number;

/** Reference arithmetic, operation for operation (Python max/min argument order kept for NaN parity). */
export const timeR1IouV2: SpanScore = (pred, gt, duration) => {
  if (!duration) return 0; // reference: `durations[i]` falsy (None or 0) → 0
  const inter = pyMax(0, pyMin(pred.end, gt.end) - pyMax(pred.start, gt.start));
  const union = pyMax(pred.end, gt.end) - pyMin(pred.start, gt.start);
  if (!(union > 0)) return 0;
  const iou = inter / union;
  const startFactor = 1 - Math.abs(gt.start / duration - pred.start / duration);
  const endFactor = 1 - Math.abs(gt.end / duration - pred.end / duration);
  return iou * startFactor * endFactor;
};

const clamp01 = (x: number): number => Math.min(1, Math.max(0, x));

/** Fixed variant: a prediction outside the video cannot push the reward below 0 or reward overshooting. */
export const clampedIouV2: SpanScore = (pred, gt, duration) => {
  if (!duration || duration < 0) return 0;
  const start = Math.min(duration, Math.max(0, pred.start));
  const end = Math.min(duration, Math.max(0, pred.end));
  if (start > end) return 0; // reversed stays reversed after clipping
  const inter = Math.max(0, Math.min(end, gt.end) - Math.max(start, gt.start));
  const union = Math.max(end, gt.end) - Math.min(start, gt.start);
  if (!(union > 0)) return 0;
  const startFactor = clamp01(1 - Math.abs(gt.start / duration - start / duration));
  const endFactor = clamp01(1 - Math.abs(gt.end / duration - end / duration));
  return (inter / union) * startFactor * endFactor;
};

/** Paper variant: plain temporal IoU; a reversed or empty prediction scores 0. */
export const plainIou: SpanScore = (pred, gt) => {
  if (pred.start > pred.end) return 0;
  const inter = Math.max(0, Math.min(pred.end, gt.end) - Math.max(pred.start, gt.start));
  const union = pred.end - pred.start + (gt.end - gt.start) - inter;
  return union > 0 ? inter / union : 0;
};

function refuseIouScores(
  completions: readonly string[],
  example: RewardExample,
  spanScore: SpanScore,
  needsDuration: boolean,
): number[] {
  const { task_type: taskType, solution, durations } = example;
  return completions.map((completion) => {
    const answer = extractAnswerText(completion);
    if (taskType === null || answer === null) return 0;
    const span = findTimestamp(answer);
    if (taskType === 'refusable') return span ? 0 : 1;
    if (taskType !== 'answerable' || !span || !solution || solution.length < 2) return 0;
    if (needsDuration && !durations) return 0;
    return spanScore(span, { start: solution[0], end: solution[1] }, durations);
  });
}

function refuseIouReward(name: string, description: string, spanScore: SpanScore, needsDuration: boolean): RewardFunction {
  return {
    name,
    description,
    score: (completions, example) => refuseIouScores(completions, example, spanScore, needsDuration),
  };
}

export const refuseIou = refuseIouReward(
  'refuse_iou',
  'reference: answerable → hull IoU × boundary factors (unclipped, can be < 0); refusable → 1 if no "S to E" span',
  timeR1IouV2,
  true,
);

export const refuseIouClamped = refuseIouReward(
  'refuse_iou_clamped',
  'refuse_iou with the prediction clipped to [0, D] and the boundary factors clamped to [0, 1]',
  clampedIouV2,
  true,
);

export const refuseIouPlain = refuseIouReward(
  'refuse_iou_plain',
  'paper: answerable → plain IoU (union = |P| + |G| − inter); refusable → 1 if no "S to E" span',
  plainIou,
  false,
);
