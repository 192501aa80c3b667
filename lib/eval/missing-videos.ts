/**
 * Items that could not be answered because their video is missing or unreadable. They are never dropped silently:
 * missing.json lists every one (id, video, what was tried or the decode error), metrics.json and the summaries count
 * and list them, and a rerun tries them again (they are not in predictions.jsonl).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DataError } from '../errors.js';
import { writeJsonAtomic } from './run-manifest.js';

export interface MissingItem {
  id: string;
  video: string;
  reason: 'not-found' | 'unreadable';
  detail: string;
}

export interface MissingSummary {
  /** Items without an answer because of their video. */
  items: number;
  /** Distinct videos behind them. */
  videos: number;
  list: MissingItem[];
}

export function summariseMissing(list: readonly MissingItem[]): MissingSummary {
  return { items: list.length, videos: new Set(list.map((m) => m.video)).size, list: [...list] };
}

export function writeMissing(dir: string, list: readonly MissingItem[]): void {
  writeJsonAtomic(path.join(dir, 'missing.json'), summariseMissing(list));
}

export function readMissing(dir: string): MissingItem[] {
  const file = path.join(dir, 'missing.json');
  if (!existsSync(file)) return [];
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as MissingSummary).list;
  } catch (e) {
    throw new DataError(`invalid JSON: ${(e as Error).message}`, { file });
  }
}
