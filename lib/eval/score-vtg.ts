/**
 * Time-R1 VTG scoring of a run's answers (rarft-reference §5.4): Time-R1's answer parser over the whole output,
 * hull IoU against the GT span, mIoU and strict R1@{0.3,0.5,0.7}; TVGBench also per source benchmark.
 */
import { extractAnswer, hullIoU, vtgMetrics, type VtgMetrics } from '../metrics/index.js';
import type { EvalPrediction } from './prediction-record.js';

export interface VtgItemScore {
  id: string;
  video: string;
  query: string;
  source?: string;
  gt_timestamp: [number, number];
  pred_span: [number, number] | null;
  iou: number;
}

export interface VtgRunMetrics extends VtgMetrics {
  /** Answers without any "S to E" span (scored IoU 0). */
  unparsed: number;
  by_source?: Record<string, VtgMetrics>;
}

export function scoreVtgRun(preds: readonly EvalPrediction[]): { metrics: VtgRunMetrics | null; items: VtgItemScore[] } {
  const items = preds.map((p): VtgItemScore => {
    if (!p.gt_timestamp) throw new Error(`VTG item ${p.id} has no GT span`);
    const span = extractAnswer(p.model_output, 'timer1');
    return {
      id: p.id,
      video: p.video,
      query: p.query,
      ...(p.source !== undefined ? { source: p.source } : {}),
      gt_timestamp: p.gt_timestamp,
      pred_span: span ? [span[0], span[1]] : null,
      iou: hullIoU(span, p.gt_timestamp),
    };
  });
  if (items.length === 0) return { metrics: null, items };
  const metrics: VtgRunMetrics = { ...vtgMetrics(items.map((i) => i.iou)), unparsed: items.filter((i) => i.pred_span === null).length };
  const sources = [...new Set(items.map((i) => i.source).filter((s): s is string => s !== undefined))].sort();
  if (sources.length > 0) {
    metrics.by_source = Object.fromEntries(sources.map((s) => [s, vtgMetrics(items.filter((i) => i.source === s).map((i) => i.iou))]));
  }
  return { metrics, items };
}
