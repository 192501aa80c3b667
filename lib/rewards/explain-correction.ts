/**
 * `explain_correction` reward (spec §1.3): r_ec = r_exp + r_cor, plus two opt-in variants.
 *
 * r_exp (only when the completion has an `<answer>` block, else 0), with pred = its answer text and gt / rej = the
 * answer-block contents of `gt_answers` / `refusable_queries`:
 *   reference: (cos(pred, gt) + 1)/2 − (cos(pred, rej) + 1)/2  (= half the cosine difference, in [−1, 1])
 * r_cor, with c = the last `<correction>` text:
 *   answerable: 1 if c contains "NIL" (case-insensitive SUBSTRING: "juvenile" counts, §7 item 7), else 0
 *   refusable:  0 if c is missing, contains NIL, or `answerable_query` is empty; else (cos(c, q_ans) + 1)/2
 *
 * Variants (selectable by name):
 * - `explain_correction_nil_token`: NIL must be the whole correction (`^\s*NIL\s*\.?\s*$`, case-insensitive), so
 *   "vanilla"/"juvenile" are ordinary corrections. Everything else as the reference.
 * - `explain_correction_paper` (paper formulas, §1.5): r_exp = cos(pred, gt) − cos(pred, rej) (no halving),
 *   answerable r_cor = 0, refusable r_cor = cos(c, q_ans) (raw cosine); NIL by whole token; missing c / empty
 *   q_ans → 0 as in the reference.
 *
 * Data strings without an `<answer>` block: the reference crashes (it encodes None). Here that is a DataError that
 * names the field, unless `ctx.untaggedDataAnswers === 'raw'`, which uses the whole stripped string instead
 * (useful for files such as SS-QVHighlights whose refusal answers are untagged). The check runs for every call,
 * not only when a completion happens to have an answer, so a bad example fails on its first step.
 *
 * All similarity pairs of one call go to the encoder in ONE `similarity` call (the reference's single batch).
 */
import { DataError } from '../errors.js';
import { extractAnswerText, extractCorrectionText } from './extract.js';
import { PY_S, pyStrip } from './python-text.js';
import type { RewardContext, RewardExample, RewardFunction } from './types.js';

interface ExplainCorrectionRule {
  /** r_exp from the two cosines. */
  explain(cosGt: number, cosRej: number): number;
  /** Whether a correction text counts as "NIL". */
  isNil(correction: string): boolean;
  /** r_cor of an answerable example whose correction is NIL. */
  readonly answerableNilScore: number;
  /** r_cor of a refusable example from cos(correction, answerable query). */
  correction(cosQuery: number): number;
}

const NIL_TOKEN = new RegExp(`^${PY_S}*NIL${PY_S}*\\.?${PY_S}*$`, 'i');

/** Reference NIL test: "NIL" in c.strip().upper(). */
export const nilSubstring = (correction: string): boolean => pyStrip(correction).toUpperCase().includes('NIL');
/** Saner NIL test: the correction is the token NIL, optionally with a full stop. */
export const nilToken = (correction: string): boolean => NIL_TOKEN.test(correction);

// (x + 1)/2 − (y + 1)/2 is evaluated as written (not (x − y)/2) so results match the reference to the last bit.
const referenceRule: ExplainCorrectionRule = {
  explain: (cosGt, cosRej) => (cosGt + 1) / 2 - (cosRej + 1) / 2,
  isNil: nilSubstring,
  answerableNilScore: 1,
  correction: (cosQuery) => (cosQuery + 1) / 2,
};

const nilTokenRule: ExplainCorrectionRule = { ...referenceRule, isNil: nilToken };

const paperRule: ExplainCorrectionRule = {
  explain: (cosGt, cosRej) => cosGt - cosRej,
  isNil: nilToken,
  answerableNilScore: 0,
  correction: (cosQuery) => cosQuery,
};

type DataAnswerField = 'gt_answers' | 'refusable_queries';

/** The answer-block content of a data string (`gt_answers` / `refusable_queries`), per the untagged policy. */
export function dataAnswer(example: RewardExample, field: DataAnswerField, ctx: RewardContext): string {
  const raw = example[field];
  if (raw === null || raw === undefined) {
    throw new DataError('is missing; the explain reward compares the answer with it', { field });
  }
  const tagged = extractAnswerText(raw);
  if (tagged !== null) return tagged;
  if (ctx.untaggedDataAnswers === 'raw') return pyStrip(raw);
  throw new DataError(
    `has no <answer>…</answer> block (${JSON.stringify(raw.slice(0, 80))}); the reference would crash on it. ` +
      `Tag it, or set untaggedDataAnswers: 'raw' to compare with the whole string`,
    { field },
  );
}

