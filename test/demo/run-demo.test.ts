// The demo pipeline end to end at a small size (the full run is measured in docs/demo.md): tiny checkpoint ->
// synthetic videos and records -> held-out accuracy -> SFT -> GRPO from the SFT checkpoint -> held-out accuracy,
// with every stage's run folder and the summary written.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { type DemoSummary, firstLastTenth, runDemo } from '../../lib/demo/run-demo.js';

describe('runDemo', () => {
  it('runs warm-up then GRPO and writes the summary', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rarft-demo-')), 'demo');
    const lines: string[] = [];
    const s = await runDemo({ outputDir: out, sftSteps: 4, grpoSteps: 3, saveSteps: 2, trainRecords: 3, heldoutRecords: 1, progress: null, log: (l) => lines.push(l) });
    expect(s.stopped).toBe('completed');
    expect(s.sft.steps).toBe(4);
    expect(s.grpo.steps).toBe(3);
    expect(s.sft.lastLoss).toBeLessThan(s.sft.firstLoss);
    for (const h of [s.heldout.before, s.heldout.afterSft, s.heldout.afterGrpo]) {
      expect(h.queries).toBe(2); // 1 held-out video x (1 answerable + 1 refusable)
      expect(h.refusalAccuracy).toBeGreaterThanOrEqual(0);
    }
    expect(Number.isFinite(s.grpo.rewardFirstTenth) && Number.isFinite(s.grpo.rewardLastTenth)).toBe(true);
    const saved = JSON.parse(readFileSync(join(out, 'demo_summary.json'), 'utf8')) as DemoSummary;
    expect(saved.grpo).toEqual(s.grpo);
    for (const p of ['sft/checkpoint-4/model.safetensors', 'grpo/checkpoint-3/optimizer.safetensors', 'grpo/metrics.jsonl', 'grpo/completions.jsonl', 'data/heldout.json'])
      expect(existsSync(join(out, p)), p).toBe(true);
    // GRPO started from the warm-up's checkpoint
    expect(readFileSync(join(out, 'grpo', 'config.yaml'), 'utf8')).toMatch(/model_path: .*sft\/checkpoint-4/);
    expect(lines.join('\n')).toMatch(/held-out refusal accuracy: before .* after warm-up .* after GRPO/);
  });

  it('firstLastTenth ignores skipped steps and uses at least one step per end', () => {
    const h = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20].map((r) => ({ reward: r, skipped: 0 }));
    expect(firstLastTenth(h, 'reward')).toEqual([1.5, 19.5]);
    expect(firstLastTenth([{ reward: 5, skipped: 1 }, { reward: 2, skipped: 0 }, { reward: 4, skipped: 0 }], 'reward')).toEqual([2, 4]);
  });
});
