import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../lib/errors.js';
import { readRaRftRecords } from '../../lib/data/readers/rarft-records.js';
import { formatSpanAnswer } from '../../lib/data/answer-text.js';
import { sharedDataset } from './datasets-path.js';

const tvgbenchFile = sharedDataset('tvgbench/tvgbench.json');

function tmpJson(value: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'rarft-data-'));
  const file = path.join(dir, 'records.json');
  writeFileSync(file, JSON.stringify(value));
  return file;
}

describe('RA-RFT records: real files, counts of rarft-reference §3.2', () => {
  it('hi_vtg_charades: 1097 records, 2194 items, 753 videos, 166 ends past duration, 14 starts past it, 3 truncated', () => {
    const { records, items, report } = readRaRftRecords(sharedDataset('rarft/hi_vtg_charades.json'));
    expect(records.length).toBe(1097);
    expect(items.length).toBe(2194);
    expect(report.videos).toBe(753);
    expect([report.answerable, report.refusable]).toEqual([1097, 1097]);
    expect(report.hardness).toEqual({ original: 1097, weak: 204, moderate: 363, strong: 530 });
    expect(report.endPastDuration).toBe(166);
    expect(report.startPastDuration).toBe(14);
    expect(report.clipped).toBe(0); // default policy keeps them (parity)
    expect(report.truncatedQueries).toBe(3);
    const truncated = records.flatMap((r) => r.items.filter((i) => i.queryOrigin !== null).map((i) => i.query));
    expect(truncated.sort()).toEqual(['person browsing on a tablet', 'person turns off the light as they', 'person turns on s tablet']);
    expect(report.missingDuration).toBe(0);
    expect(items.every((i) => (i.relevant ? i.span !== null : i.span === null))).toBe(true);
  });

  it('hi_vtg_charades with outOfRange clip: every span inside [0, duration]', () => {
    const { records, report } = readRaRftRecords(sharedDataset('rarft/hi_vtg_charades.json'), { outOfRange: 'clip' });
    expect(report.clipped).toBe(166);
    expect(records.every((r) => r.span![1] <= r.duration! && r.span![0] <= r.span![1])).toBe(true);
    // The answerable answer text follows the clipped span.
    expect(records.every((r) => r.items[0]!.answer === formatSpanAnswer(r.span![0], r.span![1]))).toBe(true);
  });

  it('hi_vtg_charades with outOfRange error names the file, record and field', () => {
    expect(() => readRaRftRecords(sharedDataset('rarft/hi_vtg_charades.json'), { outOfRange: 'error' })).toThrow(
      /hi_vtg_charades\.json, record \d+, field "timestamp": span .* ends after the video duration/,
    );
  });

  it('hi_vtg_tvgbench: 800 records, 1600 items, hardness 266/267/267, no durations, 1 invalid category', () => {
    const { records, items, report } = readRaRftRecords(sharedDataset('rarft/hi_vtg_tvgbench.json'));
    expect(records.length).toBe(800);
    expect(items.length).toBe(1600);
    expect(report.videos).toBe(462);
    expect(report.hardness).toEqual({ original: 800, weak: 266, moderate: 267, strong: 267 });
    expect(report.missingDuration).toBe(800);
    expect(items.every((i) => i.duration === null && i.needsProbe)).toBe(true);
    expect(report.invalidCategories).toBe(1);
    expect(report.warnings.some((w) => w.includes('Action/SceneTransition'))).toBe(true);
    expect(report.tvgbenchEndFixed).toBe(0);
  });

  it('hi_vtg_tvgbench PRO: the variant of each record\'s hardness is its refusable query (800/800); one record lacks ir_easy', () => {
    const { records } = readRaRftRecords(sharedDataset('rarft/hi_vtg_tvgbench.json'));
    for (const r of records) {
      const refusal = r.items.find((i) => !i.relevant)!;
      expect(r.pro!.variants[refusal.hardness as 'weak' | 'moderate' | 'strong']!.trim()).toBe(refusal.query.trim());
      expect(r.pro!.original.trim()).toBe(r.queryText.trim());
    }
    expect(records.filter((r) => r.pro!.variants.weak === null).length).toBe(1);
  });

  it('fixTvgbenchEndTime corrects 252/800 end times to clip_start + rel_end and nothing else', () => {
    const file = sharedDataset('rarft/hi_vtg_tvgbench.json');
    const raw = readRaRftRecords(file);
    const fixed = readRaRftRecords(file, { fixTvgbenchEndTime: { tvgbenchFile } });
    expect(fixed.report.tvgbenchEndFixed).toBe(252);
    const changed = fixed.records.filter((r, k) => r.span![1] !== raw.records[k]!.span![1]);
    expect(changed.length).toBe(252);
    expect(fixed.records.every((r, k) => r.span![0] === raw.records[k]!.span![0])).toBe(true);
    // Every corrected end moved earlier (by the clip length), and the answer text follows the span.
    for (const r of changed) {
      const before = raw.records[r.recordIndex]!.span![1];
      expect(r.span![1]).toBeLessThan(before);
      const answer = r.items.find((i) => i.relevant)!.answer;
      expect(answer).toBe(formatSpanAnswer(r.span![0], r.span![1]));
    }
    // Record 3 (an Ego4D-NLQ clip query): stored [85.14, 144.56]; TVGBench answer "14.03-16.67" on the clip
    // [71.11, 127.89] (checked with Python on the raw files): buggy end 127.89 + 16.67, correct end 71.11 + 16.67.
    expect(raw.records[3]!.span).toEqual([85.14, 144.56]);
    expect(fixed.records[3]!.span).toEqual([85.14, 87.78]);
    // Idempotent in effect: the second pass over corrected data finds nothing buggy.
    expect(fixed.report.warnings.filter((w) => w.includes('matches neither'))).toEqual([]);
  });

  it('the 27-record test2 subset has the bug in records 3, 6, 11, 12, 14, 15 (rarft-reference §3.4)', () => {
    const file = sharedDataset('rarft/commit_570a2b2/tvgbench_riq_test2.json');
    const raw = readRaRftRecords(file);
    const fixed = readRaRftRecords(file, { fixTvgbenchEndTime: { tvgbenchFile } });
    const changed = fixed.records.filter((r, k) => r.span![1] !== raw.records[k]!.span![1]).map((r) => r.recordIndex);
    expect(changed).toEqual([3, 6, 11, 12, 14, 15]);
    expect(fixed.report.tvgbenchEndFixed).toBe(6);
  });

  it('human_anno: 100 records / 200 items, 20 empty answerable answers, <correct> parsed, one malformed refusal', () => {
    const { records, items, report } = readRaRftRecords(sharedDataset('rarft/human_anno.json'));
    expect([records.length, items.length, report.videos]).toEqual([100, 200, 100]);
    expect(report.emptyAnswerableAnswer).toBe(20);
    expect(report.emptyRefusableAnswer).toBe(0);
    expect(report.malformedAnswers).toBe(1);
    expect(report.warnings.some((w) => w.includes('record 31 GRPO.1'))).toBe(true);
    expect(items.every((i) => i.hardness === null)).toBe(true);
    expect(records[0]!.items[1]!.correction).toBe('man with a white shirt is reading a book.');
    expect(records[0]!.items[0]!.correction).toBe('');
    expect(records[31]!.items[1]!.correction).toBeNull();
    const categoryCounts = items.filter((i) => !i.relevant).map((i) => i.categories.length);
    expect(categoryCounts.filter((n) => n === 1).length).toBe(93);
    expect(categoryCounts.filter((n) => n === 2).length).toBe(7);
  });

  it('ss_vtg_charades: 2119 records / 3720 items (1860/1860), all answers empty, refusable-only records have no span', () => {
    const { records, items, report } = readRaRftRecords(sharedDataset('rarft/ss_vtg_charades.json'));
    expect([records.length, items.length]).toEqual([2119, 3720]);
    expect(report.videos).toBe(1035);
    expect([report.answerable, report.refusable]).toEqual([1860, 1860]);
    expect(report.emptyAnswerableAnswer + report.emptyRefusableAnswer).toBe(3720);
    expect(records.filter((r) => r.span === null).length).toBe(428 + 413);
    expect(report.hardness).toEqual({ original: 1860, weak: 1860, moderate: 0, strong: 0 });
  });

  it('ss_vtg_qvhighlight: 1550 records, untagged refusal text counted, durations missing', () => {
    const { items, report } = readRaRftRecords(sharedDataset('rarft/ss_vtg_qvhighlight.json'));
    expect(report.records).toBe(1550);
    expect(items.length).toBe(3100);
    expect(report.untaggedAnswers).toBe(1550);
    expect(report.missingDuration).toBe(1550);
    expect(items.filter((i) => !i.relevant).every((i) => i.answer === 'This query is unrelated to the video.')).toBe(true);
  });
});

