/**
 * metrics.jsonl: one JSON object per logged step, appended and flushed (written to the OS, and fsync'd by default)
 * line by line, so a crash loses at most the line being written; readers skip a torn last line, and the writer cuts it
 * off before appending (jsonl-log.ts). Keys are the
 * reference's (`reward`, `reward_std`, `rewards/<fn>`, `kl`, `completion_length`, `generation_entropy`, `loss`,
 * `learning_rate`, `grad_norm`, `epoch`) plus `step`, `stage` and per-phase seconds (`time/generate`, ...).
 * Non-finite numbers are written as null (JSON has no NaN), so a NaN loss is visible rather than a parse error.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

import { writeFileAtomic } from '../util/atomic-write.js';
import { readJsonlLog, repairTornTail } from './jsonl-log.js';

export type MetricValue = number | string | boolean | null;
export interface MetricsRecord {
  step: number;
  stage?: string;
  [key: string]: MetricValue | undefined;
}

export interface MetricsWriterOptions {
  /** fsync after each line (default true: one fsync per logged step is negligible next to a GRPO step). */
  fsync?: boolean;
  /**
   * On resume from step N, drop lines with step > N first: they belong to the run after the checkpoint, which is
   * about to be redone, and would otherwise appear twice.
   */
  truncateAfterStep?: number;
}

export class MetricsWriter {
  #fd: number;
  readonly path: string;
  readonly #fsync: boolean;

  constructor(path: string, opts: MetricsWriterOptions = {}) {
    this.path = path;
    this.#fsync = opts.fsync ?? true;
    mkdirSync(dirname(path), { recursive: true });
    if (opts.truncateAfterStep !== undefined && existsSync(path)) {
      const kept = readMetrics(path).filter((r) => r.step <= opts.truncateAfterStep!);
      writeFileAtomic(path, kept.map((r) => JSON.stringify(r) + '\n').join(''));
    }
    repairTornTail(path); // a crash's torn last line must not swallow the first record appended now
    this.#fd = openSync(path, 'a');
  }

  write(record: MetricsRecord): void {
    if (this.#fd < 0) throw new Error(`MetricsWriter(${this.path}): write after close()`);
    if (!Number.isFinite(record.step)) throw new RangeError(`MetricsWriter: record.step must be a finite number, got ${record.step}`);
    const clean: Record<string, MetricValue> = {};
    for (const [k, v] of Object.entries(record)) {
      if (v === undefined) continue;
      clean[k] = typeof v === 'number' && !Number.isFinite(v) ? null : v;
    }
    writeSync(this.#fd, JSON.stringify(clean) + '\n');
    if (this.#fsync) fsyncSync(this.#fd);
  }

  close(): void {
    if (this.#fd >= 0) closeSync(this.#fd);
    this.#fd = -1;
  }
}

/**
 * All complete records of a metrics.jsonl. A torn last line (a crash mid-write) is skipped; any other bad line is a
 * DataError naming the file and the line (jsonl-log.ts).
 */
export function readMetrics(path: string): MetricsRecord[] {
  return readJsonlLog(path, (v) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as MetricsRecord).step === 'number' ? (v as MetricsRecord) : 'expected a metrics record (an object with a numeric "step")',
  ).records;
}
