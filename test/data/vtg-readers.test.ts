import { describe, expect, it } from 'vitest';
import { readActivityNet } from '../../lib/data/readers/activitynet.js';
import { readCharadesDurations, readCharadesSta } from '../../lib/data/readers/charades-sta.js';
import { readTvgbench } from '../../lib/data/readers/tvgbench.js';
import { readRaRftRecords } from '../../lib/data/readers/rarft-records.js';
import { formatSpanAnswer } from '../../lib/data/answer-text.js';
import { sharedDataset } from './datasets-path.js';

describe('Charades-STA', () => {
  it('test split: 3720 queries over 1334 videos, durations from the csv, 562 ends past the csv length', () => {
    const { items, report } = readCharadesSta(sharedDataset('charades_sta/charades_sta_test.txt'), {
      durationsCsv: sharedDataset('charades_sta/Charades_v1_test.csv'),
    });
    expect(items.length).toBe(3720);
    expect(report.videos).toBe(1334);
    expect(report.missingDuration).toBe(0);
    expect(report.endPastDuration).toBe(562);
    expect(items[0]).toMatchObject({ videoId: '3MSZA', span: [24.3, 30.4], query: 'person turn a light on.', recordIndex: 0 });
    expect(items[0]!.duration).toBeCloseTo(30.96, 6);
  });

  it('test split with clipping: no end past the duration', () => {
    const { items, report } = readCharadesSta(sharedDataset('charades_sta/charades_sta_test.txt'), {
      durationsCsv: sharedDataset('charades_sta/Charades_v1_test.csv'),
      outOfRange: 'clip',
    });
    expect(report.clipped).toBe(562);
    expect(items.every((i) => i.span![1] <= i.duration!)).toBe(true);
  });

  it('train split: 12408 lines over 5338 videos, 4 reversed rows swapped (or dropped, or an error naming the line)', () => {
    const file = sharedDataset('charades_sta/charades_sta_train.txt');
    const durationsCsv = sharedDataset('charades_sta/Charades_v1_train.csv');
    const swapped = readCharadesSta(file, { durationsCsv });
    expect(swapped.items.length).toBe(12408);
    expect(swapped.report.videos).toBe(5338);
    expect([swapped.report.reversed, swapped.report.swapped]).toEqual([4, 4]);
    expect(swapped.items[8251]).toMatchObject({ videoId: 'LEOL6', span: [7, 8] });
    const dropped = readCharadesSta(file, { durationsCsv, reversed: 'drop' });
    expect(dropped.items.length).toBe(12404); // = MMN's cleaned train json
    expect(() => readCharadesSta(file, { reversed: 'error' })).toThrow(/charades_sta_train\.txt, record 8251, field "end": reversed span \[8, 7\]/);
  });

  it('without a csv every duration is null and flagged for probing', () => {
    const { items, report } = readCharadesSta(sharedDataset('charades_sta/charades_sta_test.txt'));
    expect(report.missingDuration).toBe(3720);
    expect(items.every((i) => i.duration === null && i.needsProbe)).toBe(true);
  });

  it('csv durations equal VSLNet charades.json for every id (a cross-check of the CSV parser on quoted fields)', async () => {
    const { readFileSync } = await import('node:fs');
    const reference = JSON.parse(readFileSync(sharedDataset('charades_sta/charades.json'), 'utf8')) as Record<string, { duration: number }>;
    const test = readCharadesDurations(sharedDataset('charades_sta/Charades_v1_test.csv'));
    const train = readCharadesDurations(sharedDataset('charades_sta/Charades_v1_train.csv'));
    expect([test.size, train.size]).toEqual([1863, 7985]);
    let compared = 0;
    for (const [id, d] of [...test, ...train]) {
      expect(reference[id]?.duration).toBeCloseTo(d, 6);
      compared++;
    }
    expect(compared).toBe(9848);
  });
});

