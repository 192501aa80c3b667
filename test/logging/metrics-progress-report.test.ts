/** metrics.jsonl (append, crash tolerance, resume truncation), averaging, the progress line and the HTML report. */
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { reportCommand } from '../../lib/cli/report-command.js';
import { MetricsAverager } from '../../lib/logging/metrics-average.js';
import { MetricsWriter, readMetrics } from '../../lib/logging/metrics-jsonl.js';
import { ProgressBar, formatDuration } from '../../lib/logging/progress.js';
import { metricKeys, renderReport } from '../../lib/logging/report.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'rarft-log-'));

describe('MetricsWriter', () => {
  it('appends one JSON line per record; NaN becomes null', () => {
    const path = join(tmp(), 'run', 'metrics.jsonl');
    const w = new MetricsWriter(path);
    w.write({ step: 1, stage: 'train', loss: -0.2, reward: 1.5, 'rewards/format_reward': 1, kl: Number.NaN, 'time/generate': 12.5 });
    // the line is on disk before close (what survives a crash)
    expect(readFileSync(path, 'utf8')).toBe('{"step":1,"stage":"train","loss":-0.2,"reward":1.5,"rewards/format_reward":1,"kl":null,"time/generate":12.5}\n');
    w.write({ step: 2, stage: 'train', loss: 0.1 });
    w.close();
    const w2 = new MetricsWriter(path); // reopening appends
    w2.write({ step: 3, loss: 0 });
    w2.close();
    expect(readMetrics(path).map((r) => r.step)).toEqual([1, 2, 3]);
    expect(() => new MetricsWriter(path).write({ step: Number.NaN })).toThrow(/step must be a finite number/);
  });
  it('a torn last line (crash mid-write) is skipped by readers', () => {
    const path = join(tmp(), 'metrics.jsonl');
    const w = new MetricsWriter(path, { fsync: false });
    w.write({ step: 1, loss: 1 });
    w.close();
    appendFileSync(path, '{"step":2,"lo');
    expect(readMetrics(path)).toEqual([{ step: 1, loss: 1 }]);
  });
  it('resume drops the lines after the checkpoint step', () => {
    const path = join(tmp(), 'metrics.jsonl');
    const w = new MetricsWriter(path);
    for (let s = 1; s <= 5; s++) w.write({ step: s, loss: s });
    w.close();
    const w2 = new MetricsWriter(path, { truncateAfterStep: 3 });
    w2.write({ step: 4, loss: 40 });
    w2.close();
    expect(readMetrics(path).map((r) => [r.step, r.loss])).toEqual([[1, 1], [2, 2], [3, 3], [4, 40]]);
  });
});

describe('MetricsAverager', () => {
  it('averages each key over the steps that reported it; non-finite values are counted, not averaged', () => {
    const a = new MetricsAverager();
    a.add({ loss: 1, reward: 2, kl: 0.5 });
    a.add({ loss: 3, reward: Number.NaN });
    a.add({ loss: 5, reward: 4, kl: null });
    expect(a.steps).toBe(3);
    // loss (1+3+5)/3 = 3; reward (2+4)/2 = 3 (NaN dropped); kl 0.5/1
    expect(a.flush()).toEqual({ loss: 3, reward: 3, kl: 0.5, nonfinite_values: 1 });
    expect(a.flush()).toEqual({});
  });
});

