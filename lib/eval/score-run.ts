/**
 * Scores a run folder: the answers in predictions.jsonl for the items the run was responsible for, in data order,
 * with the VTG or the refusal-aware metrics (offline rule decisions, rarft-reference §7 item 18; for the LLM judge
 * run `rarft-eval score --judge openai --predictions <out>/predictions.jsonl`). Writes metrics.json (with a `run`
 * block: coverage, missing videos), metrics.items.jsonl, metrics.md and report.html. Refusal-aware metrics.json is the
 * reference's layout (lib/metrics/refusal.ts) with our keys `benchmark`, `metric_kind`, `run` after its keys.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  decideWithoutJudge,
  type ItemScore,
  metricsSummaryMarkdown,
  parsePredictionItem,
  referenceMetricsJson,
  type RefusalMetrics,
  scorePredictions,
} from '../metrics/index.js';
import { type EvalItem, metricKind, type MetricKind } from './benchmarks.js';
import { htmlReport } from './html-report.js';
import { type MissingItem, type MissingVideo, summariseMissing } from './missing-videos.js';
import type { EvalPrediction } from './prediction-record.js';
import type { RunManifest } from './run-manifest.js';
import { scoreVtgRun, type VtgItemScore, type VtgRunMetrics } from './score-vtg.js';

export interface RunCoverage {
  benchmark: string;
  annotations: string;
  model: string;
  template: string;
  shard: RunManifest['shard'];
  metric_kind: MetricKind;
  /** Items this run (or merged set of shards) is responsible for. */
  expected_items: number;
  /** Items with an answer: the metrics are over these. */
  scored_items: number;
  /** Grouped by video; the decode errors / paths tried are in missing.json. */
  missing_videos: { items: number; videos: number; list: Omit<MissingVideo, 'detail'>[] };
  /** Items neither answered nor missing (an interrupted run): ids listed so they can be rerun. */
  not_run: { items: number; ids: string[] };
}

/** How the refusal-aware answers are scored (`rarft-eval run/merge --reference-behaviour --num-splits`). */
export interface RunScoringOptions {
  referenceBehaviour?: boolean;
  numSplits?: number;
}

export interface ScoreRunResult {
  kind: MetricKind;
  metrics: VtgRunMetrics | RefusalMetrics | null;
  coverage: RunCoverage;
  files: string[];
}

/** The Markdown summary lists at most this many missing videos (metrics.json and missing.json list all). */
const MD_MISSING_ROWS = 50;

const f4 = (v: number | null | undefined) => (v === null || v === undefined ? 'n/a' : v.toFixed(4));
const f2 = (v: number) => v.toFixed(2);

