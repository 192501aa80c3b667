import { describe, expect, it } from 'vitest';
import { refuseIou, refuseIouClamped, refuseIouPlain, type RewardExample } from '../../lib/rewards/index.js';

const answerable: RewardExample = {
  task_type: 'answerable',
  solution: [6.22, 16.19],
  durations: 30,
  gt_answers: '<answer>6.2 to 16.2</answer>',
  refusable_queries: '<answer>The video does not show that.</answer>',
  answerable_query: null,
};
const refusable: RewardExample = { ...answerable, task_type: 'refusable', solution: null };

const wrap = (answer: string) => `<think>x</think> <answer>${answer}</answer> <correction>NIL</correction>`;
const score = (answer: string, example = answerable) => refuseIou.score([wrap(answer)], example, {}) as number[];

describe('refuse_iou: spec §1.2 worked examples (D = 30, GT = [6.22, 16.19])', () => {
  it.each<[string, number]>([
    ['5.70 to 14.71', 0.756078],
    ['14.71 to 5.70', 0],
    ['from 5.7 TO 14.71 seconds', 0.756078],
    ['5.70 - 14.71', 0],
    ['5.70to14.71', 0],
    ['0.00 to 30.00', 0.142164],
    ['6.22 to 16.19', 1],
    ['5.0 to 7.0 or 20.0 to 25.0', 0.046386],
  ])('answerable %j → %f', (answer, expected) => {
    expect(score(answer)[0]).toBeCloseTo(expected, 6);
  });

  it('decomposes 5.70 to 14.71 as IoU 8.49/10.49 × 0.98267 × 0.95067, bit-exact to CPython', () => {
    const iou = (14.71 - 6.22) / (16.19 - 5.7);
    expect(iou).toBeCloseTo(0.80934, 5);
    expect(1 - Math.abs(6.22 / 30 - 5.7 / 30)).toBeCloseTo(0.98267, 5);
    expect(1 - Math.abs(16.19 / 30 - 14.71 / 30)).toBeCloseTo(0.95067, 5);
    // repr() of the reference arithmetic in CPython 3.11
    expect(score('5.70 to 14.71')[0]).toBe(0.7560781595170003);
  });

  it('uses the last answer block', () => {
    const completion = '<think>x</think><answer>1 to 2</answer> … <answer>6.22 to 16.19</answer><correction>NIL</correction>';
    expect(refuseIou.score([completion], answerable, {})).toEqual([1]);
  });

  it('gives 0 without an <answer> tag, for both task types', () => {
    const noAnswer = '<think>6.22 to 16.19</think><correction>NIL</correction>';
    expect(refuseIou.score([noAnswer], answerable, {})).toEqual([0]);
    expect(refuseIou.score([noAnswer], refusable, {})).toEqual([0]);
  });

  it('refusable: 1 for a refusal without a span, 0 when the sentence holds "X to Y"', () => {
    expect(score('The video does not contain a relevant segment.', refusable)).toEqual([1]);
    expect(score('Not present; the person only sits from 3 to 5 seconds.', refusable)).toEqual([0]);
    expect(score('', refusable)).toEqual([1]); // an empty block is "" (not None): no span → refusal
  });
});

describe('refuse_iou: edge cases (spec §1.2, §7 items 8-9)', () => {
  it('goes negative when a boundary error exceeds D (D=30, GT [20,35], pred [20,95] → −0.2)', () => {
    const beyond = { ...answerable, solution: [20, 35] as const };
    expect(score('20 to 95', beyond)[0]).toBeCloseTo(-0.2, 12);
  });
  it('uses the raw GT in the factors even when it exceeds D', () => {
    const beyond = { ...answerable, solution: [20, 35] as const };
    // IoU 1, start factor 1, end factor 1 − |35/30 − 35/30| = 1: a GT past the end is still matched exactly.
    expect(score('20 to 35', beyond)).toEqual([1]);
  });
  it('zero-length GT predicted exactly → union 0 → 0', () => {
    expect(score('5 to 5', { ...answerable, solution: [5, 5] })).toEqual([0]);
  });
  it('missing or zero duration, missing solution, null or unknown task type → 0', () => {
    expect(score('6.22 to 16.19', { ...answerable, durations: null })).toEqual([0]);
    expect(score('6.22 to 16.19', { ...answerable, durations: 0 })).toEqual([0]);
    expect(score('6.22 to 16.19', { ...answerable, solution: null })).toEqual([0]);
    expect(score('6.22 to 16.19', { ...answerable, task_type: null })).toEqual([0]);
    expect(score('The video has nothing.', { ...refusable, task_type: null })).toEqual([0]);
    expect(score('6.22 to 16.19', { ...answerable, task_type: 'other' as never })).toEqual([0]);
  });
  it('scores each of a batch of G completions independently', () => {
    const batch = ['5.70 to 14.71', '14.71 to 5.70', '6.22 to 16.19', 'no span'].map(wrap);
    const got = refuseIou.score(batch, answerable, {}) as number[];
    expect(got.map((x) => Number(x.toFixed(6)))).toEqual([0.756078, 0, 1, 0]);
  });
});

describe('refuse_iou_clamped', () => {
  const beyond = { ...answerable, solution: [20, 35] as const };
  it('clips the prediction to [0, D] and clamps the factors, so the −0.2 case becomes ≥ 0', () => {
    // pred → [20, 30]; IoU 10/15; start factor 1; end factor 1 − |35/30 − 1| = 5/6.
    const [r] = refuseIouClamped.score([wrap('20 to 95')], beyond, {}) as number[];
    expect(r).toBeCloseTo((10 / 15) * (5 / 6), 12);
  });
  it('equals the reference inside the video', () => {
    for (const answer of ['5.70 to 14.71', '0.00 to 30.00', '6.22 to 16.19', '14.71 to 5.70']) {
      expect(refuseIouClamped.score([wrap(answer)], answerable, {})).toEqual(refuseIou.score([wrap(answer)], answerable, {}));
    }
  });
  it('a prediction entirely past the end collapses to [D, D] → 0; refusals unchanged', () => {
    expect(refuseIouClamped.score([wrap('40 to 50')], answerable, {})).toEqual([0]);
    expect(refuseIouClamped.score([wrap('I refuse.')], refusable, {})).toEqual([1]);
  });
});

describe('refuse_iou_plain (paper)', () => {
  it('is the plain IoU without boundary factors', () => {
    const [r] = refuseIouPlain.score([wrap('5.70 to 14.71')], answerable, {}) as number[];
    expect(r).toBeCloseTo(8.49 / 10.49, 12);
    expect((refuseIouPlain.score([wrap('0.00 to 30.00')], answerable, {}) as number[])[0]).toBeCloseTo(9.97 / 30, 12);
  });
  it('does not need the duration and never goes negative', () => {
    expect(refuseIouPlain.score([wrap('20 to 95')], { ...answerable, solution: [20, 35], durations: null }, {})).toEqual([0.2]);
  });
  it('reversed, disjoint and degenerate predictions score 0', () => {
    expect(refuseIouPlain.score([wrap('14.71 to 5.70'), wrap('0 to 1'), wrap('5 to 5')], answerable, {})).toEqual([0, 0, 0]);
  });
});
