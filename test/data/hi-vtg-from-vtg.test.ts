import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hiVtgCommand } from '../../lib/cli/hi-vtg-command.js';
import { isTaxonomyPath } from '../../lib/data/categories.js';
import { hiVtgFromVtg, type HiVtgRecord } from '../../lib/data/hi-vtg-from-vtg.js';
import { readCharadesSta } from '../../lib/data/readers/charades-sta.js';
import { readRaRftRecords } from '../../lib/data/readers/rarft-records.js';
import { readTvgbench } from '../../lib/data/readers/tvgbench.js';
import { sharedDataset } from './datasets-path.js';

const charades = readCharadesSta(sharedDataset('charades_sta/charades_sta_test.txt'), {
  durationsCsv: sharedDataset('charades_sta/Charades_v1_test.csv'),
});

function wordDiff(a: string, b: string): number {
  const x = a.split(/\b/);
  const y = b.split(/\b/);
  expect(y.length).toBe(x.length);
  return x.filter((w, i) => w !== y[i]).length;
}

function checkRecords(records: HiVtgRecord[], levels: number) {
  const editsFor = { easy: 3, medium: 2, hard: 1 } as const;
  for (const r of records) {
    expect(r.GRPO.length).toBe(1 + levels);
    expect(r.GRPO[0]).toMatchObject({ q: r.query_text, r: true, difficulty: 'original' });
    for (const g of r.GRPO.slice(1)) {
      expect(g.r).toBe(false);
      expect(g.q).not.toBe(r.query_text);
      expect(wordDiff(r.query_text, g.q)).toBe(editsFor[g.difficulty as keyof typeof editsFor]);
      expect(g.c!.length).toBeGreaterThan(0);
      expect(g.c!.every(isTaxonomyPath)).toBe(true);
      // The explanation names the edited words.
      const changed = g.q.split(/\b/).filter((w, i) => w !== r.query_text.split(/\b/)[i]);
      for (const w of changed) expect(g.a).toContain(`"${w}"`);
    }
  }
}

describe('hiVtgFromVtg on the real Charades-STA test file (3720 queries)', () => {
  it('1 edit (strong only): every query becomes a record of 1 answerable + 1 refusable', () => {
    const { records, skipped } = hiVtgFromVtg(charades.items, { hardness: ['strong'] });
    expect(records.length).toBe(3720);
    expect(skipped.length).toBe(0);
    checkRecords(records, 1);
  });

  it('weak/moderate/strong: every record has 1 answerable + 3 nested refusables; records + skipped = 3720', () => {
    const { records, skipped, editKinds } = hiVtgFromVtg(charades.items);
    expect(records.length + skipped.length).toBe(3720);
    expect(records.length).toBeGreaterThan(2500);
    checkRecords(records, 3);
    expect(skipped.every((s) => s.reason === 'fewer than 3 editable words')).toBe(true);
    expect(editKinds.action).toBeGreaterThan(0);
    // Nested: the moderate variant keeps the strong variant's edit.
    const r = records[0]!;
    const [, weak, moderate, strong] = r.GRPO.map((g) => g.q.split(/\b/));
    const orig = r.query_text.split(/\b/);
    strong!.forEach((w, i) => { if (w !== orig[i]) expect(moderate![i]).toBe(w); });
    moderate!.forEach((w, i) => { if (w !== orig[i]) expect(weak![i]).toBe(w); });
  });

  it('is deterministic per seed and differs across seeds', () => {
    const a = hiVtgFromVtg(charades.items.slice(0, 200), { seed: 1 }).records;
    expect(hiVtgFromVtg(charades.items.slice(0, 200), { seed: 1 }).records).toEqual(a);
    expect(hiVtgFromVtg(charades.items.slice(0, 200), { seed: 2 }).records).not.toEqual(a);
  });

  it('TVGBench clip queries get absolute spans and, kept, no duration (to be probed); by default they are skipped', () => {
    const { items } = readTvgbench(sharedDataset('tvgbench/tvgbench.json'));
    const clipItems = items.filter((i) => i.clip !== null);
    // The reference's training format needs a duration, and a clip item does not give the whole file's
    const byDefault = hiVtgFromVtg(clipItems, { hardness: ['strong'] });
    expect(byDefault.records).toHaveLength(0);
    expect(byDefault.skipped).toHaveLength(252);
    expect(byDefault.skipped.every((s) => s.reason.startsWith('no duration for the record'))).toBe(true);
    const { records, skipped } = hiVtgFromVtg(clipItems, { hardness: ['strong'], missingDuration: 'keep' });
    expect(records.length + skipped.length).toBe(252);
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) {
      const source = clipItems.find((i) => i.query === r.query_text && i.videoPath === r.video)!;
      expect(r.timestamp[0]).toBeCloseTo(source.absoluteSpan[0], 9);
      expect(r.timestamp[1]).toBeCloseTo(source.absoluteSpan[1], 9);
      expect(r.duration).toBeUndefined();
    }
  });
});

describe('rarft-data make-hi-vtg', () => {
  it('writes records that readRaRftRecords reads back with the right hardness counts', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'rarft-hi-')), 'hi.json');
    let log = '';
    const stderr = { write: (s: string) => ((log += s), true) } as unknown as NodeJS.WritableStream;
    await hiVtgCommand({ stderr }).parseAsync(
      ['--input', sharedDataset('charades_sta/charades_sta_test.txt'), '--format', 'charades-sta', '--out', out,
        '--durations-csv', sharedDataset('charades_sta/Charades_v1_test.csv'), '--hardness', 'strong,weak', '--video-root', '/videos/Charades_v1'],
      { from: 'user' },
    );
    const written = JSON.parse(readFileSync(out, 'utf8')) as HiVtgRecord[];
    const { records, report } = readRaRftRecords(out);
    expect(records.length).toBe(written.length);
    expect(report.hardness.strong).toBe(records.length);
    expect(report.hardness.weak).toBe(records.length);
    expect(report.endPastDuration).toBe(records.filter((r) => r.span![1] > r.duration! + 1e-6).length);
    expect(records[0]!.videoPath).toBe('/videos/Charades_v1/3MSZA.mp4');
    expect(log).toMatch(new RegExp(`${out}: ${records.length} records; ${3720 - records.length} queries skipped`));
  });

  it('rejects an unknown hardness level', async () => {
    const cmd = hiVtgCommand().exitOverride().configureOutput({ writeErr: () => {} });
    await expect(cmd.parseAsync(['--input', 'x', '--format', 'tvgbench', '--out', 'y', '--hardness', 'brutal'], { from: 'user' })).rejects.toThrow(/"brutal" is not weak, moderate or strong/);
  });
});
