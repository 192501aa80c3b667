import { describe, expect, it } from 'vitest';
import { formatAnswer, parseAnswer } from '../../lib/infer/index.js';

describe('parseAnswer', () => {
  it('reads a span from the answer block (the evaluator rule)', () => {
    const out = '<think>\nthe box is red\n</think>\n<answer>\n48.12 to 56.12\n</answer>\n<correction>NIL</correction><|im_end|>';
    expect(parseAnswer(out, 'inference')).toEqual({ kind: 'span', span: [48.12, 56.12] });
    expect(formatAnswer(parseAnswer(out, 'inference'))).toBe('48.12 to 56.12 s');
  });

  it('reads a refusal with its explanation and corrected query; NIL is no correction', () => {
    const out =
      '<think>no ball</think>\n<answer>\nThe video does not contain a relevant segment for the query "a ball rolls" because there is only a box.\n</answer>\n<correction>\na box appears\n</correction><|im_end|>';
    const a = parseAnswer(out, 'inference');
    expect(a).toEqual({ kind: 'refusal', explanation: 'The video does not contain a relevant segment for the query "a ball rolls" because there is only a box.', correction: 'a box appears' });
    expect(formatAnswer(a)).toBe('refused: The video does not contain a relevant segment for the query "a ball rolls" because there is only a box.\ncorrected query: a box appears');
    expect(parseAnswer('<answer>nothing here</answer><correction>NIL</correction>', 'train')).toEqual({ kind: 'refusal', explanation: 'nothing here', correction: null });
  });

  it('a span in the think block alone does not make an answer relevant (the evaluator ignores think)', () => {
    expect(parseAnswer('<think>maybe 1.0 to 2.0</think><answer>no such moment</answer>', 'inference').kind).toBe('refusal');
  });

  it('timer1: Time-R1 parser, last "S to E" anywhere wins; none -> none', () => {
    expect(parseAnswer('<think>1.0 to 2.0</think><answer>3.5 to 7.25</answer>', 'timer1')).toEqual({ kind: 'span', span: [3.5, 7.25] });
    expect(parseAnswer('<answer>no idea</answer>', 'timer1')).toEqual({ kind: 'none' });
    expect(formatAnswer({ kind: 'none' })).toBe('no span found in the output');
  });
});
