/**
 * predictions.jsonl as an append-only log: each finished batch is appended and fsync'd, so an interrupted run keeps
 * every answer already written and a rerun skips those ids. A last line cut short by a crash is not a finished
 * answer: it is moved to predictions.jsonl.partial-<time> (kept, not deleted) and its item runs again. A malformed
 * line anywhere else is an error naming the file and line: the file was edited or corrupted and we do not guess.
 */
import { appendFileSync, closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { DataError } from '../errors.js';
import { parsePredictionItem } from '../metrics/index.js';
import type { EvalPrediction } from './prediction-record.js';

export interface OpenedLog {
  done: Map<string, EvalPrediction>;
  /** Where a cut-off last line was moved to, if there was one. */
  repairedTo: string | null;
}

/** Parses predictions.jsonl (our format: every line must carry a string `id`). */
export function readPredictionLog(file: string, allowCutLastLine = false): { items: EvalPrediction[]; cutLine: string | null } {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const endsClean = text.endsWith('\n') || text === '';
  const items: EvalPrediction[] = [];
  let cutLine: string | null = null;
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const isLast = i === lines.length - 1 && !endsClean;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (e) {
      if (isLast && allowCutLastLine) {
        cutLine = line;
        return;
      }
      throw new DataError(`line ${i + 1} is not valid JSON: ${(e as Error).message}`, { file, record: items.length });
    }
    parsePredictionItem(raw, file, items.length);
    const id = (raw as { id?: unknown }).id;
    if (typeof id !== 'string') throw new DataError('missing string "id" (not written by rarft-eval run?)', { file, record: items.length, field: 'id' });
    items.push(raw as EvalPrediction);
  });
  return { items, cutLine };
}

export class PredictionsLog {
  private constructor(readonly file: string) {}

  static open(file: string): { log: PredictionsLog; opened: OpenedLog } {
    const done = new Map<string, EvalPrediction>();
    let repairedTo: string | null = null;
    if (existsSync(file)) {
      const { items, cutLine } = readPredictionLog(file, true);
      for (const p of items) done.set(p.id, p);
      if (cutLine !== null) {
        repairedTo = `${file}.partial-${Date.now()}`;
        renameSync(file, repairedTo);
        writeFileSync(file, items.map((p) => JSON.stringify(p) + '\n').join(''));
      } else if (!readFileSync(file, 'utf8').endsWith('\n') && items.length > 0) {
        // A complete record whose newline was lost: terminate it, or the next append would glue onto it.
        appendFileSync(file, '\n');
      }
    }
    return { log: new PredictionsLog(file), opened: { done, repairedTo } };
  }

  append(items: readonly EvalPrediction[]): void {
    if (items.length === 0) return;
    appendFileSync(this.file, items.map((p) => JSON.stringify(p) + '\n').join(''));
    const fd = openSync(this.file, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
