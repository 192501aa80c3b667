/**
 * Readers for the real annotation files, kept inside the tests on purpose: lib/data belongs to another area and the
 * metrics must not depend on it. Each builds prediction items whose metrics are known by construction.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PredictionItem } from '../../lib/metrics/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedDataset = (rel: string) => path.resolve(repoRoot, '../shared/datasets', rel);

interface HiRecord {
  video: string;
  timestamp: [number, number];
  GRPO: { q: string; a: string; r: boolean; c?: string[]; difficulty?: string }[];
}

/** One prediction per GRPO item in data order, as `inference.py` writes them (§5.1), with the output chosen by `make`. */
export function hiVtgPredictions(
  file: string,
  make: (item: HiRecord['GRPO'][number], record: HiRecord) => Partial<PredictionItem> & { model_output: string },
): PredictionItem[] {
  const records = JSON.parse(readFileSync(sharedDataset(file), 'utf8')) as HiRecord[];
  return records.flatMap((rec) =>
    rec.GRPO.map((g) => ({
      video: rec.video,
      query: g.q,
      gt_relevant: g.r,
      gt_timestamp: g.r ? rec.timestamp : null,
      gt_output: g.a,
      irrelevance_level: '',
      gt_categories: g.c ?? [],
      ...(g.difficulty ? { difficulty: g.difficulty } : {}),
      ...make(g, rec),
    })),
  );
}

export interface StaLine {
  video: string;
  start: number;
  end: number;
  /** The numbers exactly as written in the file, so a "prediction = GT" output repeats them verbatim. */
  startText: string;
  endText: string;
  sentence: string;
}

/** Charades-STA test lines `VID start end##sentence`. */
export function charadesStaTest(): StaLine[] {
  const text = readFileSync(sharedDataset('charades_sta/charades_sta_test.txt'), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line, i) => {
      const [head, sentence] = line.split('##');
      const [video, s, e] = (head ?? '').trim().split(/\s+/);
      if (!video || !s || !e || sentence === undefined) throw new Error(`charades_sta_test.txt line ${i + 1}: malformed`);
      return { video, start: Number(s), end: Number(e), startText: s, endText: e, sentence };
    });
}
