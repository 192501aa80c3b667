import { describe, expect, it } from 'vitest';
import { extractAnswer, hullIoU, lengthUnionIoU, scoreVtg, vtgMetrics } from '../../lib/metrics/index.js';
import { charadesStaTest } from './real-data.js';

describe('Time-R1 extract_answer quirks', () => {
  it('the last match over the whole output wins (think included)', () => {
    expect(extractAnswer('<think>from 1 to 2</think><answer>3.5 to 7</answer>')).toEqual([3.5, 7]);
    expect(extractAnswer('<answer>3 to 4</answer> but maybe 9 to 10')).toEqual([9, 10]);
    expect(extractAnswer('2.5 to 4.0 and 6 to 8')).toEqual([6, 8]);
  });
  it('exactly one literal space, case-sensitive, "and" accepted', () => {
    expect(extractAnswer('<answer>12.5  to 17</answer>')).toBeNull();
    expect(extractAnswer('<answer>3 To 5</answer>')).toBeNull();
    expect(extractAnswer('<answer>3-5</answer>')).toBeNull();
    expect(extractAnswer('between 3 and 5 seconds')).toEqual([3, 5]);
    expect(extractAnswer('12. to 15')).toEqual([12, 15]); // `\d+\.?\d*` accepts a trailing dot
    expect(extractAnswer('no numbers here')).toBeNull();
  });
  it('the robust parser tolerates spacing, case, dashes and prefers the last <answer> block', () => {
    expect(extractAnswer('<answer>12.5  to 17</answer>', 'robust')).toEqual([12.5, 17]);
    expect(extractAnswer('<answer>3 To 5</answer>', 'robust')).toEqual([3, 5]);
    expect(extractAnswer('<answer>3 – 5</answer>', 'robust')).toEqual([3, 5]);
    expect(extractAnswer('<answer>3.2s-5.9s</answer>', 'robust')).toEqual([3.2, 5.9]);
    expect(extractAnswer('<answer>1 to 2</answer> x <answer>3 AND 4</answer> then 9 to 10', 'robust')).toEqual([3, 4]);
    expect(extractAnswer('<answer>none</answer> 7 to 8', 'robust')).toEqual([7, 8]); // falls back to the whole text
  });
});

describe('IoU and aggregate', () => {
  it('hull IoU and length-union IoU', () => {
    expect(hullIoU([5, 15], [0, 10])).toBeCloseTo(1 / 3, 12); // inter 5, hull 15
    expect(hullIoU([12, 15], [0, 10])).toBe(0);
    expect(hullIoU(null, [0, 10])).toBe(0);
    expect(hullIoU([3, 3], [3, 3])).toBe(0); // zero hull: 0 instead of Python's ZeroDivisionError
    expect(lengthUnionIoU([0, 10], [2, 4])).toBeCloseTo(0.2, 12);
    expect(lengthUnionIoU([0, 10], [12, 15])).toBe(0);
  });
  it('mIoU and strict R1@k', () => {
    const m = vtgMetrics([1, 0.7, 0.5, 0.3, 0]);
    expect(m.mIoU).toBeCloseTo(50, 12);
    expect(m['R1@0.3']).toBe(60); // 0.3 itself is not > 0.3
    expect(m['R1@0.5']).toBe(40);
    expect(m['R1@0.7']).toBe(20);
    expect(m.avg).toBeCloseTo(42.5, 12);
    expect(() => vtgMetrics([])).toThrow(/no items/);
  });
});

describe('Charades-STA test (3720 real queries)', () => {
  const lines = charadesStaTest();
  const gts = lines.map((l) => [l.start, l.end] as const);

  it('has 3720 queries', () => expect(lines.length).toBe(3720));

  it('predictions = GT → mIoU 100 and R1@0.7 = 100 (IoU 1 > 0.7)', () => {
    const outputs = lines.map((l) => `<think>around 0.0 to 1.0</think> <answer>${l.startText} to ${l.endText}</answer>`);
    const { metrics } = scoreVtg(outputs, gts);
    expect(metrics.count).toBe(3720);
    expect(metrics.mIoU).toBeCloseTo(100, 10);
    expect(metrics['R1@0.7']).toBe(100);
    expect(metrics.avg).toBeCloseTo(100, 10);
  });

  it('predictions shifted by d = 1.05 s: IoU = (L−d)/(L+d), thresholds off the 0.1 s grid', () => {
    const d = 1.05;
    const outputs = lines.map((l) => `<answer>${(l.start + d).toFixed(2)} to ${(l.end + d).toFixed(2)}</answer>`);
    const { metrics, ious } = scoreVtg(outputs, gts);
    // First line 3MSZA 24.3 30.4 → 25.35 to 31.45: L = 6.1, inter 30.4−25.35 = 5.05, hull 31.45−24.3 = 7.15
    expect(lines[0]!.video).toBe('3MSZA');
    expect(ious[0]).toBeCloseTo(5.05 / 7.15, 9);
    // IoU > k ⇔ L > d(1+k)/(1−k): 0.3 → L > 1.95, 0.5 → L > 3.15, 0.7 → L > 5.95 (no 0.1-grid L lies on a boundary)
    const L = lines.map((l) => Math.round((l.end - l.start) * 10) / 10);
    const count = (k: number) => L.filter((len) => len > (d * (1 + k)) / (1 - k)).length;
    expect(metrics['R1@0.3']).toBeCloseTo((100 * count(0.3)) / 3720, 10);
    expect(metrics['R1@0.5']).toBeCloseTo((100 * count(0.5)) / 3720, 10);
    expect(metrics['R1@0.7']).toBeCloseTo((100 * count(0.7)) / 3720, 10);
    const expectedMiou = (100 * L.reduce((a, len) => a + Math.max(0, len - d) / (len + d), 0)) / 3720;
    expect(metrics.mIoU).toBeCloseTo(expectedMiou, 6);
    expect(metrics['R1@0.7']).toBeLessThan(100);
  });

  it('the same outputs with two spaces parse to nothing under Time-R1 and fully under "robust"', () => {
    const outputs = lines.slice(0, 50).map((l) => `<answer>${l.startText}  to  ${l.endText}</answer>`);
    const g = gts.slice(0, 50);
    expect(scoreVtg(outputs, g).metrics.mIoU).toBe(0);
    expect(scoreVtg(outputs, g, 'robust').metrics.mIoU).toBeCloseTo(100, 10);
  });
});