export function scoreRun(
  dir: string,
  manifest: RunManifest,
  expected: readonly EvalItem[],
  answers: ReadonlyMap<string, EvalPrediction>,
  missing: readonly MissingItem[],
  scoring: RunScoringOptions = {},
): ScoreRunResult {
  const kind = metricKind(manifest.benchmark);
  const preds = expected.map((e) => answers.get(e.id)).filter((p): p is EvalPrediction => p !== undefined);
  const missingIds = new Set(missing.map((m) => m.id));
  const expectedIds = new Set(expected.map((e) => e.id));
  const missingSummary = summariseMissing(missing.filter((m) => expectedIds.has(m.id)));
  const notRun = expected.filter((e) => !answers.has(e.id) && !missingIds.has(e.id)).map((e) => e.id);
  const coverage: RunCoverage = {
    benchmark: manifest.benchmark,
    annotations: manifest.annotations,
    model: manifest.model,
    template: manifest.template,
    shard: manifest.shard,
    metric_kind: kind,
    expected_items: expected.length,
    scored_items: preds.length,
    missing_videos: { items: missingSummary.items, videos: missingSummary.videos, list: missingSummary.list.map(({ video, reason, ids }) => ({ video, reason, ids })) },
    not_run: { items: notRun.length, ids: notRun },
  };
  const out = (name: string) => path.join(dir, name);
  const title = `${manifest.benchmark} evaluation of ${path.basename(manifest.model)} (${manifest.template} template)`;
  let metrics: VtgRunMetrics | RefusalMetrics | null;
  let itemLines: string[];
  let markdown: string;
  let headline: [string, string][];
  let itemTable: { columns: string[]; rows: string[][] };
  const outputs = new Map(preds.map((p) => [p.id, p.model_output]));
  if (kind === 'vtg') {
    const r = scoreVtgRun(preds);
    metrics = r.metrics;
    itemLines = r.items.map((i) => JSON.stringify(i));
    markdown = vtgMarkdown(title, r.metrics);
    headline = r.metrics
      ? [['mIoU', f2(r.metrics.mIoU)], ['R1@0.3', f2(r.metrics['R1@0.3'])], ['R1@0.5', f2(r.metrics['R1@0.5'])], ['R1@0.7', f2(r.metrics['R1@0.7'])], ['avg', f2(r.metrics.avg)], ['answers without a span', String(r.metrics.unparsed)]]
      : [];
    itemTable = { columns: ['id', 'video', 'query', 'GT', 'predicted', 'IoU', 'output'], rows: r.items.map((i: VtgItemScore) => [i.id, i.video, i.query, spanText(i.gt_timestamp), spanText(i.pred_span), f4(i.iou), clip(outputs.get(i.id) ?? '')]) };
  } else {
    const file = out('predictions.jsonl');
    // Validated again here: a hand-edited file fails with its line instead of scoring nonsense.
    const items = preds.map((p, i) => parsePredictionItem(p, file, i));
    let scored: { items: ItemScore[]; metrics: RefusalMetrics } | null = null;
    if (items.length > 0) scored = scorePredictions(items, items.map((p, i) => decideWithoutJudge(p, i, { strictGt: false, file })), { numSplits: scoring.numSplits ?? 1, referenceBehaviour: scoring.referenceBehaviour ?? false, judgeModel: null });
    metrics = scored?.metrics ?? null;
    itemLines = (scored?.items ?? []).map((it, i) => JSON.stringify({ id: preds[i]!.id, ...it }));
    markdown = scored ? metricsSummaryMarkdown(scored.metrics, title) : `# ${title}\n\nNo items were answered.\n`;
    const m = scored?.metrics;
    headline = m
      ? [
          ['accuracy', f4(m.relevance.overall_accuracy)],
          ['F1 relevant / irrelevant / avg', `${f4(m.relevance.per_class.relevant.f1)} / ${f4(m.relevance.per_class.irrelevant.f1)} / ${f4(m.relevance['F1 (avg)'])}`],
          ['TP / FN / FP / TN', `${m.relevance.confusion.TP} / ${m.relevance.confusion.FN} / ${m.relevance.confusion.FP} / ${m.relevance.confusion.TN}`],
          ['RA-IoU mean', f4(m['RA-IoU'].mean_all)],
          ['RA-IoU R@0.3 / 0.5 / 0.7 (%)', `${f2(m['RA-IoU']['R@0.3'])} / ${f2(m['RA-IoU']['R@0.5'])} / ${f2(m['RA-IoU']['R@0.7'])}`],
          ['RT-IoU', m.scoring.not_measured.includes('RT-IoU') ? 'n/a' : f4(m['RT-IoU'])],
        ]
      : [];
    itemTable = {
      columns: ['id', 'video', 'query', 'GT', 'predicted', 'outcome', 'IoU', 'output'],
      rows: (scored?.items ?? []).map((it, i) => [preds[i]!.id, it.video, it.query, it.gt_relevant ? spanText(it.gt_timestamp) : 'irrelevant', it.pred_relevant ? spanText(it.pred_span) : 'irrelevant', it.outcome, f4(it.iou), clip(preds[i]!.model_output)]),
    };
  }
  markdown += coverageMarkdown(coverage);
  // The metrics' own keys first, so a refusal-aware metrics.json starts exactly as the reference's does.
  const metricsJson = { ...(metrics ?? { metrics: null }), benchmark: manifest.benchmark, metric_kind: kind, run: coverage };
  // Refusal-aware numbers are written with the reference's int/float types (lib/metrics/reference-json.ts).
  writeFileSync(out('metrics.json'), kind === 'refusal' ? referenceMetricsJson(metricsJson, ['metrics', 'scoring', 'benchmark', 'metric_kind', 'run']) : JSON.stringify(metricsJson, null, 2) + '\n');
  writeFileSync(out('metrics.items.jsonl'), itemLines.map((l) => l + '\n').join(''));
  writeFileSync(out('metrics.md'), markdown);
  const html = htmlReport({
    title,
    headline: [
      ['items scored / expected', `${coverage.scored_items} / ${coverage.expected_items}`],
      ['items with a missing or unreadable video', `${coverage.missing_videos.items} (${coverage.missing_videos.videos} videos)`],
      ['items not run', String(coverage.not_run.items)],
      ...headline,
    ],
    tables: [
      { heading: 'Missing or unreadable videos', columns: ['video', 'reason', 'items', 'ids', 'detail'], rows: missingSummary.list.map((m) => [m.video, m.reason, String(m.ids.length), m.ids.join(' '), m.detail]) },
      { heading: 'Items', ...itemTable, note: 'IoU: hull IoU (VTG) or RA-IoU per item (refusal-aware); outputs cut at 400 characters.' },
    ],
  });
  writeFileSync(out('report.html'), html);
  return { kind, metrics, coverage, files: ['metrics.json', 'metrics.items.jsonl', 'metrics.md', 'report.html'].map(out) };
}