describe('RA-RFT records: bad input names file, record and field', () => {
  const good = {
    video: 'a/b/VID.mp4',
    query_text: 'q',
    timestamp: [1, 2],
    duration: 10,
    GRPO: [
      { q: 'q', a: '<answer>1.0 to 2.0</answer>', r: true, difficulty: 'original' },
      { q: 'x', a: '<answer>no</answer>', r: false, c: ['Object/ObjectExistence'], difficulty: 'hard' },
    ],
  };

  it('reads a well-formed synthetic record', () => {
    const { records } = readRaRftRecords(tmpJson([good]));
    expect(records[0]!.videoId).toBe('VID');
    expect(records[0]!.items[1]!.hardness).toBe('strong');
  });

  it('a wrong type in a GRPO item', () => {
    const bad = { ...good, GRPO: [good.GRPO[0], { ...good.GRPO[1], r: 'no' }] };
    const file = tmpJson([good, bad]);
    expect(() => readRaRftRecords(file)).toThrow(DataError);
    expect(() => readRaRftRecords(file)).toThrow(`${file}, record 1, field "GRPO.1.r"`);
  });

  it('an unknown difficulty', () => {
    const bad = { ...good, GRPO: [good.GRPO[0], { ...good.GRPO[1], difficulty: 'brutal' }] };
    expect(() => readRaRftRecords(tmpJson([bad]))).toThrow(/record 0, field "GRPO.1.difficulty": unknown difficulty "brutal"/);
  });

  it('an answerable item with an empty timestamp', () => {
    expect(() => readRaRftRecords(tmpJson([{ ...good, timestamp: [] }]))).toThrow(/record 0, field "timestamp"/);
  });

  it('a reversed span: swap by default, drop or error on request', () => {
    const rev = { ...good, timestamp: [5, 2] };
    expect(readRaRftRecords(tmpJson([rev])).records[0]!.span).toEqual([2, 5]);
    const dropped = readRaRftRecords(tmpJson([rev, good]), { reversed: 'drop' });
    expect(dropped.records.map((r) => r.recordIndex)).toEqual([1]);
    expect(dropped.report.dropped).toBe(1);
    expect(() => readRaRftRecords(tmpJson([rev]), { reversed: 'error' })).toThrow(/record 0, field "timestamp": reversed span/);
  });

  it('not an array, and invalid JSON', () => {
    expect(() => readRaRftRecords(tmpJson({ a: 1 }))).toThrow(/expected a JSON array/);
    const dir = mkdtempSync(path.join(tmpdir(), 'rarft-data-'));
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '[{');
    expect(() => readRaRftRecords(file)).toThrow(new RegExp(`${file}: invalid JSON`));
  });
});
