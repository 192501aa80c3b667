/** The reports' GRPO signal table, the multi-run comparison (smoothing, mean over a label's runs, legend, SVG files). */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { reportCommand } from '../../lib/cli/report-command.js';
import { meanSeries, renderComparison, smoothedSeries } from '../../lib/logging/compare-report.js';
import { summariseMetric } from '../../lib/logging/metric-summary.js';
import { MetricsWriter, type MetricsRecord } from '../../lib/logging/metrics-jsonl.js';
import { renderReport } from '../../lib/logging/report.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'rarft-compare-'));
// 20 steps: reward = step / 10, frac_reward_zero_std = 1 on odd steps, 0 on even ones
const run = (offset = 0): MetricsRecord[] =>
  Array.from({ length: 20 }, (_, i) => ({ step: i + 1, stage: 'grpo', reward: (i + 1) / 10 + offset, frac_reward_zero_std: (i + 1) % 2, loss: 0.5 }));

describe('summariseMetric', () => {
  it('first and last tenth (2 of 20 records), overall mean; null when never logged', () => {
    // reward: first tenth (.1 + .2)/2 = .15, last (1.9 + 2)/2 = 1.95, mean 21·20/2/10/20 = 1.05
    expect(summariseMetric(run(), 'reward')).toEqual({ key: 'reward', count: 20, firstTenth: expect.closeTo(0.15, 12), lastTenth: expect.closeTo(1.95, 12), mean: expect.closeTo(1.05, 12) });
    expect(summariseMetric(run(), 'entropy')).toBeNull();
  });
});

describe('single-run report', () => {
  it('opens each stage with the signal table of the metrics it logged', () => {
    const html = renderReport(run());
    expect(html).toContain('<tr data-summary="reward"><td>reward</td><td>0.15</td><td>1.95</td><td>1.05</td><td>20</td></tr>');
    expect(html).toContain('<tr data-summary="frac_reward_zero_std"><td>frac_reward_zero_std</td><td>0.5</td><td>0.5</td><td>0.5</td><td>20</td></tr>');
    expect(html).not.toContain('data-summary="loss"'); // plotted, but not a signal metric
    expect(html).toContain('<figure data-metric="loss">');
  });
});

describe('comparison', () => {
  it('smoothedSeries: trailing mean over the last n finite values; gaps stay gaps', () => {
    const recs = [{ step: 1, x: 1 }, { step: 2, x: 3 }, { step: 3, x: null }, { step: 4, x: 8 }, { step: 5 }];
    // window 2: 1, (1+3)/2, gap, (3+8)/2; step 5 lacks the key and is left out
    expect(smoothedSeries(recs, 'x', 2)).toEqual([[1, 1], [2, 2], [3, null], [4, 5.5]]);
    expect(smoothedSeries(recs, 'x')).toEqual([[1, 1], [2, 3], [3, null], [4, 8]]);
    expect(() => smoothedSeries(recs, 'x', 0)).toThrow(/positive integer/);
  });
  it('meanSeries: per step, the mean of the series that have a finite value there', () => {
    expect(meanSeries([[[1, 1], [2, 4]], [[1, 3], [2, null], [3, 5]]])).toEqual([[1, 2], [2, 4], [3, 5]]);
  });
  it('a colour per label, thin lines per run and a thick mean, a legend, and the per-label table', () => {
    const { html, svgs } = renderComparison(
      [
        { label: 'ref', name: 'r1', records: run(0) },
        { label: 'ref', name: 'r2', records: run(0.2) },
        { label: 'dapo', name: 'd1', records: run(1) },
      ],
      { metrics: ['reward', 'frac_reward_zero_std'], smooth: 2 },
    );
    expect([...svgs.keys()]).toEqual(['reward', 'frac_reward_zero_std']);
    const reward = svgs.get('reward')!;
    // ref: 2 thin runs + 1 mean line (blue); dapo: its single run as the thick line (red)
    expect(reward.match(/<path [^>]*stroke="#1f77b4" stroke-width="1" stroke-opacity="0.35"/g)).toHaveLength(2);
    expect(reward.match(/<path [^>]*stroke="#1f77b4" stroke-width="2.2"/g)).toHaveLength(1);
    expect(reward.match(/<path [^>]*stroke="#d62728" stroke-width="2.2"/g)).toHaveLength(1);
    expect(reward).toContain('>ref (mean of 2)</text>');
    expect(reward).toContain('>dapo</text>');
    expect(reward).toContain('reward (trailing mean of 2)');
    // tables are not smoothed: ref first tenth = mean(.15, .35) = .25, last = mean(1.95, 2.15) = 2.05; dapo 1.15 → 2.95
    expect(html).toContain('<tr data-summary="reward" data-label="ref"><td>reward</td><td>ref</td><td>0.25</td><td>2.05</td>');
    expect(html).toContain('r1: 0.15 → 1.95<br>r2: 0.35 → 2.15');
    expect(html).toContain('<tr data-summary="reward" data-label="dapo"><td>reward</td><td>dapo</td><td>1.15</td><td>2.95</td>');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    // a metric only one label logged has only that label in its legend
    const only = renderComparison([{ label: 'ref', name: 'r1', records: run() }, { label: 'ds', name: 'd1', records: [{ step: 1, 'dynamic_sampling/rounds': 2 }, { step: 2, 'dynamic_sampling/rounds': 1 }] }], { metrics: ['dynamic_sampling/rounds'] });
    expect(only.svgs.get('dynamic_sampling/rounds')).toContain('>ds</text>');
    expect(only.svgs.get('dynamic_sampling/rounds')).not.toContain('>ref</text>');
  });
  it('the report command with several folders writes the comparison and one SVG per metric', async () => {
    const root = tmp();
    const dirs = ['a', 'b'].map((n, i) => {
      const dir = join(root, n);
      const w = new MetricsWriter(join(dir, 'metrics.jsonl'));
      for (const r of run(i)) w.write(r);
      w.close();
      return dir;
    });
    const out = join(root, 'cmp.html');
    const logs: string[] = [];
    const orig = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => (logs.push(s), true)) as typeof process.stdout.write;
    try {
      await reportCommand().parseAsync([...dirs, '--label', 'x,y', '--out', out, '--svg-dir', join(root, 'svg'), '--metrics', 'reward,loss'], { from: 'user' });
    } finally {
      process.stdout.write = orig;
    }
    expect(logs.join('')).toBe(`wrote ${out}, ${join(root, 'svg', 'reward.svg')}, ${join(root, 'svg', 'loss.svg')}\n`);
    expect(readFileSync(join(root, 'svg', 'reward.svg'), 'utf8')).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(existsSync(out)).toBe(true);
    await expect(reportCommand().exitOverride().parseAsync([...dirs, '--label', 'x', '--out', out], { from: 'user' })).rejects.toThrow('--label: 1 labels for 2 run folders');
  });
});