function spanText(s: readonly [number, number] | null): string {
  return s ? `${s[0]} to ${s[1]}` : '-';
}

function clip(s: string): string {
  return s.length > 400 ? `${s.slice(0, 400)}…` : s;
}

function vtgMarkdown(title: string, m: VtgRunMetrics | null): string {
  if (!m) return `# ${title}\n\nNo items were answered.\n`;
  const row = (name: string, v: { count: number; mIoU: number; 'R1@0.3': number; 'R1@0.5': number; 'R1@0.7': number; avg: number }) =>
    `| ${name} | ${v.count} | ${f2(v.mIoU)} | ${f2(v['R1@0.3'])} | ${f2(v['R1@0.5'])} | ${f2(v['R1@0.7'])} | ${f2(v.avg)} |`;
  const lines = [
    `# ${title}`,
    '',
    `Time-R1 metrics (rarft-reference §5.4): hull IoU, strict R1@k. ${m.unparsed} answers had no "S to E" span (IoU 0).`,
    '',
    '| set | items | mIoU | R1@0.3 | R1@0.5 | R1@0.7 | avg |',
    '|---|---|---|---|---|---|---|',
    row('all', m),
    ...Object.entries(m.by_source ?? {}).map(([s, v]) => row(s, v)),
    '',
  ];
  return lines.join('\n');
}

function coverageMarkdown(c: RunCoverage): string {
  const lines = [
    '',
    '## Coverage',
    '',
    `${c.scored_items} of ${c.expected_items} items answered and scored; ${c.missing_videos.items} items (${c.missing_videos.videos} videos) have a missing or unreadable video; ${c.not_run.items} items were not run.`,
    '',
  ];
  if (c.missing_videos.list.length) {
    const shown = c.missing_videos.list.slice(0, MD_MISSING_ROWS);
    lines.push('| video | reason | items | ids |', '|---|---|---|---|');
    for (const m of shown) lines.push(`| ${m.video} | ${m.reason} | ${m.ids.length} | ${m.ids.slice(0, 8).join(' ')}${m.ids.length > 8 ? ' …' : ''} |`);
    if (c.missing_videos.list.length > shown.length) lines.push('', `… ${c.missing_videos.list.length - shown.length} more videos: all of them are listed in metrics.json and missing.json.`);
    lines.push('');
  }
  if (c.not_run.items) lines.push(`Not run: ${c.not_run.ids.slice(0, 50).join(', ')}${c.not_run.items > 50 ? ' … (all in metrics.json)' : ''}`, '');
  return lines.join('\n');
}
