import { describe, expect, it } from 'vitest';
import { extractAnswerText, extractCorrectionText, findTimestamp } from '../../lib/rewards/index.js';
import { decimalDigitValue, pyFloatOfDecimal, pyMax, pyMin, pyStrip } from '../../lib/rewards/python-text.js';

describe('answer / correction extraction (spec §1.0)', () => {
  it('takes the last block, stripped', () => {
    expect(extractAnswerText('<answer>1 to 2</answer> … <answer>\n 6.22 to 16.19 \n</answer>')).toBe('6.22 to 16.19');
    expect(extractCorrectionText('<correction>a</correction><correction> NIL </correction>')).toBe('NIL');
  });
  it('returns null without a block and "" for an empty block', () => {
    expect(extractAnswerText('no tags here')).toBeNull();
    expect(extractAnswerText('<answer>unterminated')).toBeNull();
    expect(extractAnswerText('<answer></answer>')).toBe('');
    expect(extractAnswerText('<answer> \n\t </answer>')).toBe('');
    expect(extractCorrectionText('<think>x</think><answer>y</answer>')).toBeNull();
  });
  it('is case-sensitive in the tags and spans newlines (DOTALL)', () => {
    expect(extractAnswerText('<ANSWER>x</ANSWER>')).toBeNull();
    expect(extractAnswerText('<answer>line1\nline2</answer>')).toBe('line1\nline2');
  });
  it('scans like re.findall: a nested opening tag stays inside the first block', () => {
    expect(extractAnswerText('<answer>a<answer>b</answer> tail </answer>')).toBe('a<answer>b');
  });
  it('strips Python whitespace (NEL, U+001C..U+001F) but keeps a BOM and zero-width space', () => {
    expect(extractAnswerText('<answer>\x85\x1c x \x1f\u3000</answer>')).toBe('x');
    expect(extractAnswerText('<answer>\ufeffx\u200b</answer>')).toBe('\ufeffx\u200b');
    expect(pyStrip('\ufeff x \ufeff')).toBe('\ufeff x \ufeff');
  });
  it('strips in linear time even with huge interior whitespace runs', () => {
    const inner = `x${' '.repeat(200_000)}y`;
    const started = performance.now();
    const stripped = pyStrip(`${' '.repeat(200_000)}${inner}\n`);
    expect(stripped === inner).toBe(true); // not toBe(inner): a failing diff of 200k-char strings takes minutes
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('timestamp detector (spec §1.0)', () => {
  it('needs whitespace around "to", any case', () => {
    expect(findTimestamp('5.70 to 14.71')).toEqual({ start: 5.7, end: 14.71 });
    expect(findTimestamp('5.70 TO 14.71')).toEqual({ start: 5.7, end: 14.71 });
    expect(findTimestamp('5.70 To 14.71')).toEqual({ start: 5.7, end: 14.71 });
    expect(findTimestamp('5.70\n\tto  14.71')).toEqual({ start: 5.7, end: 14.71 });
  });
  it('does not match dashes or a glued "to"', () => {
    expect(findTimestamp('12.5-17.8')).toBeNull();
    expect(findTimestamp('12.5–17.8')).toBeNull();
    expect(findTimestamp('12.5to17.8')).toBeNull();
    expect(findTimestamp('12.5 and 17.8')).toBeNull();
  });
  it('ignores the sign and takes the first span', () => {
    expect(findTimestamp('-3 to 5')).toEqual({ start: 3, end: 5 });
    expect(findTimestamp('5.0 to 7.0 or 20.0 to 25.0')).toEqual({ start: 5, end: 7 });
  });
  it('fires inside a refusal sentence', () => {
    expect(findTimestamp('Not present; the person only sits from 3 to 5 seconds.')).toEqual({ start: 3, end: 5 });
  });
  it('reads a trailing point and backtracks like Python ("12. to 3")', () => {
    expect(findTimestamp('12. to 3')).toEqual({ start: 12, end: 3 });
    expect(findTimestamp('1.2.3 to 4')).toEqual({ start: 2.3, end: 4 });
  });
  it('matches Unicode digits and whitespace as Python `\\d`/`\\s` do, and float() reads them', () => {
    expect(findTimestamp('\u0666.\u0662\u0662\xa0to\u3000\u0661\u0666.\u0661\u0669')).toEqual({ start: 6.22, end: 16.19 });
    expect(findTimestamp('\uff16 to \uff11\uff16')).toEqual({ start: 6, end: 16 });
    expect(findTimestamp('\u{1d7cf}\u{1d7d0} to 3')).toEqual({ start: 12, end: 3 });
    expect(findTimestamp('6\x85to\x1c7')).toEqual({ start: 6, end: 7 });
    expect(findTimestamp('6\ufeffto\ufeff7')).toBeNull();
    expect(findTimestamp('6\u200bto\u200b7')).toBeNull();
  });
});

describe('Python helpers', () => {
  it('digit values follow the Nd runs (also for adjacent runs such as the mathematical digits)', () => {
    expect(decimalDigitValue(0x39)).toBe(9);
    expect(decimalDigitValue(0x1d7ce)).toBe(0); // MATHEMATICAL BOLD DIGIT ZERO, start of 5 adjacent runs
    expect(decimalDigitValue(0x1d7e1)).toBe(9); // MATHEMATICAL DOUBLE-STRUCK DIGIT NINE, 2nd run
    expect(() => decimalDigitValue(0x41)).toThrow(/not a decimal digit/);
    expect(pyFloatOfDecimal('\uff11\uff12.\uff15')).toBe(12.5);
    expect(pyFloatOfDecimal('5.')).toBe(5);
  });
  it('max/min keep Python argument-order semantics with NaN', () => {
    expect(pyMax(0, NaN)).toBe(0);
    expect(pyMax(NaN, 0)).toBeNaN();
    expect(pyMin(1, NaN)).toBe(1);
    expect(pyMax(1, 2)).toBe(2);
    expect(pyMin(1, 2)).toBe(1);
  });
});
