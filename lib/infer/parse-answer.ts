/**
 * What an output says, for printing and for the per-item results: a span, a refusal (with its explanation and the
 * corrected query), or nothing usable. The decision is the evaluator's offline rule (rarft-reference §7 item 18:
 * relevant iff the answer holds "NUM to NUM"), so rarft-infer and rarft-eval's scoring never disagree. The Time-R1
 * template has no refusal branch: its outputs are read with Time-R1's own parser (§5.4).
 */
import { answerForJudge, classifyRelevanceByRule, extractAnswer } from '../metrics/index.js';
import { extractAnswerText, extractCorrectionText } from '../rewards/extract.js';
import type { PromptTemplate } from '../text/index.js';

export type ParsedAnswer =
  | { kind: 'span'; span: [number, number] }
  | { kind: 'refusal'; explanation: string; correction: string | null }
  | { kind: 'none' };

export function parseAnswer(output: string, template: PromptTemplate): ParsedAnswer {
  if (template === 'timer1') {
    const span = extractAnswer(output, 'timer1');
    return span ? { kind: 'span', span: [span[0], span[1]] } : { kind: 'none' };
  }
  const rule = classifyRelevanceByRule(output);
  if (rule.relevant && rule.span) return { kind: 'span', span: [rule.span[0], rule.span[1]] };
  const explanation = (extractAnswerText(output) ?? answerForJudge(output)).replace(/<\|im_end\|>|<\|endoftext\|>/g, '').trim();
  const correction = extractCorrectionText(output);
  return { kind: 'refusal', explanation, correction: correction === null || /^nil$/i.test(correction) ? null : correction };
}

/** One human-readable line: the span in seconds, or the refusal with its explanation and corrected query. */
export function formatAnswer(a: ParsedAnswer): string {
  switch (a.kind) {
    case 'span':
      return `${a.span[0].toFixed(2)} to ${a.span[1].toFixed(2)} s`;
    case 'refusal':
      return `refused: ${a.explanation || '(no explanation)'}\ncorrected query: ${a.correction ?? '(none)'}`;
    case 'none':
      return 'no span found in the output';
  }
}
