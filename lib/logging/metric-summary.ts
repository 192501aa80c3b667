/**
 * Where a run's GRPO signal stands, as numbers: for the metrics that say whether the policy gradient has anything to
 * work with (reward, the fraction of zero-std groups, entropy, clip fractions, dynamic-sampling rounds, kl), the mean
 * over the first and the last tenth of the logged steps. The reports put these first.
 */
import type { MetricsRecord } from './metrics-jsonl.js';

/** In report order; a run shows those it logged. */
export const SIGNAL_METRICS: readonly string[] = [
  'reward',
  'reward_std',
  'frac_reward_zero_std',
  'dynamic_sampling/rounds',
  'dynamic_sampling/frac_dropped',
  'dynamic_sampling/reward_trained',
  'entropy',
  'generation_entropy',
  'entropy/trained_token_fraction',
  'clip_ratio/region_mean',
  'clip_ratio/low_mean',
  'clip_ratio/high_mean',
  'clip_ratio/delta_mean',
  'kl',
  'completion_length',
  'time/step',
];

export interface MetricSummary {
  key: string;
  /** Records with a finite value. */
  count: number;
  /** Means over the first and the last tenth (at least one record each) of those records, in step order. */
  firstTenth: number;
  lastTenth: number;
  mean: number;
}

const avg = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** null when no record has a finite value for `key`. */
export function summariseMetric(records: readonly MetricsRecord[], key: string): MetricSummary | null {
  const xs = [...records]
    .sort((a, b) => a.step - b.step)
    .map((r) => r[key])
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (!xs.length) return null;
  const k = Math.max(1, Math.floor(xs.length / 10));
  return { key, count: xs.length, firstTenth: avg(xs.slice(0, k)), lastTenth: avg(xs.slice(-k)), mean: avg(xs) };
}

/** The SIGNAL_METRICS a run logged, summarised. */
export function signalSummary(records: readonly MetricsRecord[]): MetricSummary[] {
  return SIGNAL_METRICS.map((k) => summariseMetric(records, k)).filter((s): s is MetricSummary => s !== null);
}

/** A number for a table cell: 4 significant digits. */
export const cellNumber = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : 'n/a');
