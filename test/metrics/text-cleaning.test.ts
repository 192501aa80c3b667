import { describe, expect, it } from 'vitest';
import { answerForJudge, classifyRelevanceByRule, cleanGroundTruth, reasoningText } from '../../lib/metrics/index.js';

const TYPICAL_REFUSAL =
  '<think>\nI check the room.\n</think>\n<answer>\nThe video does not contain a relevant segment for the query "x" because there is no dog.\n</answer>\n<correction>\na cat sleeps\n</correction><|im_end|>';

describe('answer-for-judge', () => {
  it('deletes think blocks (tolerant tags), takes the FIRST answer block, deletes "\\nNIL\\n", strips', () => {
    expect(answerForJudge('<think>a</think><answer>\n48.12 to 56.12\n</answer>\n<correction>NIL</correction><|im_end|>')).toBe('48.12 to 56.12');
    expect(answerForJudge('< THINK type="x" >1 to 2</ think ><answer>first</answer><answer>second</answer>')).toBe('first');
    expect(answerForJudge('<answer>\nNIL\n3 to 4</answer>')).toBe('3 to 4');
    expect(answerForJudge('<answer>NIL inside stays</answer>')).toBe('NIL inside stays');
  });
  it('without an answer block, the whole remaining text (correction and <|im_end|> included)', () => {
    expect(answerForJudge('<think>x</think>\n12 to 15 <correction>NIL</correction><|im_end|>\n')).toBe('12 to 15 <correction>NIL</correction><|im_end|>');
    // an unclosed think block is not deleted (the regex needs the closing tag)
    expect(answerForJudge('<think>cut off at 200 tokens 1 to 2')).toBe('<think>cut off at 200 tokens 1 to 2');
  });
});

describe('reasoning text', () => {
  it('removes correction blocks and tag markers but keeps contents; <|im_end|> survives', () => {
    expect(reasoningText(TYPICAL_REFUSAL)).toBe(
      'I check the room.\n\n\nThe video does not contain a relevant segment for the query "x" because there is no dog.\n\n<|im_end|>',
    );
    expect(reasoningText('<think>see <timestep>1 to 2</timestep> a</think>\nNIL\n<answer>b</answer>')).toBe('see 1 to 2 ab');
  });
});

describe('GT cleaning', () => {
  it('removes only think/answer markers; <correct> of human-anno survives', () => {
    expect(cleanGroundTruth('<answer>The man sits on a bed.</answer><correct>man reads.</correct>')).toBe('The man sits on a bed.<correct>man reads.</correct>');
    expect(cleanGroundTruth(' <think>t</think> <Answer >x</answer > ')).toBe('t x');
    expect(cleanGroundTruth('<answer></answer>')).toBe('');
  });
});

describe('deterministic relevance rule', () => {
  it('relevant iff the answer holds NUM to NUM (first span, any case, any spacing)', () => {
    expect(classifyRelevanceByRule('<answer>\n48.12 to 56.12\n</answer>')).toEqual({ relevant: true, span: [48.12, 56.12] });
    expect(classifyRelevanceByRule('<answer>3  TO 4, or 5 to 6</answer>')).toEqual({ relevant: true, span: [3, 4] });
    expect(classifyRelevanceByRule(TYPICAL_REFUSAL)).toEqual({ relevant: false, span: null });
    // the think block is ignored even when it has spans
    expect(classifyRelevanceByRule('<think>1 to 2</think><answer>no such segment</answer>')).toEqual({ relevant: false, span: null });
    // documented weakness shared with the reward (§7 item 9): a refusal sentence with "X to Y" counts as a span
    expect(classifyRelevanceByRule('<answer>No: the video shows 3 to 4 people, not one.</answer>').relevant).toBe(true);
    // only the first answer block is read (§7 item 10)
    expect(classifyRelevanceByRule('<answer>nothing here</answer><answer>1 to 2</answer>').relevant).toBe(false);
  });
});