describe('ProgressBar', () => {
  const sink = (isTTY: boolean) => {
    const out: string[] = [];
    return { out, stream: { isTTY, write: (s: string) => (out.push(s), true) } };
  };
  it('formats step/total, rate, ETA and extras', () => {
    let t = 0;
    const bar = new ProgressBar({ total: 100, stream: sink(false).stream, now: () => t, barWidth: 10 });
    t = 20_000; // 10 steps in 20 s -> 0.5 step/s; 90 left -> 180 s = 3m00s
    expect(bar.line(10, { reward: 1.234567, kl: null })).toBe('step 10/100 [#.........] 10% | 0.500 step/s | ETA 3m00s | reward 1.235 | kl null');
    expect(formatDuration(3 * 3600 + 7 * 60 + 5)).toBe('3h07m');
    expect(formatDuration(Number.NaN)).toBe('?');
  });
  it('on a TTY redraws in place; otherwise prints whole lines at most every interval, and the last one', () => {
    let t = 0;
    const tty = sink(true);
    const bar = new ProgressBar({ total: 3, stream: tty.stream, now: () => t });
    bar.update(1);
    bar.update(2);
    bar.done();
    expect(tty.out.length).toBe(3);
    expect(tty.out[0]!.startsWith('\r')).toBe(true);
    expect(tty.out[2]).toBe('\n');
    const log = sink(false);
    const bar2 = new ProgressBar({ total: 10, stream: log.stream, now: () => t, intervalMs: 1000 });
    bar2.update(1); // printed (first)
    t = 500;
    bar2.update(2); // suppressed (< 1 s)
    t = 1500;
    bar2.update(3); // printed
    t = 1600;
    bar2.update(10); // printed: final step
    expect(log.out.map((l) => l.split(' ')[1])).toEqual(['1/10', '3/10', '10/10']);
    expect(log.out.every((l) => l.endsWith('\n') && !l.includes('\r'))).toBe(true);
  });
  it('rate counts only the steps of this session (resume)', () => {
    let t = 0;
    const bar = new ProgressBar({ total: 200, startStep: 100, stream: sink(false).stream, now: () => t });
    t = 10_000;
    expect(bar.line(110)).toContain('| 1.00 step/s | ETA 1m30s');
  });
});

describe('HTML report', () => {
  const records = [
    { step: 1, stage: 'train', loss: -0.2, reward: 1.0, kl: null, note: 'x' },
    { step: 2, stage: 'train', loss: 0.1, reward: 1.5, kl: 0.01 },
    { step: 3, stage: 'train', loss: Number.NaN as unknown as null, reward: 2.0, kl: 0.02 },
    { step: 4, stage: 'train', loss: 0.05, reward: 2.5, kl: 0.03 },
  ];
  it('one plot per numeric metric, with valid SVG path data', () => {
    expect(metricKeys(records)).toEqual(['loss', 'reward', 'kl']);
    const html = renderReport(records);
    const figures = html.match(/<figure data-metric="[^"]+">/g)!;
    expect(figures).toEqual(['<figure data-metric="loss">', '<figure data-metric="reward">', '<figure data-metric="kl">']);
    const paths = [...html.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1]!);
    expect(paths.length).toBe(3);
    // SVG path grammar for what we emit: (M|L) x y, repeated; the first command is M
    for (const d of paths) expect(d).toMatch(/^M-?\d+\.\d{2} -?\d+\.\d{2}( [ML]-?\d+\.\d{2} -?\d+\.\d{2})*$/);
    // loss has a gap at step 3 (NaN -> null): the pen lifts, so its path has two M commands
    expect(paths[0]!.match(/M/g)!.length).toBe(2);
    // reward rises linearly over steps 1..4 on a 480x200 plot with margins l64 r12 t24 b28: x = 64 + (s-1)/3·404,
    // y = 172 - (r-1)/1.5·148 -> (64, 172), (198.67, 122.67), (333.33, 73.33), (468, 24)
    expect(paths[1]).toBe('M64.00 172.00 L198.67 122.67 L333.33 73.33 L468.00 24.00');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });
  it('the report command writes DIR/report.html', async () => {
    const dir = tmp();
    const w = new MetricsWriter(join(dir, 'metrics.jsonl'));
    for (const r of records) w.write(r);
    w.close();
    const logs: string[] = [];
    const orig = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => (logs.push(s), true)) as typeof process.stdout.write;
    try {
      await reportCommand().parseAsync([dir], { from: 'user' });
    } finally {
      process.stdout.write = orig;
    }
    expect(logs.join('')).toBe(`wrote ${join(dir, 'report.html')}\n`);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<figure data-metric="reward">');
  });
});
