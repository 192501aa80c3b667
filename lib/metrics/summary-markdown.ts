/**
 * A human-readable Markdown summary of metrics.json (the headline numbers; the JSON stays the source of truth).
 */
import { HARDNESS_LEVELS } from './hardness.js';
import type { NotMeasured, RefusalMetrics } from './refusal.js';

const fmt = (v: number | null, digits = 4) => (v === null ? 'n/a' : v.toFixed(digits));
const pct = (v: number) => v.toFixed(2);

export function metricsSummaryMarkdown(m: RefusalMetrics, title = 'RA-VTG evaluation'): string {
  const r = m.relevance, c = r.confusion, ra = m['RA-IoU'];
  // metrics.json writes 0.0 for what was never measured (the reference's type); the summary says n/a instead.
  const measured = (what: NotMeasured, v: number) => (m.scoring.not_measured.includes(what) ? null : v);
  const lines = [
    `# ${title}`,
    '',
    `${m.num_items} items; relevance from ${Object.entries(m.scoring.relevance_sources).map(([k, v]) => `${k} ${v}`).join(', ')}` +
      `${m.scoring.judge_model ? ` (judge ${m.scoring.judge_model})` : ''}; ${m.scoring.items_with_errors} items with judge errors.`,
    '',
    '| metric | value |',
    '|---|---|',
    `| accuracy | ${fmt(r.overall_accuracy)} |`,
    `| F1 relevant / irrelevant / avg | ${fmt(r.per_class.relevant.f1)} / ${fmt(r.per_class.irrelevant.f1)} / ${fmt(r['F1 (avg)'])} |`,
    `| confusion TP / FN / FP / TN | ${c.TP} / ${c.FN} / ${c.FP} / ${c.TN} |`,
    `| RA-IoU mean_all | ${fmt(ra.mean_all)} |`,
    `| RA-IoU R@0.3 / R@0.5 / R@0.7 (%) | ${pct(ra['R@0.3'])} / ${pct(ra['R@0.5'])} / ${pct(ra['R@0.7'])} |`,
    `| RT-IoU${m.scoring.num_splits > 1 ? ` (split/merge, ${m.scoring.num_splits} splits)` : ''} | ${fmt(measured('RT-IoU', m['RT-IoU']))} |`,
    `| RT-IoU plain mean | ${fmt(m.scoring.rt_iou_plain)} |`,
    `| reasoning score: irrelevant / TN | ${fmt(measured('reasoning_score', m.irrelevant_samples.mean_reasoning_score), 3)} / ${fmt(measured('reasoning_score', m.true_negative_samples.mean_reasoning_score), 3)} |`,
    `| SBERT similarity: irrelevant / TN | ${fmt(measured('sbert_similarity', m.irrelevant_samples.mean_sbert_similarity))} / ${fmt(measured('sbert_similarity', m.true_negative_samples.mean_sbert_similarity))} |`,
    '',
    `## Hardness (levels from ${m.scoring.hardness_source}${m.scoring.reference_behaviour ? ', reference behaviour' : ''})`,
    '',
    '| level | items | positive | accuracy | F1 | RA-IoU | RT-IoU |',
    '|---|---|---|---|---|---|---|',
    ...HARDNESS_LEVELS.map((l) => {
      const h = m.hardness_level_analysis.metrics_by_hardness_level[l];
      return `| ${l} | ${h.total} | ${h.positive_class} | ${fmt(h.accuracy)} | ${fmt(h.f1)} | ${fmt(h['RA-IoU'].mean_all)} | ${fmt(measured('RT-IoU', h['RT-IoU']))} |`;
    }),
    '',
  ];
  return lines.join('\n');
}
