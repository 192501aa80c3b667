/**
 * A 12-item predictions set whose every metric is computed by hand in refusal.test.ts.
 * Items 0–5 are GT-relevant (hardness original), 6–11 GT-irrelevant. Relevance comes from the offline rule
 * (NUM to NUM in the first <answer> block, else in the think-free text); categories/scores are given per item.
 *
 *  #  | GT   | output answer            | outcome | iou                         | GT cats                         | pred cats (given)            | jaccard | score | sbert
 *  0  | 10–20| "12.0 to 18.0"           | TP      | 6/(10+6−6) = 0.6            |                                 |                              |         |       |
 *  1  | 0–10 | "5 to 15"                | TP      | 5/(10+10−5) = 1/3           |                                 |                              |         |       |
 *  2  | 30–40| "30.00 TO 40.00"         | TP      | 1                           |                                 |                              |         |       |
 *  3  | 10–20| no <answer>; think "1 to 2" deleted, text "15 to 30" | TP | 5/(10+15−5) = 0.25 |                 |                              |         |       |
 *  4  | 5–9  | refusal sentence         | FN      | 0                           |                                 |                              |         |       |
 *  5  | 2–4  | think "0 to 100", answer "2 to 3" | TP | 1/(2+1−1) = 0.5           |                                 |                              |         |       |
 *  6  | easy | refusal                  | TN      | 1                           | OE, FGA                         | OE                           | 1/2     | 4.0   | 0.8
 *  7  | medium| refusal                 | TN      | 1                           | OE                              | OE, SE, Negation/Negation✗   | 1/2     | 3.0   | 0.6
 *  8  | hard | refusal                  | TN      | 1                           | AV                              | AV                           | 1       | 5.0   | 1.3→1.0
 *  9  | hard | "3.5 to 7.0"             | FP      | 0                           | OE                              | OE (ignored: FP → [])        | 0       | 2.0   | 0.4
 * 10  | easy | refusal                  | TN      | 1                           | FGA, OSR, Action/SceneTransition| FGA, OSR                     | 2/3     | 1.0   | −0.2→0
 * 11  | hardness_level "moderate" | "12.5 to 14" | FP | 0                   | SE, OM                          | —                            | 0       | 3.0   | 0.5
 */
import type { PredictionItem } from '../../lib/metrics/index.js';

const answerable = (answer: string) => `<think>\nThe person appears early.\n</think>\n<answer>\n${answer}\n</answer>\n<correction>NIL</correction><|im_end|>`;
const refusal = (why: string, fix: string) =>
  `<think>\nI look for the event.\n</think>\n<answer>\nThe video does not contain a relevant segment for the query because ${why}\n</answer>\n<correction>\n${fix}\n</correction><|im_end|>`;

const OE = 'Object/ObjectExistence', FGA = 'Action/FineGrainedAction', SE = 'Scene/SceneExistence';
const AV = 'Attribute/AttributeValue', OSR = 'Object/ObjectSpatialRelation', OM = 'Object/ObjectMoving';

const rel = (i: number, gt: [number, number], output: string, difficulty?: string): PredictionItem => ({
  video: `v${i}.mp4`, query: `query ${i}`, model_output: output, gt_relevant: true, gt_timestamp: gt,
  gt_output: `<answer>${gt[0]} to ${gt[1]}</answer>`, irrelevance_level: '', gt_categories: [],
  ...(difficulty ? { difficulty } : {}),
});
const irr = (i: number, extra: Partial<PredictionItem>, output: string): PredictionItem => ({
  video: `v${i}.mp4`, query: `query ${i}`, model_output: output, gt_relevant: false, gt_timestamp: null,
  gt_output: `<answer>The video shows something else (item ${i}).</answer>`, irrelevance_level: '', gt_categories: [],
  ...extra,
});

export const CONSTRUCTED: PredictionItem[] = [
  rel(0, [10, 20], answerable('12.0 to 18.0'), 'original'),
  rel(1, [0, 10], answerable('5 to 15'), 'original'),
  rel(2, [30, 40], answerable('30.00 TO 40.00')), // no difficulty: answerable → original
  rel(3, [10, 20], '<think>maybe 1 to 2</think> The event happens 15 to 30 seconds in.<|im_end|>', 'original'),
  rel(4, [5, 9], refusal('nobody opens a door', 'person opens a window'), 'original'),
  rel(5, [2, 4], '<think>the whole video 0 to 100</think><answer>2 to 3</answer><correction>NIL</correction>', 'original'),
  irr(6, { difficulty: 'easy', gt_categories: [OE, FGA], pred_categories: [OE], reasoning_score: 4, sbert_similarity: 0.8 },
    refusal('there is no cup', 'person holds a glass')),
  irr(7, { difficulty: 'medium', gt_categories: [OE], pred_categories: [OE, SE, 'Negation/Negation'], reasoning_score: 3, sbert_similarity: 0.6 },
    refusal('there is no book', 'person reads a paper')),
  irr(8, { difficulty: 'hard', gt_categories: [AV], pred_categories: [AV], reasoning_score: 5, sbert_similarity: 1.3 },
    refusal('the shirt is blue, not red', 'person in a blue shirt')),
  irr(9, { difficulty: 'hard', gt_categories: [OE], pred_categories: [OE], reasoning_score: 2, sbert_similarity: 0.4 },
    answerable('3.5 to 7.0')),
  irr(10, { difficulty: 'easy', gt_categories: [FGA, OSR, 'Action/SceneTransition'], pred_categories: [FGA, OSR], reasoning_score: 1, sbert_similarity: -0.2 },
    refusal('the person sits instead of jumping, beside the bed', 'person sits beside the bed')),
  irr(11, { hardness_level: 'moderate', gt_categories: [SE, OM], reasoning_score: 3, sbert_similarity: 0.5 },
    answerable('12.5 to 14')),
];
