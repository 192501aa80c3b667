/**
 * Text cleaning of the RA-RFT evaluator (`src/llm_eval/utils.py`, spec §5.2), reproduced quirk for quirk because the
 * judge, SBERT and our rule-based relevance all read these strings.
 */

/** `<think …>…</think>` with spaces/attributes in the tags, any case; an unclosed think block is left alone. */
const THINK_BLOCK = /<\s*think\b[^>]*>[\s\S]*?<\s*\/\s*think\s*>/gi;
/** The FIRST `<answer …>…</answer>` block (the rewards use the last one: spec §7 item 10). */
const FIRST_ANSWER_BLOCK = /<\s*answer\b[^>]*>([\s\S]*?)<\s*\/\s*answer\s*>/i;
const CORRECTION_BLOCK = /<\s*correction\b[^>]*>[\s\S]*?<\s*\/\s*correction\s*>/gi;
/** Any tag marker whose name starts with a letter or "_": `<|im_end|>` does not match and survives, as in the reference. */
const TAG_MARKER = /<\s*\/?[A-Za-z_][A-Za-z0-9_]*\b[^>]*>/g;
/** GT cleaning removes only these four markers; `<correct>` (human-anno) survives. */
const GT_MARKER = /<\s*\/?\s*(?:think|answer)\b[^>]*>/gi;
/** Only the exact newline-delimited form is deleted ("NIL" inside a sentence stays). */
const NIL_LINE = '\nNIL\n';

/** Python `str.strip()` on ASCII whitespace and the Unicode spaces JS `trim` also covers. */
const strip = (s: string) => s.trim();
const deleteNilLines = (s: string) => s.split(NIL_LINE).join('');

/** What the judge sees in stage 1: think blocks removed, then the first answer block's content, else the whole text. */
export function answerForJudge(modelOutput: string): string {
  const withoutThink = modelOutput.replace(THINK_BLOCK, '');
  const answer = FIRST_ANSWER_BLOCK.exec(withoutThink);
  if (!answer) return strip(withoutThink);
  return strip(deleteNilLines(answer[1]!));
}

/** The reasoning text for stages 2–4: correction blocks removed, tag markers removed but their contents kept. */
export function reasoningText(modelOutput: string): string {
  const noCorrection = modelOutput.replace(CORRECTION_BLOCK, '');
  const noTags = noCorrection.replace(TAG_MARKER, '');
  return strip(deleteNilLines(noTags));
}

/** The GT explanation as compared with the reasoning text (stages 3–4). */
export function cleanGroundTruth(gtOutput: string): string {
  return strip(gtOutput.replace(GT_MARKER, ''));
}
