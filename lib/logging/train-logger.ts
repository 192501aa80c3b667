/**
 * The trainer's one logging object: per-step metrics go into an averager, and every `logging_steps` steps (and at
 * the last step) the means are written to metrics.jsonl and/or TensorBoard (`report_to`) and shown on the progress
 * line. Skipped steps are counted (`skipped_steps`) and their last reason kept (`skip_reason`) in the window's record,
 * so a skip is never averaged away. On resume, metrics.jsonl lines after the resumed step are dropped and
 * TensorBoard is told to purge them.
 */
import { join } from 'node:path';

import { MetricsAverager } from './metrics-average.js';
import { type MetricsRecord, MetricsWriter } from './metrics-jsonl.js';
import { ProgressBar, type ProgressStream } from './progress.js';
import { TensorBoardWriter } from './tensorboard.js';

export interface TrainLoggerOptions {
  outputDir: string;
  reportTo: readonly ('jsonl' | 'tensorboard')[];
  loggingSteps: number;
  totalSteps: number;
  /** Steps already done (a resume from checkpoint-N passes N). */
  startStep?: number;
  stage?: string;
  /** Progress line (default stderr); null = no progress line. */
  progress?: { stream?: ProgressStream; tty?: boolean; intervalMs?: number; now?: () => number } | null;
  /** Keep this many written records for trainer_state.json's metrics_tail. */
  tailSize?: number;
}

export class TrainLogger {
  readonly #opts: TrainLoggerOptions;
  readonly #avg = new MetricsAverager();
  readonly #jsonl: MetricsWriter | null;
  readonly #tb: TensorBoardWriter | null;
  readonly #bar: ProgressBar | null;
  readonly #tail: MetricsRecord[] = [];
  #skipped = 0;
  #skipReason: string | null = null;

  constructor(opts: TrainLoggerOptions) {
    if (!Number.isInteger(opts.loggingSteps) || opts.loggingSteps < 1) throw new RangeError(`logging_steps must be a positive integer, got ${opts.loggingSteps}`);
    this.#opts = opts;
    const start = opts.startStep ?? 0;
    this.#jsonl = opts.reportTo.includes('jsonl')
      ? new MetricsWriter(join(opts.outputDir, 'metrics.jsonl'), start > 0 ? { truncateAfterStep: start } : {})
      : null;
    this.#tb = opts.reportTo.includes('tensorboard') ? new TensorBoardWriter(opts.outputDir) : null;
    if (this.#tb && start > 0) this.#tb.markRestart(start + 1);
    this.#bar = opts.progress === null ? null : new ProgressBar({ total: opts.totalSteps, startStep: start, ...(opts.progress ?? {}) });
  }

  /**
   * Records optimizer step `step` (1-based: the count of steps done). Numeric metrics are averaged over the window;
   * `skipped`/`skip_reason` are counted and kept. Returns the record written, if this step closed a window.
   */
  logStep(step: number, metrics: Readonly<Record<string, number | string | null | undefined>>, extra: { epoch?: number } = {}): MetricsRecord | null {
    const numeric: Record<string, number | null> = {};
    for (const [k, v] of Object.entries(metrics)) {
      if (k === 'skipped' || k === 'skip_reason') continue;
      if (typeof v === 'number' || v === null) numeric[k] = v;
    }
    if (extra.epoch !== undefined) numeric.epoch = extra.epoch;
    if (metrics.skipped === 1) {
      this.#skipped++;
      if (typeof metrics.skip_reason === 'string') this.#skipReason = metrics.skip_reason;
    }
    this.#avg.add(numeric);
    const last = step >= this.#opts.totalSteps;
    let written: MetricsRecord | null = null;
    if (step % this.#opts.loggingSteps === 0 || last) {
      const means = this.#avg.flush();
      written = { step, stage: this.#opts.stage ?? 'train', ...means, skipped_steps: this.#skipped, ...(this.#skipReason ? { skip_reason: this.#skipReason } : {}) };
      this.#jsonl?.write(written);
      this.#tb?.addScalars(step, { ...means, skipped_steps: this.#skipped });
      this.#tail.push(written);
      if (this.#tail.length > (this.#opts.tailSize ?? 20)) this.#tail.shift();
      this.#skipped = 0;
      this.#skipReason = null;
    }
    const shown = written ?? metrics;
    this.#bar?.update(step, { reward: shown.reward as number | undefined, loss: shown.loss as number | undefined });
    return written;
  }

  /** The last written records (for trainer_state.json). */
  get tail(): readonly MetricsRecord[] {
    return this.#tail;
  }

  close(): void {
    this.#bar?.done();
    this.#jsonl?.close();
    this.#tb?.close();
  }
}
