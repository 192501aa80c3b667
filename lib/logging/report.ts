/**
 * `rarft-train report DIR`: an HTML page with one inline-SVG line plot per metric in DIR/metrics.jsonl (x = step),
 * grouped by stage, plus the last value of each, after a table of the GRPO signal metrics (reward,
 * frac_reward_zero_std, entropy, clip fractions, dynamic-sampling rounds, kl: first vs last tenth, metric-summary.ts).
 * One file, no scripts or external assets, so it opens anywhere and can be attached to an issue. Several run folders:
 * compare-report.ts.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { type MetricsRecord, readMetrics } from './metrics-jsonl.js';
import { cellNumber, signalSummary } from './metric-summary.js';
import { svgLinePlot } from './svg-plot.js';

export const REPORT_CSS =
  'body{font-family:sans-serif;margin:1.5em}figure{display:inline-block;margin:.5em;border:1px solid #ddd;padding:.3em}figcaption{font-size:12px;color:#444}' +
  'table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ccc;padding:.2em .6em;font-size:13px;text-align:right}td:first-child{text-align:left}caption{font-size:13px;text-align:left;color:#444}';

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The metric keys to plot: every key holding a number (or null) in some record, except `step`. */
export function metricKeys(records: readonly MetricsRecord[]): string[] {
  const keys = new Set<string>();
  for (const r of records) for (const [k, v] of Object.entries(r)) if (k !== 'step' && (typeof v === 'number' || v === null)) keys.add(k);
  // a key that is null everywhere has nothing to plot
  return [...keys].filter((k) => records.some((r) => typeof r[k] === 'number'));
}

/** The signal table of one stage's records (empty string when none of the metrics was logged). */
export function signalTable(records: readonly MetricsRecord[]): string {
  const rows = signalSummary(records).map(
    (s) => `<tr data-summary="${esc(s.key)}"><td>${esc(s.key)}</td><td>${cellNumber(s.firstTenth)}</td><td>${cellNumber(s.lastTenth)}</td><td>${cellNumber(s.mean)}</td><td>${s.count}</td></tr>`,
  );
  if (!rows.length) return '';
  return `<table class="signal"><caption>GRPO signal: mean of the first and last tenth of the logged steps</caption><tr><th>metric</th><th>first tenth</th><th>last tenth</th><th>all</th><th>records</th></tr>${rows.join('')}</table>`;
}

export function renderReport(records: readonly MetricsRecord[], { title = 'rarft training report' } = {}): string {
  const stages = [...new Set(records.map((r) => r.stage ?? 'train'))];
  const sections: string[] = [];
  for (const stage of stages) {
    const rows = records.filter((r) => (r.stage ?? 'train') === stage).sort((a, b) => a.step - b.step);
    const plots = metricKeys(rows).map((k) => {
      const pts = rows.filter((r) => k in r).map((r) => [r.step, typeof r[k] === 'number' ? (r[k] as number) : null] as const);
      const last = [...pts].reverse().find((p) => p[1] !== null);
      return `<figure data-metric="${esc(k)}">${svgLinePlot(pts, { title: k })}<figcaption>${esc(k)}: last ${last ? last[1] : 'n/a'} at step ${last ? last[0] : 'n/a'} (${pts.length} points)</figcaption></figure>`;
    });
    sections.push(`<section><h2>${esc(stage)} (${rows.length} records)</h2>${signalTable(rows)}${plots.join('\n')}</section>`);
  }
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>${REPORT_CSS}</style>
</head><body><h1>${esc(title)}</h1>
${records.length ? sections.join('\n') : '<p>metrics.jsonl has no records yet.</p>'}
</body></html>
`;
}

/** Reads DIR/metrics.jsonl and writes the report (default DIR/report.html). Returns the output path. */
export function writeReport(dir: string, out = join(dir, 'report.html')): string {
  const path = join(dir, 'metrics.jsonl');
  if (!existsSync(path)) throw new Error(`${path}: not found (is ${dir} a training output_dir?)`);
  writeFileSync(out, renderReport(readMetrics(path), { title: `rarft report: ${dir}` }));
  return out;
}
