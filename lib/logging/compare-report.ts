/**
 * `rarft-train report DIR1 DIR2 … [--label a,a,b,b]`: several runs on one page, one plot per metric with a line per
 * run. Runs that share a label (e.g. the seeds of one recipe) share a colour and are drawn thin, with their mean over
 * runs at each step drawn thick. `--smooth N` plots trailing means over the last N logged values (per-step GRPO
 * rewards of 2 prompts are noisy); the tables are never smoothed: per label, the mean over its runs of the first and
 * last tenth of each signal metric (metric-summary.ts), with each run's value. `--svg-dir` also writes every plot as
 * a stand-alone SVG file (for docs).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { SIGNAL_METRICS, cellNumber, summariseMetric } from './metric-summary.js';
import { type MetricsRecord, readMetrics } from './metrics-jsonl.js';
import { REPORT_CSS, esc, metricKeys } from './report.js';
import { type PlotPoint, type PlotSeries, svgSeriesPlot } from './svg-plot.js';

export interface ComparedRun {
  label: string;
  /** Shown in the tables (the run folder). */
  name: string;
  records: readonly MetricsRecord[];
}

export interface CompareOptions {
  /** Trailing mean over this many logged values in the plots (1 = raw). */
  smooth?: number;
  /** Plot only these metrics (default: the signal metrics first, then every other metric any run logged). */
  metrics?: readonly string[];
  title?: string;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/** (step, value) of `key`, in step order, as a trailing mean over the last `window` finite values. */
export function smoothedSeries(records: readonly MetricsRecord[], key: string, window = 1): PlotPoint[] {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`smooth must be a positive integer, got ${window}`);
  const recent: number[] = [];
  return [...records]
    .sort((a, b) => a.step - b.step)
    .filter((r) => key in r)
    .map((r) => {
      const v = r[key];
      if (typeof v !== 'number' || !Number.isFinite(v)) return [r.step, null] as const;
      recent.push(v);
      if (recent.length > window) recent.shift();
      return [r.step, recent.reduce((a, b) => a + b, 0) / recent.length] as const;
    });
}

/** At each step any of the series has, the mean of the finite values the series have there. */
export function meanSeries(series: readonly (readonly PlotPoint[])[]): PlotPoint[] {
  const at = new Map<number, number[]>();
  for (const s of series)
    for (const [x, y] of s) {
      if (!at.has(x)) at.set(x, []);
      if (y !== null && Number.isFinite(y)) at.get(x)!.push(y);
    }
  return [...at.entries()].sort((a, b) => a[0] - b[0]).map(([x, ys]) => [x, ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : null] as const);
}

/** The page and, per plotted metric, its SVG. */
export function renderComparison(runs: readonly ComparedRun[], opts: CompareOptions = {}): { html: string; svgs: Map<string, string> } {
  if (!runs.length) throw new RangeError('renderComparison: no runs');
  const smooth = opts.smooth ?? 1;
  const labels = [...new Set(runs.map((r) => r.label))];
  const color = new Map(labels.map((l, i) => [l, PALETTE[i % PALETTE.length]!]));
  const logged = new Set(runs.flatMap((r) => metricKeys(r.records)));
  const keys = opts.metrics ?? [...SIGNAL_METRICS.filter((k) => logged.has(k)), ...[...logged].filter((k) => !SIGNAL_METRICS.includes(k))];
  const svgs = new Map<string, string>();
  const figures = keys.map((key) => {
    const series: PlotSeries[] = [];
    for (const label of labels) {
      const mine = runs.filter((r) => r.label === label).map((r) => smoothedSeries(r.records, key, smooth));
      if (!mine.some((points) => points.some((p) => p[1] !== null))) continue; // this label never logged it: no legend entry
      if (mine.length > 1) for (const points of mine) series.push({ points, color: color.get(label)!, width: 1, opacity: 0.35 });
      series.push({ points: mine.length > 1 ? meanSeries(mine) : mine[0]!, color: color.get(label)!, width: 2.2, label: mine.length > 1 ? `${label} (mean of ${mine.length})` : label });
    }
    const title = smooth > 1 ? `${key} (trailing mean of ${smooth})` : key;
    const svg = svgSeriesPlot(series, { title, width: 560, height: 240 });
    svgs.set(key, svg);
    return `<figure data-metric="${esc(key)}">${svg}</figure>`;
  });
  const tableKeys = keys.filter((k) => SIGNAL_METRICS.includes(k));
  const rows = tableKeys.flatMap((key) =>
    labels.map((label) => {
      const per = runs.filter((r) => r.label === label).map((r) => ({ name: r.name, s: summariseMetric(r.records, key) }));
      const have = per.filter((p) => p.s);
      if (!have.length) return '';
      const mean = (f: (s: NonNullable<(typeof per)[number]['s']>) => number) => have.reduce((a, p) => a + f(p.s!), 0) / have.length;
      const each = have.map((p) => `${esc(p.name)}: ${cellNumber(p.s!.firstTenth)} → ${cellNumber(p.s!.lastTenth)}`).join('<br>');
      return `<tr data-summary="${esc(key)}" data-label="${esc(label)}"><td>${esc(key)}</td><td>${esc(label)}</td><td>${cellNumber(mean((s) => s.firstTenth))}</td><td>${cellNumber(mean((s) => s.lastTenth))}</td><td>${cellNumber(mean((s) => s.mean))}</td><td>${each}</td></tr>`;
    }),
  );
  const title = opts.title ?? `rarft comparison: ${labels.join(' vs ')}`;
  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>${REPORT_CSS}</style>
</head><body><h1>${esc(title)}</h1>
<table class="signal"><caption>Per label: mean over its runs of the first / last tenth / all logged steps (not smoothed); each run's first → last tenth</caption><tr><th>metric</th><th>label</th><th>first tenth</th><th>last tenth</th><th>all</th><th>runs</th></tr>${rows.join('')}</table>
${figures.join('\n')}
</body></html>
`;
  return { html, svgs };
}

export interface WriteComparisonOptions extends CompareOptions {
  /** One per dir (default: the dir as given). */
  labels?: readonly string[];
  out: string;
  svgDir?: string;
}

/** Reads each DIR/metrics.jsonl, writes the page (and the SVGs); returns the files written. */
export function writeComparison(dirs: readonly string[], o: WriteComparisonOptions): string[] {
  if (o.labels && o.labels.length !== dirs.length) throw new RangeError(`--label: ${o.labels.length} labels for ${dirs.length} run folders`);
  const runs = dirs.map((dir, i): ComparedRun => {
    const path = join(dir, 'metrics.jsonl');
    if (!existsSync(path)) throw new Error(`${path}: not found (is ${dir} a training output_dir?)`);
    return { label: o.labels?.[i] ?? dir, name: dir, records: readMetrics(path) };
  });
  const { html, svgs } = renderComparison(runs, o);
  writeFileSync(o.out, html);
  const written = [o.out];
  if (o.svgDir) {
    mkdirSync(o.svgDir, { recursive: true });
    for (const [key, svg] of svgs) {
      const file = join(o.svgDir, `${key.replace(/[^A-Za-z0-9_.-]+/g, '_')}.svg`);
      writeFileSync(file, `${svg}\n`);
      written.push(file);
    }
  }
  return written;
}
