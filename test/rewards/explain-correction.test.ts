import { describe, expect, it } from 'vitest';
import { DataError } from '../../lib/errors.js';
import {
  explainCorrection,
  explainCorrectionNilToken,
  explainCorrectionPaper,
  nilSubstring,
  nilToken,
  type RewardExample,
} from '../../lib/rewards/index.js';
import { TableEncoder } from './fake-encoder.js';

// Spec §1.3 worked examples. The cosines are the spec's assumed values; the arithmetic must be exact.
const REFUSAL_GT = 'The video shows a man opening a fridge, not a woman.';
const REFUSAL_REJ = 'The video does not contain a person cooking.';
const PRED_REFUSAL = 'The video does not contain a relevant segment: no woman appears.';
const QUERY = 'The man takes the milk out of the refrigerator.';

const answerable: RewardExample = {
  task_type: 'answerable',
  solution: [6.22, 16.19],
  durations: 30,
  gt_answers: '<answer>6.2 to 16.2</answer>',
  refusable_queries: `<answer>${REFUSAL_REJ}</answer>`,
  answerable_query: null,
};
const refusable: RewardExample = {
  task_type: 'refusable',
  solution: null,
  durations: 30,
  gt_answers: `<answer>${REFUSAL_GT}</answer>`,
  refusable_queries: '<answer>6.2 to 16.2</answer>',
  answerable_query: QUERY,
};

const encoder = () =>
  new TableEncoder([
    ['5.70 to 14.71', '6.2 to 16.2', 0.85],
    ['5.70 to 14.71', REFUSAL_REJ, 0.05],
    [PRED_REFUSAL, REFUSAL_GT, 0.62],
    [PRED_REFUSAL, '6.2 to 16.2', 0.02],
    [QUERY, QUERY, 0.9], // the good correction repeats the answerable query; its assumed cosine is 0.90
  ]);

const completion = (answer: string | null, correction: string) =>
  `<think>x</think>${answer === null ? '' : `<answer>${answer}</answer>`}<correction>${correction}</correction>`;

describe('explain_correction: spec §1.3 table', () => {
  it('answerable rows: NIL 1.40, "juvenile" 1.40 (substring bug), "none" 0.40 — one batched encoder call', async () => {
    const enc = encoder();
    const completions = ['NIL', 'A juvenile dog runs.', 'none'].map((c) => completion('5.70 to 14.71', c));
    const parts = await explainCorrection.parts(completions, answerable, { encoder: enc });
    expect(parts.explain.map(round)).toEqual([0.4, 0.4, 0.4]);
    expect(parts.correction).toEqual([1, 1, 0]);
    const total = await explainCorrection.score(completions, answerable, { encoder: enc });
    expect(total.map(round)).toEqual([1.4, 1.4, 0.4]);
    expect(enc.calls).toHaveLength(2); // one for parts(), one for score(): each reward call is one batch
    expect(enc.calls[0]).toHaveLength(6);
  });

  it('refusable rows: good correction 1.25, NIL 0.30, "vanilla" 0.30, no <answer> 0.95', async () => {
    const enc = encoder();
    const completions = [
      completion(PRED_REFUSAL, QUERY),
      completion(PRED_REFUSAL, 'NIL'),
      completion(PRED_REFUSAL, 'He eats vanilla ice cream.'),
      completion(null, QUERY),
    ];
    const parts = await explainCorrection.parts(completions, refusable, { encoder: enc });
    expect(parts.explain.map(round)).toEqual([0.3, 0.3, 0.3, 0]);
    expect(parts.correction.map(round)).toEqual([0.95, 0, 0, 0.95]);
    const total = (await explainCorrection.score(completions, refusable, { encoder: enc })).map(round);
    expect(total).toEqual([1.25, 0.3, 0.3, 0.95]);
    // 3 answers × 2 explain pairs + 2 correction pairs, in one call
    expect(enc.calls[0]).toHaveLength(8);
  });

  it('evaluates (cos+1)/2 − (cos+1)/2 as the reference writes it (bit-exact, not (a−b)/2)', async () => {
    const [r] = await explainCorrection.parts([completion('5.70 to 14.71', 'none')], answerable, { encoder: encoder() })
      .then((p) => p.explain);
    expect(r).toBe((0.85 + 1) / 2 - (0.05 + 1) / 2);
  });
});

describe('explain_correction: edge cases (§7 items 7, 9, 23)', () => {
  it('no <answer> block: explain 0 but the correction is still paid; no encoder call when nothing to compare', async () => {
    const enc = encoder();
    expect(await explainCorrection.score([completion(null, 'NIL')], answerable, { encoder: enc })).toEqual([1]);
    expect(enc.calls).toHaveLength(0);
  });
  it('uses the last <answer> and <correction> blocks (§7 item 10)', async () => {
    const text = '<think>x</think><answer>1 to 2</answer><correction>none</correction> <answer>5.70 to 14.71</answer><correction>NIL</correction>';
    expect((await explainCorrection.score([text], answerable, { encoder: encoder() })).map(round)).toEqual([1.4]);
  });
  it('missing correction → 0 for both task types; empty answerable_query → 0', async () => {
    const noCorrection = '<think>x</think><answer>5.70 to 14.71</answer>';
    const enc = encoder();
    expect((await explainCorrection.parts([noCorrection], answerable, { encoder: enc })).correction).toEqual([0]);
    const refusalNoCorrection = `<think>x</think><answer>${PRED_REFUSAL}</answer>`;
    expect((await explainCorrection.parts([refusalNoCorrection], refusable, { encoder: enc })).correction).toEqual([0]);
    for (const q of ['', null]) {
      const parts = await explainCorrection.parts([completion(PRED_REFUSAL, QUERY)], { ...refusable, answerable_query: q }, { encoder: enc });
      expect(parts.correction).toEqual([0]);
    }
  });
  it('an unrelated non-NIL correction still earns (cos+1)/2 (no threshold, §7 item 23)', async () => {
    const enc = new TableEncoder([['a cat sleeps', QUERY, 0]]);
    const parts = await explainCorrection.parts([completion(null, 'a cat sleeps')], refusable, { encoder: enc });
    expect(parts.correction).toEqual([0.5]);
  });
  it('null task type: explain is still computed, the correction is 0', async () => {
    const parts = await explainCorrection.parts([completion('5.70 to 14.71', 'NIL')], { ...answerable, task_type: null }, { encoder: encoder() });
    expect(parts.explain.map(round)).toEqual([0.4]);
    expect(parts.correction).toEqual([0]);
  });
});