describe('ActivityNet Captions', () => {
  it('val_2: 17031 queries over 4885 videos, 1 end past duration, 0 reversed', () => {
    const { items, report } = readActivityNet(sharedDataset('activitynet_captions/val_2.json'));
    expect([items.length, report.videos, report.records]).toEqual([17031, 4885, 4885]);
    expect(report.endPastDuration).toBe(1);
    expect(report.reversed).toBe(0);
    expect(items.every((i) => i.query === i.query.trim() && i.query.length > 0)).toBe(true);
  });

  it('val_1: 17505 queries over 4917 videos, 5 ends past duration', () => {
    const { items, report } = readActivityNet(sharedDataset('activitynet_captions/val_1.json'));
    expect([items.length, report.videos]).toEqual([17505, 4917]);
    expect(report.endPastDuration).toBe(5);
  });

  it('train: 37421 queries over 10009 videos, the 2 reversed segments swapped', () => {
    const { items, report } = readActivityNet(sharedDataset('activitynet_captions/train.json'));
    expect([items.length, report.videos]).toEqual([37421, 10009]);
    expect([report.reversed, report.swapped]).toEqual([2, 2]);
    const fixed = items.filter((i) => i.videoId === 'v_0bosp4-pyTM' || i.videoId === 'v_rhOtqArO-3Y');
    expect(fixed.every((i) => i.span![0] <= i.span![1])).toBe(true);
    expect(() => readActivityNet(sharedDataset('activitynet_captions/train.json'), { reversed: 'error' })).toThrow(
      /train\.json, record \d+ \(v_\S+\), field "timestamps\.\d+": reversed span/,
    );
  });
});

describe('TVGBench (Time-R1 tvgbench.json)', () => {
  it('800 queries over 462 videos; 252 clip queries with spans relative to the clip', () => {
    const { items, report } = readTvgbench(sharedDataset('tvgbench/tvgbench.json'));
    expect([items.length, report.videos]).toEqual([800, 462]);
    const clipped = items.filter((i) => i.clip !== null);
    expect(clipped.length).toBe(252);
    const counts: Record<string, number> = {};
    for (const i of items) counts[i.sourceDataset] = (counts[i.sourceDataset] ?? 0) + 1;
    expect(counts).toEqual({ charades: 138, anet: 168, tacos: 168, egonlq: 168, hirest: 158 });
    expect(new Set(items.map((i) => i.qsemtype)).size).toBe(11);
    // The clip's duration field is the clip length.
    for (const i of clipped) expect(i.duration!).toBeCloseTo(i.clip![1] - i.clip![0], 6);
    const first = clipped[0]!;
    expect(first.absoluteSpan[0]).toBeCloseTo(first.clip![0] + first.span![0], 9);
    expect(report.endPastDuration).toBe(27);
  });
});

describe('formatSpanAnswer reproduces the reference one-decimal answers', () => {
  it('equals the stored answerable `a` of every HI-Charades and HI-TVGBench record', () => {
    let checked = 0;
    for (const f of ['rarft/hi_vtg_charades.json', 'rarft/hi_vtg_tvgbench.json']) {
      for (const r of readRaRftRecords(sharedDataset(f)).records) {
        expect(r.items.find((i) => i.relevant)!.answer).toBe(formatSpanAnswer(r.span![0], r.span![1]));
        checked++;
      }
    }
    expect(checked).toBe(1897);
  });
});

describe('pythonRound1', () => {
  it("matches Python's str(round(x, 1)) including exact ties rounded to even", async () => {
    const { pythonRound1 } = await import('../../lib/data/answer-text.js');
    // Values printed by CPython 3: [str(round(x,1)) for x in [...]]
    const inputs = [19.25, 19.75, 0.25, 0.75, 2.675, 56.15, 0.35, 0.45, 12.05, 1.0, 100.95];
    const python = ['19.2', '19.8', '0.2', '0.8', '2.7', '56.1', '0.3', '0.5', '12.1', '1.0', '101.0'];
    expect(inputs.map(pythonRound1)).toEqual(python);
  });
});

describe("Time-R1 train_2k5.json (TimeRFT training list)", () => {
  it('2500 queries over 2475 videos; 665 with clip fields kept aside; 34 ends past duration', async () => {
    const { readTimeR1Train } = await import('../../lib/data/readers/timer1-train.js');
    const { items, report } = readTimeR1Train(sharedDataset('tvgbench/train_2k5.json'));
    expect([items.length, report.videos]).toEqual([2500, 2475]);
    expect(items.filter((i) => i.clipFields !== null).length).toBe(665);
    expect(items.every((i) => i.clip === null)).toBe(true);
    expect(report.endPastDuration).toBe(34);
    expect(report.warnings[0]).toMatch(/665 entries have video_start\/video_end/);
    expect(items[0]).toMatchObject({ videoId: 'QtWT8rxUuNk', span: [1, 4], duration: 93.2932, difficultyScore: 50 });
  });
});

describe("MMN's Charades json has the ActivityNet shape", () => {
  it('charades_test.json: 3720 queries over 1334 videos, ends already clipped', () => {
    const { items, report } = readActivityNet(sharedDataset('charades_sta/mmn_format/charades_test.json'));
    expect([items.length, report.videos]).toEqual([3720, 1334]);
    expect(report.endPastDuration).toBe(0);
  });
});