/** r_exp and r_cor separately (the reference logs both); the reward is their sum. */
export interface ExplainCorrectionParts {
  readonly explain: number[];
  readonly correction: number[];
}

async function scoreParts(
  rule: ExplainCorrectionRule,
  rewardName: string,
  completions: readonly string[],
  example: RewardExample,
  ctx: RewardContext,
): Promise<ExplainCorrectionParts> {
  const gt = dataAnswer(example, 'gt_answers', ctx);
  const rej = dataAnswer(example, 'refusable_queries', ctx);
  const query = example.answerable_query;

  const pairs: Array<readonly [string, string]> = [];
  // Per completion: where its cosines sit in `pairs` (-1 = not computed) and the cosine-free part of r_cor.
  const explainAt: number[] = [];
  const correctionAt: number[] = [];
  const fixedCorrection: number[] = [];

  for (const completion of completions) {
    const pred = extractAnswerText(completion);
    explainAt.push(pred === null ? -1 : pairs.push([pred, gt], [pred, rej]) - 2);

    const correction = extractCorrectionText(completion);
    const nil = correction !== null && rule.isNil(correction);
    let at = -1;
    let fixed = 0;
    if (example.task_type === 'answerable') fixed = nil ? rule.answerableNilScore : 0;
    else if (example.task_type === 'refusable' && correction !== null && !nil && query) at = pairs.push([correction, query]) - 1;
    correctionAt.push(at);
    fixedCorrection.push(fixed);
  }

  const cosines = pairs.length ? await similarities(rewardName, ctx, pairs) : [];
  return {
    explain: explainAt.map((e) => (e < 0 ? 0 : rule.explain(cosines[e]!, cosines[e + 1]!))),
    correction: correctionAt.map((c, i) => (c < 0 ? fixedCorrection[i]! : rule.correction(cosines[c]!))),
  };
}

async function similarities(
  rewardName: string,
  ctx: RewardContext,
  pairs: ReadonlyArray<readonly [string, string]>,
): Promise<number[]> {
  if (!ctx.encoder) throw new Error(`${rewardName} needs a sentence encoder (SBERT weights), but none was provided`);
  const cosines = await ctx.encoder.similarity(pairs);
  if (!Array.isArray(cosines) || cosines.length !== pairs.length) {
    throw new Error(`${rewardName}: the sentence encoder returned ${cosines?.length} similarities for ${pairs.length} pairs`);
  }
  const bad = cosines.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
  if (bad >= 0) throw new Error(`${rewardName}: the sentence encoder returned ${cosines[bad]} for pair ${bad}`);
  return cosines;
}

/** An explain/correction reward; `parts` exposes r_exp and r_cor, `score` returns r_exp + r_cor. */
export interface ExplainCorrectionReward extends RewardFunction {
  parts(completions: readonly string[], example: RewardExample, ctx: RewardContext): Promise<ExplainCorrectionParts>;
}

function explainCorrectionReward(name: string, description: string, rule: ExplainCorrectionRule): ExplainCorrectionReward {
  const parts = (completions: readonly string[], example: RewardExample, ctx: RewardContext) =>
    scoreParts(rule, name, completions, example, ctx);
  return {
    name,
    description,
    needsEncoder: true,
    parts,
    score: async (completions, example, ctx) => {
      const { explain, correction } = await parts(completions, example, ctx);
      return explain.map((e, i) => e + correction[i]!);
    },
  };
}

export const explainCorrection = explainCorrectionReward(
  'explain_correction',
  'reference: (cos(a,gt) − cos(a,rej))/2 + correction (answerable: 1 if "NIL" substring; refusable: (cos(c,q)+1)/2)',
  referenceRule,
);

export const explainCorrectionNilToken = explainCorrectionReward(
  'explain_correction_nil_token',
  'explain_correction with NIL matched as the whole correction token, not as a substring',
  nilTokenRule,
);

export const explainCorrectionPaper = explainCorrectionReward(
  'explain_correction_paper',
  'paper: cos(a,gt) − cos(a,rej) + correction (answerable: 0; refusable: cos(c,q)); NIL by whole token',
  paperRule,
);
