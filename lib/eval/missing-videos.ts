/**
 * Items that could not be answered because their video is missing or unreadable. They are never dropped silently:
 * missing.json lists every video with the ids of its items and why (the paths tried, or the decoder's error),
 * metrics.json / metrics.md / report.html count and list them, and a rerun tries them again (they are not in
 * predictions.jsonl). Grouped by video: a benchmark run against a partial video folder can miss thousands of items.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { readJsonFile } from '../data/json-file.js';
import { DataError } from '../errors.js';
import { writeJsonAtomic } from './run-manifest.js';

export interface MissingItem {
  id: string;
  video: string;
  reason: 'not-found' | 'unreadable';
  detail: string;
}

export interface MissingVideo {
  video: string;
  reason: MissingItem['reason'];
  detail: string;
  ids: string[];
}

export interface MissingSummary {
  /** Items without an answer because of their video. */
  items: number;
  /** Distinct videos behind them. */
  videos: number;
  list: MissingVideo[];
}

export function summariseMissing(items: readonly MissingItem[]): MissingSummary {
  const byVideo = new Map<string, MissingVideo>();
  for (const m of items) {
    const key = `${m.video}\u0000${m.reason}`;
    const g = byVideo.get(key);
    if (g) g.ids.push(m.id);
    else byVideo.set(key, { video: m.video, reason: m.reason, detail: m.detail, ids: [m.id] });
  }
  return { items: items.length, videos: new Set(items.map((m) => m.video)).size, list: [...byVideo.values()] };
}

export function flattenMissing(s: MissingSummary): MissingItem[] {
  return s.list.flatMap((v) => v.ids.map((id) => ({ id, video: v.video, reason: v.reason, detail: v.detail })));
}

export function writeMissing(dir: string, items: readonly MissingItem[]): void {
  writeJsonAtomic(path.join(dir, 'missing.json'), summariseMissing(items));
}

export function readMissing(dir: string): MissingItem[] {
  const file = path.join(dir, 'missing.json');
  if (!existsSync(file)) return [];
  const parsed = readJsonFile(file) as MissingSummary;
  if (!Array.isArray(parsed?.list)) throw new DataError('expected {items, videos, list: [...]}', { file, field: 'list' });
  return flattenMissing(parsed);
}
