import { describe, expect, it } from 'vitest';
import { formatReward, formatScore } from '../../lib/rewards/index.js';
import { FULL_FORMAT } from '../../lib/rewards/format.js';
import { pyStrip } from '../../lib/rewards/python-text.js';
import { mulberry32 } from '../../lib/data/prng.js';

describe('format reward: spec §1.1 worked examples', () => {
  const table: Array<[string, number]> = [
    ['<think>\n…<timestep>5.0 to 10.0</timestep>\n</think>\n<answer>\n5.70 to 14.71\n</answer>\n<correction>\nNIL\n</correction>', 1],
    ['<think>x</think><answer>5.70 to 14.71</answer>', 0],
    ['<think>x</think><answer>y</answer><correction>z</correction> Done.', 0],
    ['\n  <think>x</think> <answer>y</answer>\n<correction>z</correction>\n', 1],
    ['<THINK>x</THINK><answer>y</answer><correction>z</correction>', 0],
    ['<think>x</think><answer>1 to 2</answer><answer>3 to 4</answer><correction>NIL</correction>', 1],
    ['Sure. <think>x</think><answer>y</answer><correction>z</correction>', 0],
    ['<think>x</think><answer>y</answer><correction>z', 0],
  ];
  it.each(table)('%j → %d', (completion, expected) => {
    expect(formatScore(completion)).toBe(expected);
  });

  it('scores a batch in order through the reward object', () => {
    expect(formatReward.score(table.map(([c]) => c), nullExample(), {})).toEqual(table.map(([, r]) => r));
  });
});

describe('format reward: fullmatch backtracking and Python whitespace', () => {
  it('lets a lazy group expand over a closing tag inside an earlier block', () => {
    expect(formatScore('<think>a</think>b</think><answer>c</answer><correction>d</correction>')).toBe(1);
    expect(formatScore('<think>a</think><answer>c</answer>junk</answer><correction>d</correction>')).toBe(1);
  });
  it('rejects non-whitespace between blocks and a missing block', () => {
    expect(formatScore('<think>a</think>.<answer>c</answer><correction>d</correction>')).toBe(0);
    expect(formatScore('<think>a</think><correction>d</correction>')).toBe(0);
    expect(formatScore('<answer>c</answer><correction>d</correction>')).toBe(0);
  });
  it('accepts empty blocks', () => {
    expect(formatScore('<think></think><answer></answer><correction></correction>')).toBe(1);
  });
  it('treats NEL (U+0085) and U+001C as whitespace but not the BOM (U+FEFF), as Python does', () => {
    expect(formatScore('\x85<think>a</think>\x1c<answer>b</answer>\u2028<correction>c</correction>\x1f')).toBe(1);
    expect(formatScore('\ufeff<think>a</think><answer>b</answer><correction>c</correction>')).toBe(0);
    expect(formatScore('<think>a</think>\ufeff<answer>b</answer><correction>c</correction>')).toBe(0);
    expect(formatScore('<think>a</think>\u200b<answer>b</answer><correction>c</correction>')).toBe(0);
  });
  it('does not let a trailing newline slip past the end anchor', () => {
    // Python's `$` would match before a final "\n", but fullmatch (and strip) make that irrelevant; check both paths.
    expect(formatScore('<think>a</think><answer>b</answer><correction>c</correction>\n\n')).toBe(1);
    expect(formatScore('<think>a</think><answer>b</answer><correction>c</correction>\nx')).toBe(0);
  });
  it('stays linear on adversarial text (a backtracking regex is cubic here)', () => {
    // 2000 unterminated tag triples: the anchored regex needs minutes; the scanner a few milliseconds.
    const adversarial = '<think>a</think><answer>b</answer><correction>c'.repeat(2000);
    const started = performance.now();
    expect(formatScore(adversarial)).toBe(0);
    expect(formatScore(adversarial + '</correction>')).toBe(1);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('the linear scanner accepts exactly what the anchored regex accepts (20k random tag soups)', () => {
    const pieces = ['<think>', '</think>', '<answer>', '</answer>', '<correction>', '</correction>', 'x', ' ', '\n', '\x85', '\ufeff', '<', '</', '>'];
    // mulberry32's 32-bit word (next() * 2^32 is exact) modulo n: deterministic and well mixed in the low bits
    const next = mulberry32(12345);
    const rand = (n: number) => (next() * 4294967296) % n;
    let accepted = 0;
    for (let t = 0; t < 20_000; t++) {
      let text = '';
      const n = rand(14);
      for (let i = 0; i < n; i++) text += pieces[rand(pieces.length)];
      if (rand(2)) text = `<think>${text.slice(0, 9)}</think> <answer>${text.slice(9, 20)}</answer>\n<correction>${text.slice(20)}</correction>`;
      const viaRegex = FULL_FORMAT.test(pyStrip(text)) ? 1 : 0;
      expect(formatScore(text), JSON.stringify(text)).toBe(viaRegex);
      accepted += viaRegex;
    }
    expect(accepted).toBeGreaterThan(2_000); // both outcomes are well represented
  });
});

function nullExample() {
  return {
    task_type: null,
    solution: null,
    durations: null,
    gt_answers: null,
    refusable_queries: null,
    answerable_query: null,
  } as const;
}