describe('explain_correction: data strings without an <answer> block', () => {
  it('throws a DataError naming gt_answers / refusable_queries (the reference would crash)', async () => {
    const ctx = { encoder: encoder() };
    await expect(explainCorrection.score([completion('x', 'NIL')], { ...answerable, gt_answers: '9.3 to 14.4' }, ctx))
      .rejects.toThrow(/field "gt_answers": has no <answer>…<\/answer> block/);
    await expect(explainCorrection.score([completion('x', 'NIL')], { ...answerable, refusable_queries: '' }, ctx))
      .rejects.toBeInstanceOf(DataError);
    await expect(explainCorrection.score([completion('x', 'NIL')], { ...answerable, refusable_queries: null }, ctx))
      .rejects.toThrow(/field "refusable_queries": is missing/);
  });
  it("with untaggedDataAnswers: 'raw', uses the whole stripped string", async () => {
    const enc = new TableEncoder([
      ['5.70 to 14.71', '9.3 to 14.4', 0.7],
      ['5.70 to 14.71', REFUSAL_REJ, 0.1],
    ]);
    const example = { ...answerable, gt_answers: ' 9.3 to 14.4\n' };
    const [r] = await explainCorrection.score([completion('5.70 to 14.71', 'none')], example, { encoder: enc, untaggedDataAnswers: 'raw' });
    expect(r).toBe((0.7 + 1) / 2 - (0.1 + 1) / 2);
  });
  it('a missing encoder or a bad encoder answer is an error naming the reward', async () => {
    await expect(explainCorrection.score([completion('x', 'NIL')], answerable, {})).rejects.toThrow(/explain_correction needs a sentence encoder/);
    const short = { similarity: async () => [0.1] };
    await expect(explainCorrection.score([completion('x', 'NIL')], answerable, { encoder: short })).rejects.toThrow(/returned 1 similarities for 2 pairs/);
    const nan = { similarity: async (p: readonly unknown[]) => p.map(() => NaN) };
    await expect(explainCorrection.score([completion('x', 'NIL')], answerable, { encoder: nan })).rejects.toThrow(/returned NaN for pair 0/);
  });
});

describe('NIL tests', () => {
  it('reference substring test: case-insensitive, matches inside words', () => {
    for (const yes of ['NIL', 'nil', 'Nil.', 'juvenile', 'vanilla', 'senile', ' n\u0131l ']) expect(nilSubstring(yes)).toBe(true);
    for (const no of ['none', 'until', 'N I L', '\xf1il']) expect(nilSubstring(no)).toBe(false);
  });
  it('token test: the whole correction must be NIL (optionally with a full stop)', () => {
    for (const yes of ['NIL', 'nil', ' Nil. ', 'NIL\n']) expect(nilToken(yes)).toBe(true);
    for (const no of ['juvenile', 'vanilla', 'NIL NIL', 'NIL!', 'nil, the man runs']) expect(nilToken(no)).toBe(false);
  });
});

describe('explain_correction_nil_token', () => {
  it('scores "juvenile" as an ordinary correction: 0.40 for answerable; vanilla earns (cos+1)/2 for refusable', async () => {
    const enc = new TableEncoder([
      ['5.70 to 14.71', '6.2 to 16.2', 0.85],
      ['5.70 to 14.71', REFUSAL_REJ, 0.05],
      [PRED_REFUSAL, REFUSAL_GT, 0.62],
      [PRED_REFUSAL, '6.2 to 16.2', 0.02],
      ['He eats vanilla ice cream.', QUERY, 0.2],
    ]);
    const a = await explainCorrectionNilToken.score(
      ['NIL', 'A juvenile dog runs.'].map((c) => completion('5.70 to 14.71', c)), answerable, { encoder: enc });
    expect(a.map(round)).toEqual([1.4, 0.4]);
    const r = await explainCorrectionNilToken.score(
      ['NIL', 'He eats vanilla ice cream.'].map((c) => completion(PRED_REFUSAL, c)), refusable, { encoder: enc });
    expect(r.map(round)).toEqual([0.3, 0.9]);
  });
});

describe('explain_correction_paper (§1.5 "paper" column)', () => {
  it('explain = cos_pos − cos_neg (not halved); answerable correction = 0; refusable correction = raw cosine', async () => {
    const enc = encoder();
    const a = await explainCorrectionPaper.parts(['NIL', 'none'].map((c) => completion('5.70 to 14.71', c)), answerable, { encoder: enc });
    expect(a.explain.map(round)).toEqual([0.8, 0.8]);
    expect(a.correction).toEqual([0, 0]);
    const r = await explainCorrectionPaper.parts(
      [completion(PRED_REFUSAL, QUERY), completion(PRED_REFUSAL, 'NIL'), completion(null, QUERY)], refusable, { encoder: enc });
    expect(r.explain.map(round)).toEqual([0.6, 0.6, 0]);
    expect(r.correction).toEqual([0.9, 0, 0.9]);
  });
});

function round(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
