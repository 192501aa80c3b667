// `rarft-eval score` scores a reversed ground-truth span as IoU 0, as the reference does, but warns naming the
// records (issue 16, point 6).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { runScore } from '../../lib/cli/score-command.js';

const item = (gt: [number, number] | null, relevant: boolean) => ({
  video: 'v.mp4',
  query: 'a person opens a door',
  model_output: '<think></think><answer>2.0 to 5.0</answer><correction>NIL</correction>',
  gt_relevant: relevant,
  gt_timestamp: gt,
  gt_output: relevant ? '<answer>2.0 to 5.0</answer>' : '<answer>The video does not show a door.</answer>',
  gt_categories: [],
});

describe('rarft-eval score: reversed GT spans', () => {
  it('warns once with the count and the records; the item still scores IoU 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rarft-score-rev-'));
    const predictions = join(dir, 'predictions.jsonl');
    writeFileSync(predictions, [item([2, 5], true), item([5, 2], true), item(null, false), item([9, 1], true)].map((x) => JSON.stringify(x)).join('\n') + '\n');
    const lines: string[] = [];
    const r = await runScore({ predictions, out: join(dir, 'metrics.json'), log: (l) => lines.push(l) });
    expect(lines.filter((l) => l.startsWith('warning'))).toEqual([
      `warning: ${predictions}: 2 relevant item(s) have a reversed ground-truth span (start > end) and score IoU 0, as in the reference: record 1 [5, 2], record 3 [9, 1]`,
    ]);
    expect(r.items.map((i) => i.iou)).toEqual([1, 0, 0, 0]);
  });
  it('says nothing when every span is in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rarft-score-rev-'));
    const predictions = join(dir, 'predictions.jsonl');
    writeFileSync(predictions, JSON.stringify(item([2, 5], true)) + '\n');
    const lines: string[] = [];
    await runScore({ predictions, out: join(dir, 'metrics.json'), log: (l) => lines.push(l) });
    expect(lines.filter((l) => l.startsWith('warning'))).toEqual([]);
  });
});
